import Foundation
import TestBench
import XCTest

/// A podpisd started on the test bench with its own configuration, Unix
/// socket and TCP port, and stopped (SIGTERM) at the end of the test.
final class Daemon {
    let dir: URL
    let socket: String
    let port: Int
    let pid: pid_t
    let log: String

    static var binary: String { TestBench.product("podpisd") }

    /// `extra` is appended to the generated podpisd.toml (e.g. `[server]` limits).
    /// `extraSections` replaces the default [pkcs11] section when it has one.
    init(
        server extra: String = "", extraSections: String = "", agentTimeout: Int = 20, environment: [String: String] = [:],
        pairingFile: String? = nil, allowedOrigins: [String] = ["https://ezd.example.gov.pl"]
    ) throws {
        let env = try TestBench.require()
        dir = try TestBench.temporaryDirectory()
        socket = dir.appendingPathComponent("podpisd.sock").path
        log = dir.appendingPathComponent("podpisd.log").path
        let configPath = dir.appendingPathComponent("podpisd.toml").path
        // A port the kernel has just handed out as free; if podpisd still
        // cannot bind it (taken meanwhile, e.g. by a client's ephemeral
        // port), another one.
        var started: (port: Int, pid: pid_t)?
        for _ in 0..<4 where started == nil {
            let port = TestBench.freeTCPPort()
            let config = """
                [server]
                port = \(port)
                socket = "\(socket)"
                allowed_origins = [\(allowedOrigins.map { "\"\($0)\"" }.joined(separator: ", "))]
                agent_timeout_seconds = \(agentTimeout)
                audit_file = "\(dir.appendingPathComponent("audit.jsonl").path)"
                pairing_file = "\(pairingFile ?? dir.appendingPathComponent("pairings.json").path)"
                batch_dir = "\(dir.appendingPathComponent("batches").path)"
                \(extra)
                \(extraSections.contains("[pkcs11]") ? extraSections : "[pkcs11]\nmodules = [\"\(env["PODPIS_SOFTHSM_MODULE"]!)\"]\nuse_registered = false\n" + extraSections)
                [timestamp]
                urls = ["\(env["PODPIS_TSA_URL"]!)"]
                timeout_seconds = 5
                """
            try Data(config.utf8).write(to: URL(fileURLWithPath: configPath))
            let pid = try Background.start(Self.binary, ["--config", configPath], output: log, environment: environment)
            let socket = self.socket
            var exited = false
            let up = TestBench.waitUntil(timeout: 15) {
                var status: Int32 = 0
                if waitpid(pid, &status, WNOHANG) == pid { exited = true; return true }
                return FileManager.default.fileExists(atPath: socket)
                    && (try? Daemon.curlTCP(port, ["-s", "-o", "/dev/null", "http://127.0.0.1:\(port)/v1/status"]).status) == 0
            }
            if up && !exited {
                started = (port, pid)
            } else if !exited {
                Background.stop(pid)
            }
        }
        guard let started else {
            throw TestBench.NotUp(description: "podpisd did not start: \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
        }
        port = started.port
        pid = started.pid
    }


    /// podpisd must stop on SIGTERM (systemd's stop): one that is still
    /// running 20 s later fails the test with its threads' stacks and is killed.
    deinit {
        Background.stop(pid, what: "podpisd", log: log)
        try? FileManager.default.removeItem(at: dir)
    }

    static func curlTCP(_ port: Int, _ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        try TestBench.runCapturing("curl", arguments)
    }

    /// curl over the Unix socket: `path` like `/v1/status`.
    func unix(_ path: String, _ extra: [String] = []) throws -> HTTPResult {
        try HTTPResult(curl: ["--unix-socket", socket] + extra + ["http://localhost\(path)"])
    }

    /// curl over loopback TCP.
    func tcp(_ path: String, _ extra: [String] = [], host: String = "127.0.0.1") throws -> HTTPResult {
        try HTTPResult(curl: extra + ["http://\(host):\(port)\(path)"])
    }

    var auditFile: String { dir.appendingPathComponent("audit.jsonl").path }
    var pairingFile: String {
        let text = (try? String(contentsOfFile: dir.appendingPathComponent("podpisd.toml").path, encoding: .utf8)) ?? ""
        let line = text.split(separator: "\n").first { $0.hasPrefix("pairing_file") } ?? ""
        return line.split(separator: "\"").dropFirst().first.map(String.init) ?? dir.appendingPathComponent("pairings.json").path
    }

    /// Pairs over TCP (POST /v1/pairing) and returns the token; the
    /// configured origin pairs without a question, others need an agent.
    func pair(origin: String? = "https://ezd.example.gov.pl", application: String? = nil) throws -> String {
        var arguments = ["-X", "POST"]
        if let origin { arguments += ["-H", "Origin: \(origin)"] }
        if let application { arguments += ["-H", "Content-Type: application/json", "--data", "{\"application\":\"\(application)\"}"] }
        let result = try tcp("/v1/pairing", arguments)
        guard result.status == 201, let token = result.json["token"] as? String else {
            throw TestBench.NotUp(description: "pairing failed: \(result.status) \(result.text)")
        }
        return token
    }

    var logText: String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }

    /// The daemon's resident memory in KiB (VmRSS).
    var residentKiB: Int {
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }

    /// Open descriptors of the daemon.
    var openFiles: Int { (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count) ?? 0 }
}

extension Daemon {
    /// A podpisd with the virtual OpenPGP card (OpenSC's module) beside SoftHSM.
    static func withCard(allowedOrigins: [String] = ["https://ezd.example.gov.pl"]) throws -> Daemon {
        let env = try TestBench.require()
        return try Daemon(extraSections: """
            [pkcs11]
            modules = ["\(env["PODPIS_SOFTHSM_MODULE"]!)", "\(env["PODPIS_OPENSC_MODULE"]!)"]
            use_registered = false
            """, allowedOrigins: allowedOrigins)
    }

    /// The id of the first certificate podpisd lists that `match`es.
    func certificateID(where match: ([String: Any]) -> Bool) throws -> String {
        let certificates = try XCTUnwrap(try unix("/v1/certificates").json["certificates"] as? [[String: Any]])
        return try XCTUnwrap(certificates.first(where: match)?["id"] as? String)
    }

    /// POST /v1/sign of the text file `file`, named `name`, signed CAdES
    /// detached with `certificate`: over the Unix socket, or over TCP with
    /// `headers` when they are given.
    func signDetached(_ file: String, name: String, certificate: String, tcp headers: [String]? = nil) throws -> HTTPResult {
        let path = "/v1/sign?name=\(name)&format=cades&packaging=detached&certificate=\(certificate)"
        let arguments = ["-H", "Content-Type: text/plain", "--data-binary", "@\(file)"]
        if let headers {
            return try tcp(path, arguments + headers.flatMap { ["-H", $0] })
        }
        return try unix(path, arguments)
    }
}

/// One HTTP exchange made with curl: status, headers, body.
struct HTTPResult {
    let status: Int
    let headers: [String: String]
    let body: Data

    init(curl arguments: [String]) throws {
        let dir = try TestBench.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let headerFile = dir.appendingPathComponent("h").path, bodyFile = dir.appendingPathComponent("b").path
        let result = try TestBench.runCapturing("curl", ["-sS", "-D", headerFile, "-o", bodyFile, "-w", "%{http_code}"] + arguments)
        status = Int(result.stdout.trimmingCharacters(in: .whitespaces)) ?? 0
        var headers: [String: String] = [:]
        for line in ((try? String(contentsOfFile: headerFile, encoding: .utf8)) ?? "").split(separator: "\r\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        self.headers = headers
        body = (try? Data(contentsOf: URL(fileURLWithPath: bodyFile))) ?? Data()
    }

    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
    var text: String { String(decoding: body, as: UTF8.self) }
    /// The problem code of an application/problem+json answer.
    var problem: String? { headers["content-type"] == "application/problem+json" ? json["code"] as? String : nil }

    /// Whether the body, a detached CMS signature, verifies over the file
    /// `content` (openssl, the test PKI); the signature is kept in `dir`.
    func verifiesAsDetachedCMS(over content: String, keptIn dir: URL) throws -> Bool {
        let p7s = dir.appendingPathComponent("\(UUID().uuidString).p7s").path
        try body.write(to: URL(fileURLWithPath: p7s))
        return try OpenSSL.verifyDetachedCMS(p7s, content: content).status == 0
    }
}

/// Background processes (the daemon, the scripted agent, curl -N) with their
/// output in a file; posix_spawn for the reason TestBench gives.
enum Background {
    static func start(_ program: String, _ arguments: [String], output: String, environment: [String: String] = [:]) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let executable = program.hasPrefix("/") ? program : "/usr/bin/env"
        let argv = (program.hasPrefix("/") ? [program] : ["/usr/bin/env", program]) + arguments
        let cArgs = argv.map { strdup($0) } + [nil]
        let cEnv = ProcessInfo.processInfo.environment.merging(environment) { $1 }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { cArgs.forEach { free($0) }; cEnv.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, &actions, nil, cArgs, cEnv)
        guard rc == 0 else { throw TestBench.NotUp(description: "cannot start \(program): \(String(cString: strerror(rc)))") }
        return pid
    }

    /// SIGTERM, then up to `grace` seconds; a process still running then
    /// fails the test (with its stacks, and the end of its log) and is killed.
    static func stop(_ pid: pid_t, what: String = "a background process", log: String? = nil, grace: Double = 20) {
        kill(pid, SIGTERM)
        if TestBench.reap(pid, within: grace) != nil { return }
        let stacks = TestBench.stacks(pid)
        TestBench.stop(pid, grace: 0)
        let tail = log.flatMap { try? String(contentsOfFile: $0, encoding: .utf8) }.map { String($0.suffix(4000)) } ?? ""
        XCTFail("\(what) (pid \(pid)) did not stop within \(Int(grace)) s of SIGTERM; killed.\nLog: \(tail)\nStacks: \(stacks)")
    }
}

/// The scripted clerk (Tests/Tools/podpisd_agent.py) and what it saw.
final class ScriptedAgent {
    let pid: pid_t
    let log: String

    init(_ daemon: Daemon, pins: [String: String] = [:], refuse: Bool = false, hold: String? = nil, release: String? = nil, pairing: String? = nil) throws {
        log = daemon.dir.appendingPathComponent("agent-\(UUID().uuidString).jsonl").path
        var arguments = [
            TestBench.repositoryRoot.appendingPathComponent("Tests/Tools/podpisd_agent.py").path, daemon.socket, "--log", log,
        ]
        for (token, pin) in pins { arguments += ["--pin", "\(token)=\(pin)"] }
        if refuse { arguments.append("--refuse") }
        if let hold, let release { arguments += ["--hold", hold, "--release", release] }
        if let pairing { arguments += ["--pairing", pairing] }
        pid = try Background.start("/usr/bin/python3", arguments, output: log + ".out")
        let log = self.log
        guard TestBench.waitUntil(timeout: 10, { ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").contains("connected") }) else {
            throw TestBench.NotUp(description: "the scripted agent did not connect: \((try? String(contentsOfFile: log + ".out", encoding: .utf8)) ?? "")")
        }
    }

    deinit { Background.stop(pid, what: "the scripted agent", log: log + ".out") }

    /// Every event the agent saw, in order.
    var events: [(event: String, data: [String: Any])] {
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                let event = object["event"] as? String
            else { return nil }
            return (event, object["data"] as? [String: Any] ?? [:])
        }
    }

    var consents: [[String: Any]] { events.filter { $0.event == "consent" }.map(\.data) }
}
