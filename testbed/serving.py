"""What the bench's loopback HTTP services (tsa.py, ocsp.py) share: a
threading server that ends its threads with it, and the serve loop that
stops cleanly on SIGTERM or SIGINT."""

import http.server
import os
import signal
import sys
import threading
import time


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


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
