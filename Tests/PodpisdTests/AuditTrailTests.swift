import Foundation
import TestBench
import XCTest

/// Every signature and refusal lands in the audit trail, chained by SHA-256;
/// `podpis audit verify` passes on it and names the line when one is edited,
/// deleted or moved. No PIN and no document content is ever in it.
final class AuditTrailTests: XCTestCase {
    func podpis(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        try TestBench.runCapturing(PINAgentTests.podpis, arguments, environment: ["LANG": "en_US.UTF-8", "LC_ALL": ""])
    }

    func testTheTrailIsChainedAndEveryTamperingIsNamed() throws {
        let env = try TestBench.require()
        let daemon = try Daemon()
        let seal = env["PODPIS_SEAL_TOKEN"]!
        let certificates = try XCTUnwrap(try daemon.unix("/v1/certificates").json["certificates"] as? [[String: Any]])
        let id = try XCTUnwrap(certificates.first { $0["qualifiedForSealing"] as? Bool == true }?["id"] as? String)
        let secret = "Tajna treść dokumentu 4f1c"
        let document = daemon.dir.appendingPathComponent("pismo.txt").path
        try Data(secret.utf8).write(to: URL(fileURLWithPath: document))
        func sign(_ name: String) throws -> HTTPResult {
            try daemon.tcp("/v1/sign?name=\(name)&format=cades&packaging=detached&certificate=\(id)", [
                "-H", "Origin: https://ezd.example.gov.pl", "-H", "Authorization: Bearer \(try daemon.pair())", "-H", "Content-Type: text/plain", "--data-binary", "@\(document)",
            ])
        }
        try withExtendedLifetime(try ScriptedAgent(daemon, pins: [seal: env["PODPIS_SEAL_PIN"]!])) {
            XCTAssertEqual(try sign("first.txt").status, 200)
        }
        try withExtendedLifetime(try ScriptedAgent(daemon, refuse: true)) {
            XCTAssertEqual(try sign("second.txt").problem, "refused")
        }
        try withExtendedLifetime(try ScriptedAgent(daemon, pins: [seal: env["PODPIS_SEAL_PIN"]!])) {
            XCTAssertEqual(try sign("third.txt").status, 200)
        }
        let trail = try String(contentsOfFile: daemon.auditFile, encoding: .utf8)
        let lines = trail.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 3, trail)
        XCTAssertTrue(lines[0].contains("\"result\":\"signed\"") && lines[0].contains("first.txt"))
        XCTAssertTrue(lines[1].contains("\"result\":\"refused\"") && lines[1].contains("second.txt"))
        XCTAssertTrue(lines[0].contains("https://ezd.example.gov.pl"))
        let sha256 = try OpenSSL.digest("sha256", Data(secret.utf8)).map { String(format: "%02x", $0) }.joined()
        XCTAssertTrue(lines[0].contains(sha256), "the document's digest is recorded")
        XCTAssertFalse(trail.contains("Tajna"), "never document content")
        XCTAssertFalse(trail.contains("\"\(env["PODPIS_SEAL_PIN"]!)\"") || trail.contains("pin"), "never a PIN")

        let verify = try podpis(["audit", "verify", "--file", daemon.auditFile])
        XCTAssertEqual(verify.status, 0, verify.stdout + verify.stderr)
        XCTAssertTrue(verify.stdout.contains("3 line(s), chain intact"), verify.stdout)
        let show = try podpis(["audit", "show", "--file", daemon.auditFile])
        XCTAssertTrue(show.stdout.contains("REFUSED") && show.stdout.contains("third.txt"), show.stdout)

        func check(_ name: String, _ tampered: [String], expectLine: Int) throws {
            let path = daemon.dir.appendingPathComponent("\(name).jsonl").path
            try Data((tampered.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: path))
            let result = try podpis(["audit", "verify", "--file", path])
            XCTAssertEqual(result.status, 2, "\(name): \(result.stdout)")
            XCTAssertTrue(result.stdout.contains("\(path):\(expectLine):"), "\(name): \(result.stdout)")
        }
        try check("edited", [lines[0], lines[1].replacingOccurrences(of: "second.txt", with: "sec0nd.txt"), lines[2]], expectLine: 2)
        try check("edited-last", [lines[0], lines[1], lines[2].replacingOccurrences(of: "\"refused\"", with: "\"signed\"").replacingOccurrences(of: "third.txt", with: "thirD.txt")], expectLine: 3)
        try check("deleted-middle", [lines[0], lines[2]], expectLine: 2)
        try check("deleted-first", [lines[1], lines[2]], expectLine: 1)
        try check("swapped", [lines[1], lines[0], lines[2]], expectLine: 1)
        try check("swapped-later", [lines[0], lines[2], lines[1]], expectLine: 2)
    }
}
