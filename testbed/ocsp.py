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

import base64
import binascii
import serving
import urllib.parse

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

    def command(self, qfile, rfile):
        a = self.args
        cmd = [a.openssl, "ocsp", "-index", a.index, "-CA", a.ca,
               "-rsigner", a.rsigner, "-rkey", a.rkey, "-ndays", str(a.ndays),
               "-reqin", qfile, "-respout", rfile]
        for other in a.rother:
            cmd += ["-rother", other]
        return cmd

    def respond(self, request):
        proc, resp = serving.run_openssl(self.args.work_dir, request, self.command)
        if resp is None:
            err = proc.stderr.decode(errors="replace").strip()
            if "Error reading OCSP request" in err:
                return MALFORMED
            raise RuntimeError("openssl ocsp failed (%d): %s" % (proc.returncode, err))
        return resp


class Handler(serving.BodyHandler):
    server_version = "PodpisTestOCSP/1"
    log_name = "ocsp.py"
    request_type = REQUEST_TYPE

    responder = None  # set in main()

    def answer(self, request):
        if not plausible_der_sequence(request):
            self.send_body(200, MALFORMED, RESPONSE_TYPE)
            return
        self.send_made(self.responder.respond, request, RESPONSE_TYPE, "OCSP response failed",
                       extra=(("Cache-Control", "no-store"),))

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
        body = self.read_body()
        if body is not None:
            self.answer(body)

    def not_allowed(self):
        self.drain(self.content_length())
        self.fail(405, "method %s not allowed" % self.command, extra=(("Allow", "GET, POST"),))

    do_HEAD = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = not_allowed


def main():
    p = serving.parser(__doc__, 35981)
    p.add_argument("--index", required=True, help="index.txt in openssl ca format")
    p.add_argument("--ca", required=True, help="issuer whose certificates the index lists (PEM)")
    p.add_argument("--rsigner", required=True, help="OCSP signing certificate (PEM)")
    p.add_argument("--rkey", required=True, help="its private key (PEM)")
    p.add_argument("--rother", action="append", default=[], help="more certificates for the response (PEM)")
    p.add_argument("--ndays", type=int, default=1, help="nextUpdate = thisUpdate + N days")
    args = serving.parse_args(p, lambda a: [a.index, a.ca, a.rsigner, a.rkey] + a.rother)
    Handler.responder = Responder(args)
    serving.serve('ocsp.py', args.host, args.port, Handler, '')


if __name__ == "__main__":
    main()
