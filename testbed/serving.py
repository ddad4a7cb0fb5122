"""What the bench's loopback HTTP services (tsa.py, ocsp.py) share: their
common options, a one-shot openssl run per request, a request handler for
small DER bodies POSTed with one Content-Type, a threading server that ends
its threads with it, and the serve loop that stops cleanly on SIGTERM or
SIGINT."""

import argparse
import contextlib
import http.server
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time

MAX_BODY = 64 * 1024


def parser(doc, port):
    """An argument parser with the options both services have: --host,
    --port (default `port`), --work-dir and --openssl."""
    p = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=port)
    p.add_argument("--work-dir", default=None, help="directory for per-request temporary files")
    p.add_argument("--openssl", default="openssl")
    return p


def parse_args(p, files):
    """p.parse_args(); every path in files(args) must be a file (else a usage
    error), and --work-dir is created."""
    args = p.parse_args()
    for f in files(args):
        if not os.path.isfile(f):
            p.error("file not found: %s" % f)
    if args.work_dir:
        os.makedirs(args.work_dir, exist_ok=True)
    return args


def run_openssl(work_dir, data, command, env=None, lock=None):
    """Runs command(in_file, out_file) -- an openssl command line -- with
    `data` in in_file, in a temporary directory under work_dir (under `lock`
    if given). Returns (the finished process, the bytes of out_file, or None
    when the command failed or wrote no out_file)."""
    with tempfile.TemporaryDirectory(dir=work_dir) as tmp:
        in_file = os.path.join(tmp, "in.der")
        out_file = os.path.join(tmp, "out.der")
        with open(in_file, "wb") as f:
            f.write(data)
        with lock or contextlib.nullcontext():
            proc = subprocess.run(command(in_file, out_file), env=env, stdin=subprocess.DEVNULL,
                                  capture_output=True, timeout=30)
        if proc.returncode != 0 or not os.path.exists(out_file):
            return proc, None
        with open(out_file, "rb") as f:
            return proc, f.read()


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class BodyHandler(http.server.BaseHTTPRequestHandler):
    """Subclasses set `log_name` (the log label), `request_type` (the only
    Content-Type a POST may have) and `headers_always` (sent with every
    answer)."""

    protocol_version = "HTTP/1.1"
    timeout = 30  # idle keep-alive connections are closed after this
    log_name = "serving.py"
    request_type = None
    headers_always = ()

    def log_message(self, fmt, *args):
        sys.stderr.write("%s %s: %s %s\n" % (time.strftime("%F %T"), self.log_name, self.address_string(), fmt % args))

    def send_body(self, code, body, ctype, close=False, extra=()):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in tuple(self.headers_always) + tuple(extra):
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
        """Read and drop an unwanted body (up to 1 MiB) so that the client
        gets our answer and not a connection reset."""
        left = min(length or 0, 1 << 20)
        while left > 0:
            chunk = self.rfile.read(min(left, 65536))
            if not chunk:
                break
            left -= len(chunk)

    def known_path(self):
        """False for a path that gets 404 (a too large body is then not
        refused early)."""
        return True

    # Expect: 100-continue: refuse a too large body before it is sent.
    def handle_expect_100(self):
        length = self.content_length()
        if self.known_path() and self.command == "POST" and length is not None and length > MAX_BODY:
            self.fail(413, "request body over %d bytes" % MAX_BODY, close=True)
            return False
        return super().handle_expect_100()

    def send_made(self, make, request, ctype, failure, extra=()):
        """200 with make(request) as the body; 500 with the text `failure` if
        make raises (the exception goes to the log)."""
        try:
            resp = make(request)
        except Exception as e:  # noqa: BLE001 - any failure is the server's
            self.log_message("ERROR %s", e)
            self.fail(500, failure)
            return
        self.send_body(200, resp, ctype, extra=extra)

    def guarded(self, fn):
        """Runs fn(); a client that went away only ends the connection."""
        try:
            fn()
        except (BrokenPipeError, ConnectionResetError) as e:
            self.log_message("client went away: %s", e)
            self.close_connection = True

    def read_body(self):
        """The POSTed body, or None once an error has been answered: a
        Content-Type other than `request_type` 400, no Content-Length 411,
        over MAX_BODY 413, a body shorter than announced 400."""
        length = self.content_length()
        ctype = (self.headers.get("Content-Type") or "").split(";", 1)[0].strip().lower()
        if ctype != self.request_type:
            self.drain(length)
            self.fail(400, "Content-Type must be %s, got '%s'" % (self.request_type, ctype))
            return None
        if length is None:
            self.fail(411, "Content-Length required (no chunked bodies)", close=True)
            return None
        if length > MAX_BODY:
            self.drain(length)
            self.fail(413, "request body over %d bytes" % MAX_BODY, close=True)
            return None
        body = self.rfile.read(length)
        if len(body) != length:
            self.fail(400, "short request body", close=True)
            return None
        return body


def serve(name, host, port, handler, path=""):
    """Serves `handler` on host:port until SIGTERM or SIGINT; `name` and
    `path` only label the log lines."""
    server = Server((host, port), handler)

    def stop(signum, _frame):
        sys.stderr.write("%s: signal %d, stopping\n" % (name, signum))
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    sys.stderr.write("%s %s: listening on http://%s:%d%s (pid %d)\n"
                     % (time.strftime("%F %T"), name, host, port, path, os.getpid()))
    sys.stderr.flush()
    server.serve_forever(poll_interval=0.2)
    server.server_close()
