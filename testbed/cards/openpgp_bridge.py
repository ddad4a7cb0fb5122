#!/usr/bin/env python3
"""OpenPGP virtual card for the Podpis test bench: jcecard behind vpcd.

Usage: openpgp_bridge.py --state-dir DIR [--port 35963] [--verbose]

jcecard (PyPI, pure Python) emulates an OpenPGP v3.4 card but has no vpcd
client; this bridge feeds it the APDUs vpcd sends. The card's state (keys,
PINs, retry counters) is jcecard's JSON file DIR/card_state.json, so it
survives restarts of the bridge (card removed and inserted again).

Differences from plain jcecard, on purpose:
  - INS A5 (SELECT DATA), which OpenSC sends and jcecard lacks, gets 90 00;
  - power on and reset clear the PIN verification state, as on a real card
    (jcecard keeps it; --keep-pin-on-reset restores that behaviour);
  - the state file is written atomically (temp file + rename), so a killed
    bridge never leaves a truncated card behind.
"""

import argparse
import logging
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vpcd_link  # noqa: E402

log = logging.getLogger("openpgp_bridge")


def load_jcecard(verbose: bool):
    # Importing jcecard runs logging.basicConfig(level=DEBUG) (in its
    # tcp_server module) and its card logs every APDU at INFO: tame it.
    from jcecard.card_data import CardDataStore
    from jcecard.main import OpenPGPCard
    logging.getLogger().setLevel(logging.DEBUG if verbose else logging.INFO)
    logging.getLogger("jcecard").setLevel(logging.DEBUG if verbose else logging.WARNING)

    def atomic_save(self) -> bool:
        import json
        self._ensure_storage_dir()
        try:
            fd, tmp = tempfile.mkstemp(prefix=".card_state.", dir=str(self.storage_dir))
            with os.fdopen(fd, "w") as f:
                json.dump(self.state.to_dict(), f, indent=2)
                f.flush()
                os.fsync(f.fileno())
            os.chmod(tmp, 0o600)
            os.replace(tmp, self.state_file)
            return True
        except OSError as e:
            log.error("could not save card state to %s: %s", self.state_file, e)
            return False

    CardDataStore.save = atomic_save
    return OpenPGPCard


class OpenPGPVirtualCard(vpcd_link.Card):
    def __init__(self, card, keep_pin_on_reset: bool, verbose: bool):
        self.card = card
        self.keep_pin_on_reset = keep_pin_on_reset
        self.verbose = verbose

    def _forget_pins(self):
        if not self.keep_pin_on_reset:
            security = getattr(self.card, "_security", None)
            if security is not None:
                security.reset()

    def atr(self) -> bytes:
        return self.card.get_atr()

    def power_on(self):
        self.card.power_on()
        self._forget_pins()

    def power_off(self):
        self.card.power_off()

    def reset(self):
        self.card.reset()
        self._forget_pins()

    def apdu(self, capdu: bytes) -> bytes:
        if len(capdu) >= 4 and capdu[1] == 0xA5:
            # SELECT DATA (choose which certificate DO 7F21 refers to):
            # jcecard lacks it and OpenSC shows no token without it.
            rapdu = b"\x90\x00"
        else:
            rapdu = self.card.process_apdu(capdu)
        if self.verbose:
            log.debug("C: %s", capdu.hex())
            log.debug("R: %s", rapdu.hex())
        return rapdu

    def removed(self):
        # Card out of the reader: like a power loss.
        self.card.power_off()

    def shutdown(self):
        self.card.save_state()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--state-dir", required=True, help="directory of the card's persistent state")
    ap.add_argument("--port", type=int, default=35963, help="vpcd port (default 35963: reader 'Virtual PCD 00 00')")
    ap.add_argument("--host", default="127.0.0.1", help="vpcd host (default 127.0.0.1)")
    ap.add_argument("--keep-pin-on-reset", action="store_true",
                    help="keep PIN verification across reset/power on (jcecard's own behaviour)")
    ap.add_argument("--verbose", "-v", action="store_true", help="log every APDU")
    args = ap.parse_args()

    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s openpgp-bridge[%(process)d] %(levelname)s %(name)s: %(message)s")
    state_dir = Path(args.state_dir).resolve()
    state_dir.mkdir(parents=True, exist_ok=True)
    os.environ["JCECARD_STORAGE_DIR"] = str(state_dir)

    try:
        OpenPGPCard = load_jcecard(args.verbose)
    except ImportError as e:
        log.error("cannot import jcecard (%s): run testbed/install-deps.sh and set PYTHONPATH", e)
        return 2

    card = OpenPGPCard(storage_path=state_dir)
    if not (state_dir / "card_state.json").exists():
        card.save_state()
        log.info("new card: state in %s", state_dir / "card_state.json")
    else:
        log.info("card state loaded from %s", state_dir / "card_state.json")

    return vpcd_link.serve(OpenPGPVirtualCard(card, args.keep_pin_on_reset, args.verbose),
                           port=args.port, host=args.host)


if __name__ == "__main__":
    sys.exit(main())
