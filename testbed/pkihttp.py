#!/usr/bin/python3
"""CRL, CA certificate and trusted list server of the Podpis test bench
(loopback HTTP, standard library only). Serves the files of one directory
($STATE/pki/www, written by verification.py): the URLs in the bench
certificates' CRL distribution points and AIA caIssuers, and the TSLLocation
of the test LOTL. Started by `services.sh crl start` (up.sh); not for
production.

    GET|HEAD /NAME.crl   application/pkix-crl   (DER)
    GET|HEAD /NAME.cer   application/pkix-cert  (DER)
    GET|HEAD /NAME.xml   application/vnd.etsi.tsl+xml

NAME is letters, digits, '.', '_' and '-' (no '/', not starting with '.').
Unknown name 404; other methods 405. Every request is logged (a test can
count the hits in $STATE/log/crl.log).
"""

import os
import re
import serving

TYPES = {".crl": "application/pkix-crl", ".cer": "application/pkix-cert", ".xml": "application/vnd.etsi.tsl+xml"}
NAME = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9._-]*\.(crl|cer|xml)$")


class Handler(serving.BodyHandler):
    server_version = "PodpisTestPKI/1"
    log_name = "pkihttp.py"
    directory = None  # set in main()

    def serve_file(self):
        name = self.path.split("?", 1)[0].lstrip("/")
        if not NAME.match(name) or ".." in name:
            self.fail(404, "not found")
            return
        path = os.path.join(self.directory, name)
        try:
            with open(path, "rb") as f:
                body = f.read()
        except OSError:
            self.fail(404, "not found")
            return
        self.send_body(200, body, TYPES[os.path.splitext(name)[1]], extra=(("Cache-Control", "no-store"),))

    def do_GET(self):
        self.guarded(self.serve_file)

    def do_HEAD(self):
        self.guarded(self.serve_file)

    def not_allowed(self):
        self.drain(self.content_length())
        self.fail(405, "method %s not allowed" % self.command, extra=(("Allow", "GET, HEAD"),))

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = not_allowed


def main():
    p = serving.parser(__doc__, 35982)
    p.add_argument("--dir", required=True, help="directory of the served files")
    args = serving.parse_args(p, lambda a: [])
    if not os.path.isdir(args.dir):
        p.error("not a directory: %s" % args.dir)
    Handler.directory = os.path.abspath(args.dir)
    serving.serve("pkihttp.py", args.host, args.port, Handler, "/")


if __name__ == "__main__":
    main()
