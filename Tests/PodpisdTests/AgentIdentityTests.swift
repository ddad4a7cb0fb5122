import Foundation
import TestBench
import XCTest

/// Only the clerk's agent answers: a connection becomes an agent only if its
/// uid is the daemon's (or listed in `agent_users`); an answer counts only
/// from the agent that was asked; when another agent registers, the first is
/// told, with the terminal it runs in.
final class AgentIdentityTests: XCTestCase {
    var env: [String: String] = [:]
    override func setUpWithError() throws { env = try TestBench.require() }

    /// curl as uid/gid 65534 (nobody/nogroup), which the socket's group admits.
    func asNobody(_ daemon: Daemon, _ path: String, _ extra: [String] = []) throws -> (status: Int32, stdout: String, stderr: String) {
        try TestBench.runCapturing("setpriv", [
            "--reuid=65534", "--regid=65534", "--clear-groups", "curl", "-s", "--max-time", "3", "--unix-socket", daemon.socket,
        ] + extra + ["http://localhost\(path)"])
    }

    func testAnAgentConnectionOfAnotherUIDIsRefused() throws {
        guard getuid() == 0 else { throw XCTSkip("needs root to act as another uid") }
        // The socket admits group nogroup (a sealing client, say): such a peer may call the API, never be the agent.
        let daemon = try Daemon(server: "socket_mode = \"0660\"\nsocket_group = \"nogroup\"")
        chmod(daemon.dir.path, 0o755)
        XCTAssertTrue(try asNobody(daemon, "/v1/status").stdout.contains("\"version\""), "the socket's group is served")
        let stream = try asNobody(daemon, "/v1/agent/requests")
        XCTAssertTrue(stream.stdout.contains("\"code\":\"agent-not-allowed\""), stream.stdout + stream.stderr)
        XCTAssertFalse(stream.stdout.contains("event: hello"), stream.stdout)
        let answer = try asNobody(daemon, "/v1/agent/requests/x", ["-H", "Content-Type: application/json", "--data", #"{"decision":"refuse"}"#])
        XCTAssertTrue(answer.stdout.contains("\"code\":\"agent-not-allowed\""), answer.stdout + answer.stderr)
        // `podpis agent` run by that user says why and ends.
        let agent = try TestBench.runCapturing("setpriv", [
            "--reuid=65534", "--regid=65534", "--clear-groups", "timeout", "10", "env", "LANG=en_US.UTF-8", "LC_ALL=", PINAgentTests.podpis, "agent",
            "--socket", daemon.socket,
        ])
        XCTAssertEqual(agent.status, 1, agent.stdout + agent.stderr)
        XCTAssertTrue(agent.stdout.contains("podpisd refused: HTTP 403 (agent-not-allowed): This user (uid 65534) may not be the signing agent"), agent.stdout + agent.stderr)

        // Listed in agent_users, the same uid may be the agent.
        let listed = try Daemon(server: "socket_mode = \"0660\"\nsocket_group = \"nogroup\"\nagent_users = [\"65534\"]")
        chmod(listed.dir.path, 0o755)
        XCTAssertTrue(try asNobody(listed, "/v1/agent/requests").stdout.contains("event: hello"))
    }

    func testAnAnswerFromAnAgentThatWasNotAskedIsRefused() throws {
        let daemon = try Daemon()
        let release = daemon.dir.appendingPathComponent("release").path
        let asked = try ScriptedAgent(daemon, pins: [env["PODPIS_SEAL_TOKEN"]!: env["PODPIS_SEAL_PIN"]!], hold: env["PODPIS_SEAL_TOKEN"]!, release: release)
        let seal = try daemon.sealCertificateID()
        let document = daemon.dir.appendingPathComponent("pismo.txt").path
        try Data("Pismo\n".utf8).write(to: URL(fileURLWithPath: document))
        let signOutput = daemon.dir.appendingPathComponent("sign.out").path
        let sign = try Background.start("curl", [
            "-s", "-o", "/dev/null", "-w", "%{http_code}", "--unix-socket", daemon.socket,
            "http://localhost/v1/sign?name=pismo.txt&format=cades&packaging=detached&certificate=\(seal)",
            "-H", "Content-Type: text/plain", "--data-binary", "@\(document)",
        ], output: signOutput)
        defer { Background.stop(sign) }
        XCTAssertTrue(TestBench.waitUntil(timeout: 15) { !asked.consents.isEmpty }, "the first agent was asked")
        let requestID = try XCTUnwrap(asked.consents.first?["id"] as? String)

        // A second connection of the same user registers as an agent and answers the question it was not asked.
        let streamFile = daemon.dir.appendingPathComponent("impostor.sse").path
        let impostor = try Background.start("curl", ["-sN", "--unix-socket", daemon.socket, "http://localhost/v1/agent/requests?terminal=/dev/pts/impostor"], output: streamFile)
        defer { Background.stop(impostor) }
        var impostorID = ""
        XCTAssertTrue(TestBench.waitUntil(timeout: 10) {
            let text = (try? String(contentsOfFile: streamFile, encoding: .utf8)) ?? ""
            guard let range = text.range(of: #""agent":"[0-9A-Fa-f-]+""#, options: .regularExpression) else { return false }
            impostorID = String(text[range].dropFirst(9).dropLast())
            return true
        }, "the second agent got its hello")
        XCTAssertTrue(TestBench.waitUntil(timeout: 5) { asked.events.contains { $0.event == "agent-registered" } }, "the first agent is told")
        let told = asked.events.first { $0.event == "agent-registered" }?.data
        XCTAssertEqual(told?["terminal"] as? String, "/dev/pts/impostor")
        XCTAssertEqual(told?["uid"] as? Int, Int(getuid()))

        let approve = #"{"decision":"approve","pin":"\#(env["PODPIS_SEAL_PIN"]!)"}"#
        let wrong = try daemon.unix("/v1/agent/requests/\(requestID)", [
            "-H", "Content-Type: application/json", "-H", "X-Podpis-Agent: \(impostorID)", "--data", approve,
        ])
        XCTAssertEqual(wrong.status, 403, wrong.text)
        XCTAssertEqual(wrong.problem, "not-the-asked-agent", wrong.text)
        let anonymous = try daemon.unix("/v1/agent/requests/\(requestID)", ["-H", "Content-Type: application/json", "--data", #"{"decision":"refuse"}"#])
        XCTAssertEqual(anonymous.status, 403, anonymous.text)
        XCTAssertEqual(anonymous.problem, "not-the-asked-agent", anonymous.text)
        XCTAssertFalse(FileManager.default.fileExists(atPath: signOutput) && ((try? String(contentsOfFile: signOutput, encoding: .utf8)) ?? "") != "",
                       "the request is still waiting for the agent that was asked")

        // The agent that was asked answers, and that answer counts.
        FileManager.default.createFile(atPath: release, contents: Data())
        XCTAssertTrue(TestBench.waitUntil(timeout: 20) { ((try? String(contentsOfFile: signOutput, encoding: .utf8)) ?? "") == "200" },
                      (try? String(contentsOfFile: signOutput, encoding: .utf8)) ?? "")
        XCTAssertTrue(asked.events.contains { $0.event == "answered" && $0.data["status"] as? Int == 204 })
    }

    func testTheClerkSeesWhichTerminalRegisteredAnotherAgent() throws {
        let daemon = try Daemon()
        let first = try PINAgentTests.TerminalAgent(daemon, actions: [])
        XCTAssertTrue(first.text.contains("terminal /dev/pts/"), first.text)
        let second = try PINAgentTests.TerminalAgent(daemon, actions: [])
        let secondTerminal = try XCTUnwrap(second.text.range(of: #"terminal /dev/pts/[0-9]+"#, options: .regularExpression).map { String(second.text[$0]) })
        XCTAssertTrue(TestBench.waitUntil(timeout: 10) { first.text.contains("another signing agent registered (\(secondTerminal)") }, first.text)
    }
}
