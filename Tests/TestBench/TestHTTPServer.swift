import Foundation

/// A tiny Python HTTP server on 127.0.0.1 for the fetcher's tests (and the
/// extension's, which need a responder that misbehaves); it
/// records every request it receives (method and path, one line each) so
/// that a test can assert that nothing reached it. Answers:
/// - `/ocsp` (POST): `openssl ocsp -index` over the fixture CA answers the posted request;
/// - `/hang`: never answers; `/big`: 50 MB without Content-Length; `/big-announced`: 50 MB announced;
/// - `/redirect-file`: to file:///etc/passwd; `/redirect-port`: to the other server's /ca.crl;
///   `/redirect-loop`: to itself; `/status-500`: an error;
/// - `/garbage-ocsp`: 200 with bytes that are no DER at all, as application/ocsp-response;
/// - any other path: the fixture file of that name.
/// It stops when its standard input closes or its parent (the test process)
/// is gone, whichever comes first, then the fixtures' server removes the
/// temporary directory. It never holds the test's standard output or error:
/// `swift test` waits for those to close, so a server that outlived the test
/// once kept CI waiting until its watchdog gave up.
public final class TestHTTPServer: @unchecked Sendable {
    public let port: Int
    public let log: String
    private let process: Process
    private let input: Pipe

    /// `removingDirectory`: this server deletes `directory` when it stops (the fixtures' owner).
    public init(directory: String, name: String, otherPort: Int = 0, removingDirectory: Bool = false) throws {
        let script = directory + "/server.py"
        if !FileManager.default.fileExists(atPath: script) { try Self.script.write(toFile: script, atomically: true, encoding: .utf8) }
        log = directory + "/\(name).log"
        _ = FileManager.default.createFile(atPath: log, contents: Data())
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [script, directory, log, String(otherPort), removingDirectory ? "remove" : "keep"]
        input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = Data()
        while let byte = try output.fileHandleForReading.read(upToCount: 1), !byte.isEmpty, byte != Data([0x0A]) { line.append(byte) }
        guard let port = Int(String(decoding: line, as: UTF8.self)) else { throw CocoaError(.fileReadCorruptFile) }
        self.port = port
    }

    /// The requests received so far ("GET /ca.crl").
    public var hits: [String] {
        ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    public func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    static let script = #"""
import http.server, os, shutil, subprocess, sys, threading, time
parent = os.getppid()
os.closerange(3, 4096)  # descriptors the test process let us inherit (its pipes among them)
directory, log_path, other_port = sys.argv[1], sys.argv[2], int(sys.argv[3])
log = open(log_path, "a", buffering=1)

class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *args): pass
    def do_GET(self): self.answer()
    def do_POST(self): self.answer()
    def send(self, status, body=b"", headers=()):
        self.send_response(status)
        for k, v in headers: self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def answer(self):
        log.write("%s %s\n" % (self.command, self.path))
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        p = self.path
        if p == "/hang":
            time.sleep(60); return
        if p in ("/big", "/big-announced"):
            self.send_response(200)
            if p == "/big-announced": self.send_header("Content-Length", str(50 * 1000 * 1000))
            self.send_header("Connection", "close")
            self.end_headers()
            chunk = b"\0" * 100000
            try:
                for _ in range(500): self.wfile.write(chunk)
            except Exception: pass
            self.close_connection = True
            return
        if p == "/redirect-file": return self.send(302, headers=[("Location", "file:///etc/passwd")])
        if p == "/redirect-port": return self.send(302, headers=[("Location", "http://127.0.0.1:%d/ca.crl" % other_port)])
        if p == "/redirect-loop": return self.send(302, headers=[("Location", "/redirect-loop")])
        if p == "/status-500": return self.send(500, b"no")
        if p == "/garbage-ocsp":
            return self.send(200, b"\xde\xad\xbe\xef garbage, not an OCSP response \x00\x01\x02", [("Content-Type", "application/ocsp-response")])
        if p == "/ocsp" and self.command == "POST":
            request, response = os.path.join(directory, "posted.req"), os.path.join(directory, "posted.der")
            open(request, "wb").write(body)
            subprocess.run(["openssl", "ocsp", "-index", os.path.join(directory, "ca/index.txt"), "-rsigner", os.path.join(directory, "ca/ca.pem"),
                            "-rkey", os.path.join(directory, "ca/ca.key"), "-CA", os.path.join(directory, "ca/ca.pem"),
                            "-reqin", request, "-respout", response, "-ndays", "1"], capture_output=True)
            return self.send(200, open(response, "rb").read(), [("Content-Type", "application/ocsp-response")])
        name = os.path.basename(p.split("?")[0])
        full = os.path.join(directory, name)
        if name and os.path.isfile(full): return self.send(200, open(full, "rb").read())
        self.send(404)

server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
print(server.server_address[1], flush=True)
def stop():
    if sys.argv[4] == "remove": shutil.rmtree(directory, ignore_errors=True)
    os._exit(0)
def watch():
    sys.stdin.read()
    stop()
def orphaned():
    while os.getppid() == parent: time.sleep(0.5)
    stop()
threading.Thread(target=watch, daemon=True).start()
threading.Thread(target=orphaned, daemon=True).start()
threading.Timer(900, stop).start()
server.serve_forever()
"""#
}
