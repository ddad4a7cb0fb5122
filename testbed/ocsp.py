#!/usr/bin/python3
"""OCSP responder of the Podpis test bench (RFC 6960 over loopback HTTP).

Python standard library only. Each answer comes from a one-shot
`openssl ocsp -index INDEX -CA ca.pem -rsigner ocsp.pem -rkey ocsp.key
-rother ca.pem -ndays 1 -reqin REQ -respout RESP`, so the index (openssl ca
format, written by `pki.sh ocsp-index`) is read afresh for every request.
Started by `services.sh ocsp start` (up.sh); not for production.

Why not `openssl ocsp -port`: in OpenSSL 3.0 -port takes a port number only
and listens on every interface; it serves one connection at a time, so a
client that sends an incomplete request stalls it; and it exits after a
malformed request unless -ignore_err is given (then the client never gets an
answer).

    POST /                Content-Type: application/ocsp-request, DER body
    GET  /BASE64-REQUEST  RFC 6960 A.1 (URL-encoded base64 of the DER request)
                          -> 200, application/ocsp-response

A body that is not a DER OCSPRequest gets an OCSPResponse with status
malformedRequest (1). Other errors: Content-Type other than
application/ocsp-request 400; no Content-Length 411; over 64 KiB 413; other
methods 405; openssl failure 500.
"""

import argparse
import base64
import binascii
import http.server
import os
import serving
import subprocess
import sys
import tempfile
import time
import urllib.parse

MAX_BODY = 64 * 1024
REQUEST_TYPE = "application/ocsp-request"
RESPONSE_TYPE = "application/ocsp-response"
# OCSPResponse ::= SEQUENCE { responseStatus ENUMERATED malformedRequest(1) }
MALFORMED = bytes.fromhex("30030a0101")


def plausible_der_sequence(body):
    """A DER SEQUENCE (definite length) that fills the whole body."""
    if len(body) < 2 or body[0] != 0x30:
        return False
    first = body[1]
    if first < 0x80:
        return 2 + first == len(body)
    count = first & 0x7F
    if count == 0 or count > 4 or len(body) < 2 + count:
        return False
    return 2 + count + int.from_bytes(body[2:2 + count], "big") == len(body)


class Responder:
    def __init__(self, args):
        self.args = args

    def respond(self, request):
        with tempfile.TemporaryDirectory(dir=self.args.work_dir) as tmp:
            qfile = os.path.join(tmp, "req.der")
            rfile = os.path.join(tmp, "resp.der")
            with open(qfile, "wb") as f:
                f.write(request)
            a = self.args
            cmd = [a.openssl, "ocsp", "-index", a.index, "-CA", a.ca,
                   "-rsigner", a.rsigner, "-rkey", a.rkey, "-ndays", str(a.ndays),
                   "-reqin", qfile, "-respout", rfile]
            for other in a.rother:
                cmd += ["-rother", other]
            proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=30)
            err = proc.stderr.decode(errors="replace").strip()
            if proc.returncode != 0 or not os.path.exists(rfile):
                if "Error reading OCSP request" in err:
                    return MALFORMED
                raise RuntimeError("openssl ocsp failed (%d): %s" % (proc.returncode, err))
            with open(rfile, "rb") as f:
                return f.read()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "PodpisTestOCSP/1"
    timeout = 30

    responder = None  # set in main()

    def log_message(self, fmt, *args):
        sys.stderr.write("%s ocsp.py: %s %s\n" % (time.strftime("%F %T"), self.address_string(), fmt % args))

    def send_body(self, code, body, ctype, close=False, extra=()):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
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

    def content_length(self):
        if self.headers.get("Transfer-Encoding"):
            return None
        value = self.headers.get("Content-Length")
        if value is None or not value.strip().isdigit():
            return None
        return int(value)

    def drain(self, length):
        left = min(length or 0, 1 << 20)
        while left > 0:
            chunk = self.rfile.read(min(left, 65536))
            if not chunk:
                break
            left -= len(chunk)

    def handle_expect_100(self):
        length = self.content_length()
        if self.command == "POST" and length is not None and length > MAX_BODY:
            self.fail(413, "request body over %d bytes" % MAX_BODY, close=True)
            return False
        return super().handle_expect_100()

    def answer(self, request):
        if not plausible_der_sequence(request):
            self.send_body(200, MALFORMED, RESPONSE_TYPE)
            return
        try:
            resp = self.responder.respond(request)
        except Exception as e:  # noqa: BLE001 - any failure is the server's
            self.log_message("ERROR %s", e)
            self.fail(500, "OCSP response failed")
            return
        self.send_body(200, resp, RESPONSE_TYPE, extra=(("Cache-Control", "no-store"),))

    def guarded(self, fn):
        try:
            fn()
        except (BrokenPipeError, ConnectionResetError) as e:
            self.log_message("client went away: %s", e)
            self.close_connection = True

    def do_GET(self):
        self.guarded(self.handle_get)

    def do_POST(self):
        self.guarded(self.handle_post)

    def handle_get(self):
        path = self.path.split("?", 1)[0].lstrip("/")
        if not path:
            self.fail(405, "GET needs /BASE64-REQUEST; or POST an application/ocsp-request",
                      extra=(("Allow", "GET, POST"),))
            return
        try:
            request = base64.b64decode(urllib.parse.unquote(path), validate=True)
        except (binascii.Error, ValueError):
            self.send_body(200, MALFORMED, RESPONSE_TYPE)
            return
        self.answer(request)

    def handle_post(self):
        length = self.content_length()
        ctype = (self.headers.get("Content-Type") or "").split(";", 1)[0].strip().lower()
        if ctype != REQUEST_TYPE:
            self.drain(length)
            self.fail(400, "Content-Type must be %s, got '%s'" % (REQUEST_TYPE, ctype))
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
        self.answer(body)

    def not_allowed(self):
        self.drain(self.content_length())
        self.fail(405, "method %s not allowed" % self.command, extra=(("Allow", "GET, POST"),))

    do_HEAD = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = not_allowed


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=35981)
    p.add_argument("--index", required=True, help="index.txt in openssl ca format")
    p.add_argument("--ca", required=True, help="issuer whose certificates the index lists (PEM)")
    p.add_argument("--rsigner", required=True, help="OCSP signing certificate (PEM)")
    p.add_argument("--rkey", required=True, help="its private key (PEM)")
    p.add_argument("--rother", action="append", default=[], help="more certificates for the response (PEM)")
    p.add_argument("--ndays", type=int, default=1, help="nextUpdate = thisUpdate + N days")
    p.add_argument("--work-dir", default=None, help="directory for per-request temporary files")
    p.add_argument("--openssl", default="openssl")
    args = p.parse_args()
    for f in [args.index, args.ca, args.rsigner, args.rkey] + args.rother:
        if not os.path.isfile(f):
            p.error("file not found: %s" % f)
    if args.work_dir:
        os.makedirs(args.work_dir, exist_ok=True)

    Handler.responder = Responder(args)
    serving.serve('ocsp.py', args.host, args.port, Handler, '')


if __name__ == "__main__":
    main()
