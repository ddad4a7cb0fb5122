import Foundation
import TestBench
import XCTest

/// Clients that misbehave: a body cut off mid-upload, a thousand idle
/// connections. The daemon answers others meanwhile, cleans up, and its
/// memory comes back to where it was.
final class PodpisdRobustnessTests: XCTestCase {
    func testCutOffUploadsAndAThousandIdleConnections() throws {
        try TestBench.require()
        let spool = try TestBench.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: spool) }
        let daemon = try Daemon(server: "idle_timeout_seconds = 3", environment: ["TMPDIR": spool.path])
        // Warm up (first requests load modules, build caches).
        for _ in 0..<5 { XCTAssertEqual(try daemon.tcp("/v1/certificates").status, 200) }
        let baseline = daemon.residentKiB
        let baselineFiles = daemon.openFiles

        // A body announced as 10 MB that stops after 100 kB, 20 times, on both transports.
        let script = """
            import socket, sys
            port, path = int(sys.argv[1]), sys.argv[2]
            for i in range(20):
                if i % 2:
                    s = socket.socket(socket.AF_UNIX); s.connect(path)
                else:
                    s = socket.create_connection(("127.0.0.1", port))
                s.sendall(b"POST /v1/sign?name=a.pdf HTTP/1.1\\r\\nHost: localhost:%d\\r\\nContent-Type: application/pdf\\r\\nContent-Length: 10000000\\r\\n\\r\\n" % port)
                s.sendall(b"x" * 100000)
                s.close()
            """
        try TestBench.run("/usr/bin/python3", ["-c", script, String(daemon.port), daemon.socket])
        XCTAssertTrue(TestBench.waitUntil(timeout: 10) {
            ((try? FileManager.default.contentsOfDirectory(atPath: spool.path)) ?? []).filter { $0.hasPrefix("podpisd-body-") }.isEmpty
        }, "spooled bodies of cut-off uploads are removed")

        // A thousand idle connections; the daemon keeps answering, then closes them (idle timeout).
        let idle = """
            import socket, sys, time, urllib.request
            port = int(sys.argv[1])
            conns = [socket.create_connection(("127.0.0.1", port)) for _ in range(1000)]
            status = urllib.request.urlopen("http://127.0.0.1:%d/v1/status" % port, timeout=10).status
            time.sleep(5)
            closed = 0
            for c in conns:
                c.settimeout(0.5)
                try:
                    if c.recv(1) == b"":
                        closed += 1
                except OSError:
                    closed += 1
                c.close()
            print(status, closed)
            """
        let output = try TestBench.run("/usr/bin/python3", ["-c", idle, String(daemon.port)])
        let parts = output.split(separator: " ").map { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1 }
        XCTAssertEqual(parts.first, 200, "the daemon answered while 1000 connections sat idle")
        XCTAssertEqual(parts.last, 1000, "the idle timeout closed every idle connection")

        XCTAssertEqual(try daemon.unix("/v1/status").status, 200)
        XCTAssertTrue(TestBench.waitUntil(timeout: 10) { daemon.openFiles <= baselineFiles + 5 }, "descriptors: \(daemon.openFiles) vs \(baselineFiles)")
        let after = daemon.residentKiB
        XCTAssertLessThan(after - baseline, 16 * 1024, "resident memory \(baseline) KiB → \(after) KiB")
    }
}
