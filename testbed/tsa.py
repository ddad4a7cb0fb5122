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

import os
import serving
import threading
import time

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

    def command(self, qfile, rfile):
        return [
            self.args.openssl, "ts", "-reply",
            "-config", self.args.config, "-section", "podpis_tsa",
            "-queryfile", qfile,
            "-signer", self.args.cert, "-inkey", self.args.key, "-chain", self.args.chain,
            "-out", rfile,
        ]

    def reply(self, query):
        """DER TimeStampResp from openssl for the DER TimeStampReq `query`."""
        proc, resp = serving.run_openssl(self.args.work_dir, query, self.command, env=self.env, lock=self.lock)
        if resp is None:
            raise RuntimeError("openssl ts -reply failed (%d): %s"
                               % (proc.returncode, proc.stderr.decode(errors="replace").strip()))
        return resp


class Handler(serving.BodyHandler):
    server_version = "PodpisTestTSA/1"
    log_name = "tsa.py"
    request_type = QUERY_TYPE
    headers_always = (("Cache-Control", "no-store"),)

    tsa = None  # set in main()

    def mode(self):
        path = self.path.split("?", 1)[0]
        if len(path) > 1:
            path = path.rstrip("/") or "/"
        return MODES.get(path)

    def known_path(self):
        return self.mode() is not None

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
        self.guarded(self.handle_post)

    def handle_post(self):
        mode = self.mode()
        if mode is None:
            self.drain(self.content_length())
            self.fail(404, "unknown path %s" % self.path)
            return
        body = self.read_body()
        if body is None:
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
        self.send_made(self.tsa.reply, body, REPLY_TYPE, "time-stamp reply failed")


def main():
    p = serving.parser(__doc__, 35980)
    p.add_argument("--cert", required=True, help="TSA certificate (PEM)")
    p.add_argument("--key", required=True, help="TSA private key (PEM)")
    p.add_argument("--chain", required=True, help="certificates added when the request has certReq (PEM)")
    p.add_argument("--config", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "tsa.cnf"))
    p.add_argument("--serial-file", required=True, help="serial number file (created with 00 if missing)")
    p.add_argument("--slow-seconds", type=float, default=10.0)
    args = serving.parse_args(p, lambda a: (a.cert, a.key, a.chain, a.config))
    if not os.path.exists(args.serial_file):
        with open(args.serial_file, "w") as f:
            f.write("00\n")  # openssl increments first: the first token gets 1

    Handler.tsa = TSA(args)
    serving.serve('tsa.py', args.host, args.port, Handler, '/tsa')


if __name__ == "__main__":
    main()
