#!/usr/bin/python3
"""RFC 3161 time-stamping authority of the Podpis test bench (loopback HTTP).

Python standard library only. Each time-stamp reply comes from
`openssl ts -reply -config tsa.cnf ...` signed with the TSA certificate of the
test PKI. Started by `services.sh tsa start` (up.sh); not for production.

    POST /  or  /tsa     Content-Type: application/timestamp-query
                         -> 200, application/timestamp-reply (openssl's reply;
                            a request openssl refuses, e.g. a sha1 imprint,
                            gets a TimeStampResp with status rejection)
    POST /tsa/slow       the same after --slow-seconds (default 10)
    POST /tsa/error      -> 200, TimeStampResp status rejection (2), failInfo
                            systemFailure, whatever the (valid) request
    POST /tsa/garbage    -> 200, application/timestamp-reply, bytes that are
                            not DER
    POST /tsa/http500    -> 500, text/plain

Errors, checked in this order: unknown path 404; method other than POST 405
(Allow: POST); Content-Type not application/timestamp-query 400; no
Content-Length (e.g. chunked) 411; body over 64 KiB 413; body that is not a
DER TimeStampReq (SEQUENCE { INTEGER, SEQUENCE ... }) 400; openssl failure 500.
"""

import argparse
import http.server
import os
import serving
import subprocess
import sys
import tempfile
import threading
import time

MAX_BODY = 64 * 1024
QUERY_TYPE = "application/timestamp-query"
REPLY_TYPE = "application/timestamp-reply"

MODES = {
    "/": "normal",
    "/tsa": "normal",
    "/tsa/slow": "slow",
    "/tsa/error": "error",
    "/tsa/garbage": "garbage",
    "/tsa/http500": "http500",
}

# Bytes served by /tsa/garbage: starts with no ASN.1 SEQUENCE tag (0x30).
GARBAGE = b"\xffPodpis test bench: this is not a TimeStampResp\x00\x01\x02\n"


def der(tag, content):
    """One DER TLV (definite length)."""
    n = len(content)
    if n < 0x80:
        length = bytes([n])
    else:
        raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
        length = bytes([0x80 | len(raw)]) + raw
    return bytes([tag]) + length + content


def rejection_response(text):
    """TimeStampResp { PKIStatusInfo { status rejection(2), statusString
    { UTF8String text }, failInfo systemFailure(25) } } -- no token."""
    status = der(0x02, b"\x02")
    status_string = der(0x30, der(0x0C, text.encode("utf-8")))
    # Named BIT STRING with bit 25 set: 26 bits in 4 bytes, 6 unused bits.
    fail_info = der(0x03, b"\x06\x00\x00\x00\x40")
    return der(0x30, der(0x30, status + status_string + fail_info))


REJECTION = rejection_response("Podpis test bench TSA: rejected on purpose (/tsa/error)")


def read_tlv(buf, pos):
    """(tag, content_start, content_end) of the DER TLV at pos, or None."""
    if pos + 2 > len(buf):
        return None
    tag = buf[pos]
    first = buf[pos + 1]
    pos += 2
    if first < 0x80:
        length = first
    else:
        count = first & 0x7F
        if count == 0 or count > 4 or pos + count > len(buf):
            return None  # indefinite length (BER) or absurd
        length = int.from_bytes(buf[pos:pos + count], "big")
        pos += count
    if pos + length > len(buf):
        return None
    return tag, pos, pos + length


def looks_like_timestamp_req(body):
    """TimeStampReq ::= SEQUENCE { version INTEGER, messageImprint SEQUENCE,
    ... } filling the whole body. openssl checks the rest."""
    outer = read_tlv(body, 0)
    if outer is None or outer[0] != 0x30 or outer[2] != len(body):
        return False
    version = read_tlv(body, outer[1])
    if version is None or version[0] != 0x02 or version[2] > outer[2]:
        return False
    imprint = read_tlv(body, version[2])
    return imprint is not None and imprint[0] == 0x30 and imprint[2] <= outer[2]


class TSA:
    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()  # openssl updates the serial file
        self.env = dict(os.environ, PODPIS_TSA_SERIAL=args.serial_file)

    def reply(self, query):
        """DER TimeStampResp from openssl for the DER TimeStampReq `query`."""
        with tempfile.TemporaryDirectory(dir=self.args.work_dir) as tmp:
            qfile = os.path.join(tmp, "q.tsq")
            rfile = os.path.join(tmp, "r.tsr")
            with open(qfile, "wb") as f:
                f.write(query)
            cmd = [
                self.args.openssl, "ts", "-reply",
                "-config", self.args.config, "-section", "podpis_tsa",
                "-queryfile", qfile,
                "-signer", self.args.cert, "-inkey", self.args.key, "-chain", self.args.chain,
                "-out", rfile,
            ]
            with self.lock:
                proc = subprocess.run(cmd, env=self.env, stdin=subprocess.DEVNULL,
                                      capture_output=True, timeout=30)
            if proc.returncode != 0 or not os.path.exists(rfile):
                raise RuntimeError("openssl ts -reply failed (%d): %s"
                                   % (proc.returncode, proc.stderr.decode(errors="replace").strip()))
            with open(rfile, "rb") as f:
                return f.read()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "PodpisTestTSA/1"
    timeout = 30  # idle keep-alive connections are closed after this

    tsa = None  # set in main()

    # -- helpers

    def log_message(self, fmt, *args):
        sys.stderr.write("%s tsa.py: %s %s\n" % (time.strftime("%F %T"), self.address_string(), fmt % args))

    def send_body(self, code, body, ctype, close=False, extra=()):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        for k, v in extra:
            self.send_header(k, v)
        if close:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def fail(self, code, text, close=False, extra=()):
        self.send_body(code, (text + "\n").encode(), "text/plain; charset=utf-8", close, extra)

    def mode(self):
        path = self.path.split("?", 1)[0]
        if len(path) > 1:
            path = path.rstrip("/") or "/"
        return MODES.get(path)

    def content_length(self):
        if self.headers.get("Transfer-Encoding"):
            return None
        value = self.headers.get("Content-Length")
        if value is None or not value.strip().isdigit():
            return None
        return int(value)

    def drain(self, length):
        """Read and drop an unwanted body (up to 1 MiB) so that the client
        gets our answer and not a connection reset."""
        left = min(length or 0, 1 << 20)
        while left > 0:
            chunk = self.rfile.read(min(left, 65536))
            if not chunk:
                break
            left -= len(chunk)

    # -- Expect: 100-continue: refuse a too large body before it is sent

    def handle_expect_100(self):
        length = self.content_length()
        if self.mode() is not None and self.command == "POST" and length is not None and length > MAX_BODY:
            self.fail(413, "request body over %d bytes" % MAX_BODY, close=True)
            return False
        return super().handle_expect_100()

    # -- methods

    def not_allowed(self):
        if self.mode() is None:
            self.fail(404, "unknown path %s (use /tsa, /tsa/slow, /tsa/error, /tsa/garbage, /tsa/http500)"
                      % self.path)
            return
        self.drain(self.content_length())
        self.fail(405, "method %s not allowed: POST an application/timestamp-query" % self.command,
                  extra=(("Allow", "POST"),))

    do_GET = do_HEAD = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = not_allowed

    def do_POST(self):
        try:
            self.handle_post()
        except (BrokenPipeError, ConnectionResetError) as e:
            self.log_message("client went away: %s", e)
            self.close_connection = True

    def handle_post(self):
        mode = self.mode()
        length = self.content_length()
        if mode is None:
            self.drain(length)
            self.fail(404, "unknown path %s" % self.path)
            return
        ctype = (self.headers.get("Content-Type") or "").split(";", 1)[0].strip().lower()
        if ctype != QUERY_TYPE:
            self.drain(length)
            self.fail(400, "Content-Type must be %s, got '%s'" % (QUERY_TYPE, ctype))
            return
        if length is None:
            self.fail(411, "Content-Length required (no chunked bodies)", close=True)
            return
        if length > MAX_BODY:
            self.drain(length)
            self.fail(413, "request body over %d bytes" % MAX_BODY, close=True)
            return
        body = self.rfile.read(length)
        if len(body) != length:
            self.fail(400, "short request body", close=True)
            return
        if not looks_like_timestamp_req(body):
            self.fail(400, "body is not a DER TimeStampReq")
            return

        if mode == "http500":
            self.fail(500, "Podpis test bench TSA: HTTP 500 on purpose (/tsa/http500)")
            return
        if mode == "error":
            self.send_body(200, REJECTION, REPLY_TYPE)
            return
        if mode == "garbage":
            self.send_body(200, GARBAGE, REPLY_TYPE)
            return
        if mode == "slow":
            time.sleep(self.tsa.args.slow_seconds)
        try:
            resp = self.tsa.reply(body)
        except Exception as e:  # noqa: BLE001 - any failure is the server's
            self.log_message("ERROR %s", e)
            self.fail(500, "time-stamp reply failed")
            return
        self.send_body(200, resp, REPLY_TYPE)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=35980)
    p.add_argument("--cert", required=True, help="TSA certificate (PEM)")
    p.add_argument("--key", required=True, help="TSA private key (PEM)")
    p.add_argument("--chain", required=True, help="certificates added when the request has certReq (PEM)")
    p.add_argument("--config", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "tsa.cnf"))
    p.add_argument("--serial-file", required=True, help="serial number file (created with 00 if missing)")
    p.add_argument("--work-dir", default=None, help="directory for per-request temporary files")
    p.add_argument("--slow-seconds", type=float, default=10.0)
    p.add_argument("--openssl", default="openssl")
    args = p.parse_args()

    for f in (args.cert, args.key, args.chain, args.config):
        if not os.path.isfile(f):
            p.error("file not found: %s" % f)
    if not os.path.exists(args.serial_file):
        with open(args.serial_file, "w") as f:
            f.write("00\n")  # openssl increments first: the first token gets 1
    if args.work_dir:
        os.makedirs(args.work_dir, exist_ok=True)

    Handler.tsa = TSA(args)
    serving.serve('tsa.py', args.host, args.port, Handler, '/tsa')


if __name__ == "__main__":
    main()
