#!/usr/bin/env python3
"""A scripted virtual card for the Podpis test bench.

Usage: scripted_card.py --atr HEX [--port 35964] [--mute] [--delay S] [--responses FILE]

Presents ATR HEX on a vpcd port (35964 = reader "Virtual PCD 00 01") and
answers each C-APDU from a JSON map of hex C-APDU prefixes to hex R-APDUs:

    {"00A4040C": "9000", "00B0": "0102039000", "default": "6A82"}

The longest matching prefix wins; "default" (else 6D 00) answers the rest.
Hex may contain spaces or colons and is case-insensitive.

--mute: the card is inserted and answers the ATR request (so pcscd sees it),
but never answers an APDU. vpcd has no timeout: the caller's SCardTransmit
blocks until the card is stopped (then it fails), and meanwhile pcscd's
presence polling of that reader blocks too.
--delay S: answer every APDU after S seconds (slow card).

Every APDU and answer is logged to stderr. SIGTERM/SIGINT: close the socket
(the card is removed) and exit 0. While vpcd is not there (pcscd stopped), it
retries connecting every 0.2 s, so the card comes back after pcscd restarts.
"""

import argparse
import json
import logging
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vpcd_link  # noqa: E402

log = logging.getLogger("scripted_card")


def parse_hex(text: str, what: str) -> bytes:
    cleaned = "".join(ch for ch in text if ch not in " :\t\r\n")
    try:
        value = bytes.fromhex(cleaned)
    except ValueError:
        raise SystemExit(f"scripted_card: {what} is not hex: {text!r}")
    return value


def load_responses(path: str):
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, json.JSONDecodeError) as e:
        raise SystemExit(f"scripted_card: cannot read responses file {path}: {e}")
    if not isinstance(data, dict):
        raise SystemExit(f"scripted_card: {path} must hold a JSON object (hex C-APDU prefix -> hex R-APDU)")
    default = None
    table = []
    for key, value in data.items():
        if not isinstance(value, str):
            raise SystemExit(f"scripted_card: response for {key!r} must be a hex string")
        rapdu = parse_hex(value, f"response for {key!r}")
        if len(rapdu) < 2:
            raise SystemExit(f"scripted_card: response for {key!r} needs at least SW1 SW2")
        if key.lower() == "default":
            default = rapdu
        else:
            table.append((parse_hex(key, "C-APDU prefix"), rapdu))
    table.sort(key=lambda item: len(item[0]), reverse=True)
    return table, default


class ScriptedCard(vpcd_link.Card):
    def __init__(self, atr: bytes, table, default: bytes, mute: bool, delay: float):
        self._atr = atr
        self.table = table
        self.default = default
        self.mute = mute
        self.delay = delay

    def atr(self) -> bytes:
        return self._atr

    def power_on(self):
        log.info("power on")

    def power_off(self):
        log.info("power off")

    def reset(self):
        log.info("reset")

    def apdu(self, capdu: bytes):
        log.info("C: %s", capdu.hex(" ").upper())
        if self.mute:
            log.info("R: (mute: no answer)")
            return None
        if self.delay > 0:
            time.sleep(self.delay)
        for prefix, rapdu in self.table:
            if capdu.startswith(prefix):
                break
        else:
            rapdu = self.default
        log.info("R: %s", rapdu.hex(" ").upper())
        return rapdu

    def removed(self):
        log.info("disconnected from vpcd")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--atr", required=True, help="ATR as hex, e.g. '3B 9F 96 80 ...'")
    ap.add_argument("--port", type=int, default=35964, help="vpcd port (default 35964: reader 'Virtual PCD 00 01')")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--mute", action="store_true", help="answer the ATR request but never an APDU")
    ap.add_argument("--delay", type=float, default=0.0, help="seconds to wait before each answer")
    ap.add_argument("--responses", help="JSON file: hex C-APDU prefix -> hex R-APDU")
    args = ap.parse_args()

    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s scripted-card[%(process)d] %(message)s")
    atr = parse_hex(args.atr, "--atr")
    if not 2 <= len(atr) <= 33:
        raise SystemExit(f"scripted_card: an ATR has 2 to 33 bytes, got {len(atr)}")
    table, default = load_responses(args.responses) if args.responses else ([], None)
    card = ScriptedCard(atr, table, default or b"\x6d\x00", args.mute, args.delay)
    log.info("ATR %s on port %d%s", atr.hex(" ").upper(), args.port, " (mute)" if args.mute else "")
    return vpcd_link.serve(card, port=args.port, host=args.host)


if __name__ == "__main__":
    sys.exit(main())
