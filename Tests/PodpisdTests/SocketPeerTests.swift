import Foundation
import TestBench
import XCTest

/// The Unix socket serves the daemon's own user (and root, and the socket's
/// group): a peer of another uid is refused by SO_PEERCRED even when the
/// socket's mode lets it connect, and nothing reaches the token or the clerk.
final class SocketPeerTests: XCTestCase {
    func testAPeerOfAnotherUIDIsRefused() throws {
        let env = try TestBench.require()
        guard getuid() == 0 else { throw XCTSkip("needs root to act as another uid") }
        let daemon = try Daemon(server: "socket_mode = \"0666\"")
        chmod(daemon.dir.path, 0o755)
        let agent = try ScriptedAgent(daemon, pins: [env["PODPIS_SEAL_TOKEN"]!: env["PODPIS_SEAL_PIN"]!])
        let document = daemon.dir.appendingPathComponent("a.txt").path
        try Data("a\n".utf8).write(to: URL(fileURLWithPath: document))
        chmod(document, 0o644)
        func asNobody(_ path: String, _ extra: [String] = []) throws -> (status: Int32, stdout: String, stderr: String) {
            try TestBench.runCapturing("setpriv", [
                "--reuid=65534", "--regid=65534", "--clear-groups", "curl", "-s", "--unix-socket", daemon.socket,
            ] + extra + ["http://localhost\(path)"])
        }
        let status = try asNobody("/v1/status")
        XCTAssertTrue(status.stdout.contains("\"code\":\"peer-not-allowed\""), status.stdout + status.stderr)
        let agentStream = try asNobody("/v1/agent/requests")
        XCTAssertTrue(agentStream.stdout.contains("peer-not-allowed"), agentStream.stdout)
        let sign = try asNobody("/v1/sign?name=a.txt", ["-H", "Content-Type: text/plain", "--data-binary", "@\(document)"])
        XCTAssertTrue(sign.stdout.contains("peer-not-allowed"), sign.stdout)
        XCTAssertEqual(agent.consents.count, 0, "nothing reached the clerk")
        XCTAssertEqual(try daemon.unix("/v1/status").status, 200, "the daemon's own user is served")
    }
}
