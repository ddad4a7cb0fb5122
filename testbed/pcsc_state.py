#!/usr/bin/env python3
"""Print the PC/SC readers and the ATR of each card, without talking to the cards.

Usage: pcsc_state.py [--reader INDEX] [--atr] [--wait-atr HEX | --wait-empty] [--timeout S]

Reads the reader states through libpcsclite (SCardGetStatusChange with a
zero timeout); it never connects to a card, so it sends no APDU and is safe
with a mute card (opensc-tool -a, by contrast, lets OpenSC probe the card).
Honours PCSCLITE_CSOCK_NAME like every pcsc-lite client.

Output, one line per reader:  INDEX<TAB>NAME<TAB>STATE<TAB>ATR
  STATE: empty | present | present,inuse | present,mute | unavailable ...
  ATR:   upper-case hex bytes separated by spaces, or "-"
--reader INDEX --atr prints only that reader's ATR (status 1 if no card).
--wait-atr HEX / --wait-empty (with --reader) poll until that ATR is present /
the reader is empty, up to --timeout seconds (default 10; status 1 on timeout).
Exit status 2: pcscd not reachable or no readers.
"""

import argparse
import ctypes
import ctypes.util
import sys
import time

SCARD_S_SUCCESS = 0
SCARD_SCOPE_SYSTEM = 2
SCARD_E_NO_SERVICE = 0x8010001D
SCARD_E_NO_READERS_AVAILABLE = 0x8010002E
MAX_ATR_SIZE = 33

STATE_BITS = [
    (0x0004, "unknown"), (0x0008, "unavailable"), (0x0010, "empty"),
    (0x0020, "present"), (0x0040, "atrmatch"), (0x0080, "exclusive"), (0x0100, "inuse"),
    (0x0200, "mute"), (0x0400, "unpowered"),
]


class ReaderState(ctypes.Structure):
    # pcsclite's SCARD_READERSTATE on Linux: DWORD is unsigned long.
    _fields_ = [
        ("szReader", ctypes.c_char_p),
        ("pvUserData", ctypes.c_void_p),
        ("dwCurrentState", ctypes.c_ulong),
        ("dwEventState", ctypes.c_ulong),
        ("cbAtr", ctypes.c_ulong),
        ("rgbAtr", ctypes.c_ubyte * MAX_ATR_SIZE),
    ]


def load_pcsclite():
    name = ctypes.util.find_library("pcsclite") or "libpcsclite.so.1"
    lib = ctypes.CDLL(name)
    lib.SCardEstablishContext.argtypes = [ctypes.c_ulong, ctypes.c_void_p, ctypes.c_void_p,
                                          ctypes.POINTER(ctypes.c_long)]
    lib.SCardEstablishContext.restype = ctypes.c_long
    lib.SCardReleaseContext.argtypes = [ctypes.c_long]
    lib.SCardReleaseContext.restype = ctypes.c_long
    lib.SCardListReaders.argtypes = [ctypes.c_long, ctypes.c_char_p, ctypes.c_char_p,
                                     ctypes.POINTER(ctypes.c_ulong)]
    lib.SCardListReaders.restype = ctypes.c_long
    lib.SCardGetStatusChange.argtypes = [ctypes.c_long, ctypes.c_ulong, ctypes.POINTER(ReaderState),
                                         ctypes.c_ulong]
    lib.SCardGetStatusChange.restype = ctypes.c_long
    return lib


def u32(rv):
    return rv & 0xFFFFFFFF


def snapshot(lib):
    """[(name, state_flags, atr_bytes)] or raises RuntimeError(code)."""
    ctx = ctypes.c_long()
    rv = u32(lib.SCardEstablishContext(SCARD_SCOPE_SYSTEM, None, None, ctypes.byref(ctx)))
    if rv != SCARD_S_SUCCESS:
        raise RuntimeError(rv)
    try:
        size = ctypes.c_ulong(0)
        rv = u32(lib.SCardListReaders(ctx, None, None, ctypes.byref(size)))
        if rv != SCARD_S_SUCCESS:
            raise RuntimeError(rv)
        buf = ctypes.create_string_buffer(size.value)
        rv = u32(lib.SCardListReaders(ctx, None, buf, ctypes.byref(size)))
        if rv != SCARD_S_SUCCESS:
            raise RuntimeError(rv)
        names = [n for n in buf.raw[:size.value].split(b"\0") if n]
        states = (ReaderState * len(names))()
        for i, n in enumerate(names):
            states[i].szReader = n
            states[i].dwCurrentState = 0  # SCARD_STATE_UNAWARE: report at once
        rv = u32(lib.SCardGetStatusChange(ctx, 0, states, len(names)))
        if rv != SCARD_S_SUCCESS:
            raise RuntimeError(rv)
        return [(n.decode(), s.dwEventState, bytes(s.rgbAtr[:s.cbAtr])) for n, s in zip(names, states)]
    finally:
        lib.SCardReleaseContext(ctx)


def describe(flags):
    words = []
    for bit, word in STATE_BITS:
        if flags & bit and word not in ("unknown", "ignore", "atrmatch") and word not in words:
            words.append(word)
    return ",".join(words) or "?"


def fmt_atr(atr):
    return atr.hex(" ").upper() if atr else "-"


def card_atr(entry):
    name, flags, atr = entry
    return atr if (flags & 0x20) and atr else b""


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reader", type=int, help="reader index (0 = 'Virtual PCD 00 00')")
    ap.add_argument("--atr", action="store_true", help="print only the ATR of --reader")
    group = ap.add_mutually_exclusive_group()
    group.add_argument("--wait-atr", help="wait until --reader holds a card with this ATR")
    group.add_argument("--wait-empty", action="store_true", help="wait until --reader has no card")
    group.add_argument("--wait-readers", action="store_true", help="wait until pcscd lists readers")
    ap.add_argument("--timeout", type=float, default=10.0)
    args = ap.parse_args()
    if (args.atr or args.wait_atr or args.wait_empty) and args.reader is None:
        ap.error("--atr, --wait-atr and --wait-empty need --reader")

    lib = load_pcsclite()

    if args.wait_atr or args.wait_empty or args.wait_readers:
        want = bytes.fromhex("".join(c for c in (args.wait_atr or "") if c not in " :"))
        deadline = time.monotonic() + args.timeout
        while True:
            try:
                entries = snapshot(lib)
                if args.wait_readers:
                    return 0
                if args.reader < len(entries):
                    atr = card_atr(entries[args.reader])
                    if args.wait_empty and not atr:
                        return 0
                    if args.wait_atr and atr == want:
                        return 0
            except RuntimeError:
                pass
            if time.monotonic() >= deadline:
                return 1
            time.sleep(0.05)

    try:
        entries = snapshot(lib)
    except RuntimeError as e:
        code = e.args[0]
        if code == SCARD_E_NO_SERVICE:
            print("pcscd not reachable (SCARD_E_NO_SERVICE)", file=sys.stderr)
        elif code == SCARD_E_NO_READERS_AVAILABLE:
            print("no readers (SCARD_E_NO_READERS_AVAILABLE)", file=sys.stderr)
        else:
            print(f"PC/SC error 0x{code:08X}", file=sys.stderr)
        return 2

    if args.reader is not None:
        if args.reader >= len(entries):
            print(f"no reader with index {args.reader}", file=sys.stderr)
            return 2
        entries_to_show = [(args.reader, entries[args.reader])]
    else:
        entries_to_show = list(enumerate(entries))

    if args.atr:
        atr = card_atr(entries_to_show[0][1])
        if not atr:
            return 1
        print(fmt_atr(atr))
        return 0

    for index, (name, flags, atr) in entries_to_show:
        print(f"{index}\t{name}\t{describe(flags)}\t{fmt_atr(card_atr((name, flags, atr)))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
