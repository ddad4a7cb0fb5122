"""Client side of vpcd's card protocol, shared by the test bench's virtual cards.

A virtual card is a TCP client of the port vpcd (the pcscd reader driver)
listens on: connecting inserts the card, closing the socket removes it.
Every message, both ways, is a 2-byte big-endian length and a payload. From
vpcd, a 1-byte payload is a control code (0 power off, 1 power on, 2 reset,
4 "send your ATR"); anything longer is a C-APDU. The card answers the ATR
request with its ATR and each C-APDU with an R-APDU; power off/on and reset
get no answer.

vpcd writes the length and the payload as two segments: without TCP_QUICKACK,
set on the card's socket before every receive, each APDU waits for a delayed
ACK (~40 ms).
"""

import logging
import signal
import socket
import struct
import time

CTRL_OFF = 0
CTRL_ON = 1
CTRL_RESET = 2
CTRL_ATR = 4

log = logging.getLogger("vpcd")


class Terminate(Exception):
    """Raised from the SIGTERM/SIGINT handler to leave the serve loop."""


class Card:
    """What a virtual card implements. apdu() may return None: no answer (mute)."""

    def atr(self) -> bytes:
        raise NotImplementedError

    def power_on(self) -> None:
        pass

    def power_off(self) -> None:
        pass

    def reset(self) -> None:
        pass

    def apdu(self, capdu: bytes):
        raise NotImplementedError

    def removed(self) -> None:
        """The connection to vpcd ended (card removed / pcscd gone)."""

    def shutdown(self) -> None:
        """The process is about to exit."""


class _Signals:
    """SIGTERM/SIGINT end the loop, but never in the middle of a card operation."""

    def __init__(self):
        self.pending = False
        self.critical = False

    def install(self):
        signal.signal(signal.SIGTERM, self._handler)
        signal.signal(signal.SIGINT, self._handler)

    def _handler(self, signum, frame):
        if self.critical:
            self.pending = True
            return
        raise Terminate()

    def enter(self):
        self.critical = True

    def leave(self):
        self.critical = False
        if self.pending:
            raise Terminate()


def _quickack(sock):
    try:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
    except (AttributeError, OSError):
        pass


def _recv_exact(sock, n):
    buf = bytearray()
    while len(buf) < n:
        _quickack(sock)
        chunk = sock.recv(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return bytes(buf)


def _send(sock, payload: bytes):
    sock.sendall(struct.pack(">H", len(payload)) + payload)


def _connect(host, port, retry_interval, once_logged):
    while True:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            sock.connect((host, port))
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            return sock
        except OSError as e:
            sock.close()
            if not once_logged[0]:
                log.info("vpcd not reachable on %s:%d (%s): retrying every %.1f s",
                         host, port, e.strerror or e, retry_interval)
                once_logged[0] = True
            time.sleep(retry_interval)


def serve(card: Card, port: int, host: str = "127.0.0.1", retry_interval: float = 0.2,
          reconnect: bool = True) -> int:
    """Connects to vpcd and serves the card until SIGTERM/SIGINT.

    While vpcd is not there (pcscd stopped), retries every retry_interval
    seconds; after vpcd closes the connection, connects again (if reconnect).
    Returns the process exit status.
    """
    sig = _Signals()
    sig.install()
    sock = None
    try:
        while True:
            once_logged = [False]
            sock = _connect(host, port, retry_interval, once_logged)
            log.info("connected to vpcd on %s:%d: card inserted", host, port)
            try:
                while True:
                    header = _recv_exact(sock, 2)
                    if header is None:
                        break
                    (length,) = struct.unpack(">H", header)
                    payload = _recv_exact(sock, length) if length else b""
                    if payload is None:
                        break
                    sig.enter()
                    try:
                        if length == 1:
                            code = payload[0]
                            if code == CTRL_ATR:
                                _send(sock, card.atr())
                            elif code == CTRL_ON:
                                card.power_on()
                            elif code == CTRL_OFF:
                                card.power_off()
                            elif code == CTRL_RESET:
                                card.reset()
                            else:
                                log.warning("unknown vpcd control code %d ignored", code)
                        elif length == 0:
                            log.warning("empty message from vpcd ignored")
                        else:
                            rapdu = card.apdu(payload)
                            if rapdu is not None:
                                _send(sock, rapdu)
                    finally:
                        sig.leave()
            except OSError as e:
                log.info("connection to vpcd failed: %s", e)
            finally:
                sock.close()
                sock = None
                card.removed()
            log.info("vpcd closed the connection (pcscd stopped?)")
            if not reconnect:
                return 1
    except Terminate:
        log.info("terminating: removing the card")
        if sock is not None:
            sock.close()
        card.shutdown()
        return 0
