import Foundation
import TestBench
import XCTest

/// Who is on the other end of loopback TCP, which pages may ask the clerk to
/// pair, and how many at once; every response says nosniff; a page's
/// cross-site loads read nothing; the listener has a connection cap.
final class TransportHardeningTests: XCTestCase {
    var env: [String: String] = [:]
    override func setUpWithError() throws { env = try TestBench.require() }

    /// `event: pairing` lines of a raw agent stream (curl -N on the socket).
    func pairingQuestions(_ file: String) -> Int {
        ((try? String(contentsOfFile: file, encoding: .utf8)) ?? "").split(separator: "\n").filter { $0 == "event: pairing" }.count
    }

    /// A clerk's agent that never answers: its stream is written to a file.
    func silentAgent(_ daemon: Daemon) throws -> (pid: pid_t, stream: String) {
        let stream = daemon.dir.appendingPathComponent("agent-stream.txt").path
        let pid = try Background.start("curl", ["-sN", "--unix-socket", daemon.socket, "http://localhost/v1/agent/requests"], output: stream)
        XCTAssertTrue(TestBench.waitUntil(timeout: 10) { (try? daemon.unix("/v1/status").json["agents"] as? Int) == 1 })
        return (pid, stream)
    }

    func testAnIPv6ImpostorOnTheClerksPortNumberIsTakenForItsOwnUser() throws {
        guard getuid() == 0 else { throw XCTSkip("needs root to act as another uid") }
        let daemon = try Daemon()
        guard daemon.logText.contains("listening on http://[::1]") else { throw XCTSkip("no IPv6 loopback") }
        let agent = try ScriptedAgent(daemon, pairing: "deny")
        // The clerk (root) holds a connection to 127.0.0.1 from port P; a
        // process of uid 65534 binds [::1]:P and asks over IPv6.
        let impostor = """
            import json, re, socket, sys
            p, port = int(sys.argv[1]), int(sys.argv[2])
            results = []
            for origin in ["https://impostor.example", "https://ezd.example.gov.pl"]:
                s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                s.bind(("::1", p))
                s.connect(("::1", port))
                s.sendall(("POST /v1/pairing HTTP/1.1\\r\\nHost: [::1]:%d\\r\\nOrigin: %s\\r\\nContent-Length: 0\\r\\nConnection: close\\r\\n\\r\\n" % (port, origin)).encode())
                data = b""
                while True:
                    chunk = s.recv(65536)
                    if not chunk:
                        break
                    data += chunk
                s.close()
                head, _, body = data.partition(b"\\r\\n\\r\\n")
                code = re.search(rb'"code":"([^"]*)"', body)
                token = re.search(rb'"token":"([^"]*)"', body)
                results.append({"status": int(head.split()[1]), "code": code.group(1).decode() if code else None, "token": bool(token)})
            print(json.dumps(results))
            """
        let clerk = """
            import socket, subprocess, sys
            port = int(sys.argv[1])
            clerk = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            clerk.bind(("127.0.0.1", 0))
            clerk.connect(("127.0.0.1", port))
            p = clerk.getsockname()[1]
            out = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable, "-c", sys.argv[2], str(p), str(port)],
                capture_output=True, text=True)
            sys.stderr.write(out.stderr)
            print(out.stdout, end="")
            clerk.close()
            """
        let output = try TestBench.run("/usr/bin/python3", ["-c", clerk, String(daemon.port), impostor])
        let results = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [[String: Any]], output)
        XCTAssertEqual(results.count, 2, output)

        // The question the clerk saw names the impostor's uid, not the clerk's.
        XCTAssertEqual(results.first?["code"] as? String, "pairing-refused", output)
        let question = try XCTUnwrap(agent.events.first { $0.event == "pairing" }?.data)
        let requester = try XCTUnwrap(question["requester"] as? [String: Any])
        XCTAssertEqual(requester["uid"] as? Int, 65534, "\(requester)")
        // A pre-approved origin does not pair for it either.
        XCTAssertEqual(results.last?["status"] as? Int, 403, output)
        XCTAssertEqual(results.last?["code"] as? String, "peer-not-desk-user", output)
        XCTAssertEqual(results.last?["token"] as? Bool, false, output)
    }

    func testAPreApprovedOriginFromAnotherUserIsRefused() throws {
        guard getuid() == 0 else { throw XCTSkip("needs root to act as another uid") }
        let daemon = try Daemon()
        let other = try TestBench.runCapturing("setpriv", [
            "--reuid=65534", "--regid=65534", "--clear-groups", "curl", "-sS", "-X", "POST", "-H", "Origin: https://ezd.example.gov.pl",
            "http://127.0.0.1:\(daemon.port)/v1/pairing",
        ])
        XCTAssertTrue(other.stdout.contains("\"code\":\"peer-not-desk-user\""), other.stdout + other.stderr)
        XCTAssertFalse(other.stdout.contains("\"token\""), other.stdout)
        XCTAssertTrue(daemon.logText.contains("outcome=peer-not-desk-user"), daemon.logText)
        // The desk's own user still pairs without a question.
        XCTAssertFalse(try daemon.pair().isEmpty)
    }

    func testOnlyPagesABrowserCanHaveMayAskToPair() throws {
        let daemon = try Daemon()
        let agent = try ScriptedAgent(daemon, pairing: "once")
        let notPairable = [
            "null", "file://", "chrome-extension://abcdefghijklmnopabcdefghijklmnop", "moz-extension://0d8c1a2e-5f0b-4c1e-9d3a-1b2c3d4e5f60",
            "http://evil.example", "http://localhost:8080", "http://127.0.0.1:3000", "https://ezd.example.gov.pl.evil/path",
            "https://Upper.example", "https://a.example:443", "https://a.example:99999", "https://a b.example", "javascript:alert(1)",
        ]
        for origin in notPairable {
            let result = try daemon.tcp("/v1/pairing", ["-X", "POST", "-H", "Origin: \(origin)"])
            XCTAssertEqual(result.status, 403, "\(origin): \(result.text)")
            XCTAssertEqual(result.problem, "origin-not-pairable", "\(origin): \(result.text)")
            XCTAssertNil(result.json["token"], origin)
        }
        XCTAssertFalse(agent.events.contains { $0.event == "pairing" }, "no question reached the clerk: \(agent.events)")
        // An https page is asked about.
        XCTAssertFalse(try daemon.pair(origin: "https://app.example:8443").isEmpty)
        XCTAssertEqual(agent.events.filter { $0.event == "pairing" }.count, 1)

        // Local development pages pair only when the administrator says so.
        let development = try Daemon(server: "development_origins = true")
        let developer = try ScriptedAgent(development, pairing: "once")
        XCTAssertFalse(try development.pair(origin: "http://localhost:8080").isEmpty)
        XCTAssertFalse(try development.pair(origin: "http://127.0.0.1:3000").isEmpty)
        XCTAssertEqual(try development.tcp("/v1/pairing", ["-X", "POST", "-H", "Origin: http://evil.example"]).problem, "origin-not-pairable")
        XCTAssertEqual(developer.events.filter { $0.event == "pairing" }.count, 2)
    }

    func testTwentyPairingsAtOnceAskTheClerkAtMostThreeQuestions() throws {
        let daemon = try Daemon(agentTimeout: 4)
        let (agent, stream) = try silentAgent(daemon)
        defer { Background.stop(agent) }
        let script = """
            import http.client, json, sys, threading
            port = int(sys.argv[1])
            results = [None] * 20
            def ask(i):
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                c.request("POST", "/v1/pairing", headers={"Origin": "https://page%d.example" % i, "Content-Length": "0"})
                r = c.getresponse()
                body = json.loads(r.read() or b"{}")
                results[i] = {"status": r.status, "retry": r.getheader("Retry-After"), "code": body.get("code")}
            threads = [threading.Thread(target=ask, args=(i,)) for i in range(20)]
            for t in threads: t.start()
            for t in threads: t.join()
            print(json.dumps(results))
            """
        let output = try TestBench.run("/usr/bin/python3", ["-c", script, String(daemon.port)])
        let results = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [[String: Any]], output)
        let refused = results.filter { $0["status"] as? Int == 429 }
        XCTAssertEqual(refused.count, 17, output)
        XCTAssertTrue(refused.allSatisfy { $0["code"] as? String == "too-many-pairings" && $0["retry"] as? String == "30" }, output)
        XCTAssertEqual(pairingQuestions(stream), 3, (try? String(contentsOfFile: stream, encoding: .utf8)) ?? "")
    }

    func testEveryResponseSaysNosniffAndCrossSiteLoadsReadNothing() throws {
        let daemon = try Daemon()
        for result in [
            try daemon.tcp("/v1/status"), try daemon.tcp("/v1/nothing"), try daemon.tcp("/v1/status", ["-H", "Origin: https://evil.example"]),
            try daemon.unix("/v1/certificates"), try daemon.unix("/v1/sign", ["-X", "DELETE"]), try daemon.tcp("/v1/sign", ["-X", "POST"]),
        ] {
            XCTAssertEqual(result.headers["x-content-type-options"], "nosniff", "\(result.status) \(result.text)")
        }
        // <script src="http://127.0.0.1:35900/v1/certificates"> on another site: no Origin, Sec-Fetch-Site: cross-site.
        for site in ["cross-site", "same-site"] {
            let load = try daemon.tcp("/v1/certificates", ["-H", "Sec-Fetch-Site: \(site)", "-H", "Sec-Fetch-Mode: no-cors"])
            XCTAssertEqual(load.status, 403, load.text)
            XCTAssertEqual(load.problem, "cross-site-request")
            XCTAssertNil(load.json["certificates"])
        }
        // The user typing the address, a program, and an approved page read.
        XCTAssertEqual(try daemon.tcp("/v1/certificates", ["-H", "Sec-Fetch-Site: none"]).status, 200)
        XCTAssertEqual(try daemon.tcp("/v1/certificates").status, 200)
        XCTAssertEqual(try daemon.tcp("/v1/certificates", ["-H", "Sec-Fetch-Site: cross-site", "-H", "Origin: https://ezd.example.gov.pl"]).status, 200)
    }

    func testAClientTricklingItsBodyIsDisconnectedAndLeavesNoSpoolFile() throws {
        let spool = try TestBench.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: spool) }
        let daemon = try Daemon(server: "idle_timeout_seconds = 2", environment: ["TMPDIR": spool.path])
        let certificates = try XCTUnwrap(try daemon.unix("/v1/certificates").json["certificates"] as? [[String: Any]])
        let seal = try XCTUnwrap(certificates.first { $0["qualifiedForSealing"] as? Bool == true }?["id"] as? String)
        // 10 bytes every 0.2 s of an announced megabyte: never idle, never done.
        let script = """
            import socket, sys, time
            path, seal = sys.argv[1], sys.argv[2]
            s = socket.socket(socket.AF_UNIX)
            s.connect(path)
            s.sendall(("POST /v1/sign?name=a.pdf&format=cades&packaging=detached&certificate=%s HTTP/1.1\\r\\nHost: localhost\\r\\nContent-Type: application/pdf\\r\\nContent-Length: 1000000\\r\\n\\r\\n" % seal).encode())
            start = time.time()
            s.settimeout(0.2)
            closed = None
            while time.time() - start < 15:
                try:
                    s.sendall(b"x" * 10)
                    if s.recv(1) == b"":
                        closed = time.time() - start
                        break
                except socket.timeout:
                    continue
                except OSError:
                    closed = time.time() - start
                    break
            print("open" if closed is None else "%.1f" % closed)
            """
        let output = try TestBench.run("/usr/bin/python3", ["-c", script, daemon.socket, seal]).trimmingCharacters(in: .whitespacesAndNewlines)
        let seconds = try XCTUnwrap(Double(output), "the trickling client was never disconnected (\(output))")
        XCTAssertLessThan(seconds, 8, "disconnected a few seconds after the grace of idle_timeout_seconds")
        XCTAssertTrue(TestBench.waitUntil(timeout: 5) {
            ((try? FileManager.default.contentsOfDirectory(atPath: spool.path)) ?? []).isEmpty
        }, "its spool file is removed")
        XCTAssertEqual(try daemon.unix("/v1/status").status, 200)
    }

    func testTheListenerServesAtMostMaxConnectionsAndTheSocketStaysOpen() throws {
        let daemon = try Daemon(server: "max_connections = 16")
        let script = """
            import socket, subprocess, sys
            port = int(sys.argv[1])
            held = [socket.create_connection(("127.0.0.1", port)) for _ in range(16)]
            blocked = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "2", "http://127.0.0.1:%d/v1/status" % port],
                capture_output=True, text=True).stdout
            for s in held: s.close()
            served = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "10", "http://127.0.0.1:%d/v1/status" % port],
                capture_output=True, text=True).stdout
            print(blocked, served)
            """
        let output = try TestBench.run("/usr/bin/python3", ["-c", script, String(daemon.port)]).trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(output, "000 200", "the 17th connection waits until one of the 16 closes")
        XCTAssertEqual(try daemon.unix("/v1/status").status, 200, "the Unix socket has a cap of its own")
    }
}

/// `podpisd --system` opens no TCP port unless its configuration sets one.
final class SystemModeTCPTests: XCTestCase {
    /// The loopback TCP ports the process `pid` listens on (its socket
    /// inodes among the LISTEN rows of /proc/net/tcp and tcp6).
    static func listeningPorts(_ pid: pid_t) -> Set<Int> {
        let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd")) ?? []
        let inodes = Set(fds.compactMap { fd -> String? in
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\(fd)"), target.hasPrefix("socket:[") else { return nil }
            return String(target.dropFirst(8).dropLast())
        })
        var ports: Set<Int> = []
        for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
            let text = (try? String(contentsOfFile: table, encoding: .utf8)) ?? ""
            for line in text.split(separator: "\n").dropFirst() {
                let fields = line.split(separator: " ")
                guard fields.count > 9, fields[3] == "0A", inodes.contains(String(fields[9])),
                    let port = fields[1].split(separator: ":").last.flatMap({ Int($0, radix: 16) })
                else { continue }
                ports.insert(port)
            }
        }
        return ports
    }

    func start(system: Bool, port: Int?) throws -> (pid: pid_t, dir: URL, log: String) {
        let env = try TestBench.require()
        let dir = try TestBench.temporaryDirectory()
        let socket = dir.appendingPathComponent("podpisd.sock").path
        let log = dir.appendingPathComponent("podpisd.log").path
        let config = dir.appendingPathComponent("podpisd.toml").path
        try Data("""
            [server]
            \(port.map { "port = \($0)" } ?? "")
            socket = "\(socket)"
            audit_file = "\(dir.appendingPathComponent("audit.jsonl").path)"
            pairing_file = "\(dir.appendingPathComponent("pairings.json").path)"
            batch_dir = "\(dir.appendingPathComponent("batches").path)"
            [pkcs11]
            modules = ["\(env["PODPIS_SOFTHSM_MODULE"]!)"]
            use_registered = false
            """.utf8).write(to: URL(fileURLWithPath: config))
        let pid = try Background.start(Daemon.binary, (system ? ["--system"] : []) + ["--config", config], output: log)
        XCTAssertTrue(TestBench.waitUntil(timeout: 15) {
            (try? HTTPResult(curl: ["--unix-socket", socket, "http://localhost/v1/status"]).status) == 200
        }, (try? String(contentsOfFile: log, encoding: .utf8)) ?? "")
        return (pid, dir, log)
    }

    func testTheSystemServiceOpensNoTCPPortUnlessConfigured() throws {
        let quiet = try start(system: true, port: nil)
        let quietPorts = Self.listeningPorts(quiet.pid)
        let quietLog = (try? String(contentsOfFile: quiet.log, encoding: .utf8)) ?? ""
        Background.stop(quiet.pid)
        XCTAssertEqual(quietPorts, [], quietLog)
        XCTAssertFalse(quietLog.contains("listening on http://"), quietLog)

        let port = TestBench.freeTCPPort()
        let configured = try start(system: true, port: port)
        let configuredPorts = Self.listeningPorts(configured.pid)
        Background.stop(configured.pid)
        XCTAssertEqual(configuredPorts, [port])
    }
}
