import Foundation
import TestBench
import XCTest

/// A signing desk on the test bench as `podpis doctor` sees it, built for one
/// test: a SoftHSM configuration of its own holding only the certificates the
/// test names (the bench's own tokens hold faulty certificates on purpose and
/// stay untouched), a podpisd.toml naming the modules (those registered with
/// p11-kit: OpenSC for the virtual OpenPGP card, SoftHSM), the bench's TSA and
/// a podpisd of the test's own, started on its own socket.
final class DoctorDesk {
    let dir: URL
    let env: [String: String]
    /// SOFTHSM2_CONF for the doctor and the daemon: the test's own token.
    let softHSMConf: String
    /// The configuration the doctor checks (the desk's podpisd.toml).
    let config: String
    let socket: String
    private(set) var daemonPID: pid_t = 0

    static let tokenLabel = "Doctor Test"
    static let tokenPIN = "1111"

    /// `objects`: names of the bench PKI (`person-ec`, `seal`, `expired`,
    /// `no-nonrep`…) put on the test's token. `modules`: extra entries for
    /// `[pkcs11] modules`.
    init(objects: [String] = ["person-ec", "seal"], modules: [String] = [], daemon: Bool = true) throws {
        env = try TestBench.require()
        dir = try TestBench.temporaryDirectory()
        socket = dir.appendingPathComponent("podpisd.sock").path
        softHSMConf = try DoctorDesk.bench(
            "doctor-token.sh", [dir.appendingPathComponent("softhsm").path, Self.tokenLabel, Self.tokenPIN] + objects
        ).trimmingCharacters(in: .whitespacesAndNewlines)
        let port = TestBench.freeTCPPort()  // the kernel says it is free (a random one may be a client's ephemeral port)
        func toml(_ strings: [String]) -> String { "[" + strings.map { "\"\($0)\"" }.joined(separator: ", ") + "]" }
        let common = """
            [server]
            port = \(port)
            socket = "\(socket)"
            audit_file = "\(dir.appendingPathComponent("audit.jsonl").path)"
            pairing_file = "\(dir.appendingPathComponent("pairings.json").path)"
            [timestamp]
            urls = ["\(env["PODPIS_TSA_URL"]!)"]
            timeout_seconds = 5

            """
        config = dir.appendingPathComponent("podpisd.toml").path
        try Data((common + "[pkcs11]\nuse_registered = true\nmodules = \(toml(modules))\n").utf8)
            .write(to: URL(fileURLWithPath: config))
        // The daemon itself uses only SoftHSM: it must not wait on a card a test breaks.
        let daemonConfig = dir.appendingPathComponent("podpisd-daemon.toml").path
        try Data((common + "[pkcs11]\nuse_registered = false\nmodules = \(toml([env["PODPIS_SOFTHSM_MODULE"]!]))\n").utf8)
            .write(to: URL(fileURLWithPath: daemonConfig))
        if daemon { try startDaemon(config: daemonConfig) }
    }

    deinit {
        stopDaemon()
        try? FileManager.default.removeItem(at: dir)
    }

    // MARK: podpisd

    static var podpisd: String { TestBench.product("podpisd") }
    static var podpis: String { TestBench.product("podpis") }

    private func startDaemon(config: String) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        let log = dir.appendingPathComponent("podpisd.log").path
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let words: [String] = [Self.podpisd, "--config", config]
        let argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
        var environment = ProcessInfo.processInfo.environment
        environment["SOFTHSM2_CONF"] = softHSMConf
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { argv.forEach { free($0) }; envp.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, Self.podpisd, &actions, nil, argv, envp)
        guard rc == 0 else { throw TestBench.NotUp(description: "cannot start podpisd: \(String(cString: strerror(rc)))") }
        daemonPID = pid
        let socket = self.socket
        guard TestBench.waitUntil(timeout: 15, { FileManager.default.fileExists(atPath: socket) }) else {
            throw TestBench.NotUp(description: "podpisd did not start: \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
        }
        // The socket's mode is set once the server runs.
        _ = TestBench.waitUntil(timeout: 5) {
            var status = stat()
            return stat(socket, &status) == 0 && status.st_mode & 0o777 == 0o600
        }
    }

    func stopDaemon() {
        guard daemonPID > 0 else { return }
        kill(daemonPID, SIGTERM)
        var status: Int32 = 0
        let deadline = Date().addingTimeInterval(5)
        while waitpid(daemonPID, &status, WNOHANG) == 0 {
            if Date() > deadline {
                TestBench.stop(daemonPID, grace: 0)
                break
            }
            usleep(50_000)
        }
        daemonPID = 0
    }

    // MARK: podpis doctor

    /// Runs `podpis doctor --json` on this desk in English (`LANG=C`) or Polish.
    /// `asNobody`: as user and group 65534 (needs root), for what another user may not open.
    func doctor(
        _ arguments: [String] = [], polish: Bool = false, json: Bool = true, asNobody: Bool = false, environment: [String: String] = [:]
    ) throws -> DoctorRun {
        let chain = env["PODPIS_PKI_DIR"]! + "/chain.pem"
        let all = ["doctor"] + (json ? ["--json"] : []) + ["--config", config, "--chain-file", chain] + arguments
        let started = Date()
        let result = try TestBench.runCapturing(
            asNobody ? "setpriv" : DoctorDesk.podpis,
            asNobody ? ["--reuid=65534", "--regid=65534", "--clear-groups", DoctorDesk.podpis] + all : all,
            environment: [
                "SOFTHSM2_CONF": softHSMConf, "LANG": polish ? "pl_PL.UTF-8" : "C", "LC_ALL": "", "LC_MESSAGES": "",
            ].merging(environment) { $1 })
        return DoctorRun(
            status: result.status, stdout: result.stdout, stderr: result.stderr, seconds: Date().timeIntervalSince(started),
            json: json)
    }

    /// Asserts that the doctor finds exactly one kind of trouble, `code`,
    /// with `outcome` (and the matching exit code), no other warning or
    /// problem, and a reason and a fix for each, in English and in Polish.
    func expectOnly(
        _ code: String, outcome: String = "problem", _ arguments: [String] = [], environment: [String: String] = [:],
        file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let english = try doctor(arguments, environment: environment)
        let polish = try doctor(arguments, polish: true, environment: environment)
        for run in [english, polish] {
            XCTAssertEqual(run.status, outcome == "problem" ? 2 : 1, run.summary, file: file, line: line)
            XCTAssertEqual(Set(run.troubles.map(\.code)), [code], run.summary, file: file, line: line)
            for trouble in run.troubles {
                XCTAssertEqual(trouble.outcome, outcome, run.summary, file: file, line: line)
                XCTAssertFalse(trouble.fix.isEmpty, "\(code) without a fix", file: file, line: line)
                XCTAssertFalse(trouble.why.isEmpty, "\(code) without a reason", file: file, line: line)
            }
        }
        XCTAssertEqual(try english.root()["language"] as? String, "en", file: file, line: line)
        XCTAssertEqual(try polish.root()["language"] as? String, "pl", file: file, line: line)
        let englishFixes = Set(english.troubles.map(\.fix)), polishFixes = Set(polish.troubles.map(\.fix))
        for fix in polishFixes {
            XCTAssertFalse(englishFixes.contains(fix), "the Polish fix is the English one: \(fix)", file: file, line: line)
            XCTAssertTrue(fix.contains { "ąćęłńóśźżĄĆĘŁŃÓŚŹŻ".contains($0) }, "not Polish: \(fix)", file: file, line: line)
        }
    }

    /// The one trouble the doctor finds, which `expectOnly` checks is `code`
    /// (a problem), with the scripted card of `atr` in its reader; the card is
    /// taken out again afterwards.
    func soleTrouble(withScriptedCard atr: String, _ code: String, file: StaticString = #filePath, line: UInt = #line) throws -> DoctorRun.Item {
        try DoctorDesk.bench("card.sh", ["scripted", "start", atr])
        defer { _ = try? DoctorDesk.bench("card.sh", ["scripted", "stop"]) }
        try expectOnly(code, file: file, line: line)
        return try XCTUnwrap(try doctor().troubles.first, file: file, line: line)
    }

    // MARK: the bench

    /// Runs a bench script on this bench (its ports from the env file, so the
    /// other bench on this machine is never touched).
    @discardableResult
    static func bench(_ script: String, _ arguments: [String]) throws -> String {
        let env = try TestBench.require()
        let path = env["PODPIS_TESTBED_SCRIPTS"]! + "/" + script
        let result = try TestBench.runCapturing(
            "/bin/bash", [path] + arguments,
            environment: [
                "PODPIS_TESTBED_DIR": env["PODPIS_TESTBED_DIR"]!, "PODPIS_VPCD_PORT": env["PODPIS_OPENPGP_PORT"]!,
                "PODPIS_TSA_PORT": env["PODPIS_TSA_PORT"]!, "PODPIS_OCSP_PORT": env["PODPIS_OCSP_PORT"]!,
            ])
        guard result.status == 0 else {
            throw TestBench.CommandFailedError(description: "\(script) \(arguments.joined(separator: " ")) exited \(result.status): \(result.stderr)")
        }
        return result.stdout
    }

    /// The OpenPGP card's PW1 retry counter, read with OpenSC's tool (not our code).
    static func openPGPTriesLeft() throws -> Int {
        let env = try TestBench.require()
        let output = try TestBench.run(
            "opensc-tool", ["-r", env["PODPIS_OPENPGP_READER"]!, "-s", "00A4040006D27600012401", "-s", "00CA00C400"])
        guard let block = output.components(separatedBy: "Received").last else { throw TestBench.NotUp(description: output) }
        let bytes = block.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == ":" }).compactMap { token -> UInt8? in
            token.count == 2 ? UInt8(token, radix: 16) : nil
        }
        guard bytes.count >= 5 else { throw TestBench.NotUp(description: "unexpected opensc-tool output: \(output)") }
        return Int(bytes[4])
    }

    /// Presents wrong user PINs straight to the OpenPGP card (VERIFY, P2 81),
    /// as a clerk mistyping it in another program would.
    static func presentWrongPINToOpenPGPCard(times: Int) throws {
        let env = try TestBench.require()
        var arguments = ["-r", env["PODPIS_OPENPGP_READER"]!, "-s", "00A4040006D27600012401"]
        for _ in 0..<times { arguments += ["-s", "0020008106303030303030"] }
        try TestBench.run("opensc-tool", arguments)
    }

    /// Runs `body` with the OpenPGP card after `times` wrong PINs, then puts
    /// the card back as it was (its state saved before, all three tries
    /// back), whatever `body` did.
    static func withOpenPGPCard(
        afterWrongPINs times: Int, file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> Void
    ) throws {
        let card = try OpenPGPCardState()
        defer {
            XCTAssertNoThrow(try card.restore(), file: file, line: line)
            XCTAssertEqual(try? openPGPTriesLeft(), 3, "the card is back as it was", file: file, line: line)
        }
        try presentWrongPINToOpenPGPCard(times: times)
        try body()
    }

    /// Keeps a copy of the OpenPGP card's state (PINs, retry counters) and
    /// puts it back with the card stopped, so that a test may spend PIN tries.
    final class OpenPGPCardState {
        let saved: URL
        let stateFile: String

        init() throws {
            let env = try TestBench.require()
            stateFile = env["PODPIS_TESTBED_DIR"]! + "/openpgp/card_state.json"
            saved = try TestBench.temporaryDirectory().appendingPathComponent("card_state.json")
            try FileManager.default.copyItem(atPath: stateFile, toPath: saved.path)
        }

        func restore() throws {
            try DoctorDesk.bench("card.sh", ["openpgp", "stop"])
            _ = try? FileManager.default.removeItem(atPath: stateFile)
            try FileManager.default.copyItem(atPath: saved.path, toPath: stateFile)
            try DoctorDesk.bench("card.sh", ["openpgp", "start"])
            try? FileManager.default.removeItem(at: saved.deletingLastPathComponent())
        }
    }
}

extension TestBench {
    struct CommandFailedError: Error, CustomStringConvertible {
        let description: String
    }
}

/// One run of `podpis doctor`.
struct DoctorRun {
    let status: Int32
    let stdout: String
    let stderr: String
    let seconds: Double
    let json: Bool

    func root() throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any], "not JSON: \(stdout) \(stderr)")
    }

    struct Item {
        let code: String
        let outcome: String
        let place: String
        let found: String
        let why: String
        let fix: String
        let seconds: Double?
        let details: [String: String]
    }

    /// Every finding of the flat list.
    var findings: [Item] {
        guard let root = try? root(), let list = root["findings"] as? [[String: Any]] else { return [] }
        return list.map {
            Item(
                code: $0["code"] as? String ?? "", outcome: $0["outcome"] as? String ?? "", place: $0["place"] as? String ?? "",
                found: $0["found"] as? String ?? "", why: $0["why"] as? String ?? "", fix: $0["fix"] as? String ?? "",
                seconds: $0["seconds"] as? Double, details: $0["details"] as? [String: String] ?? [:])
        }
    }

    /// The warnings and problems.
    var troubles: [Item] { findings.filter { $0.outcome != "ok" } }

    /// For assertion messages.
    var summary: String {
        "exit \(status); " + troubles.map { "\($0.outcome) \($0.code) @ \($0.place): \($0.found)" }.joined(separator: " | ")
            + (stderr.isEmpty ? "" : " stderr: \(stderr)")
    }
}
