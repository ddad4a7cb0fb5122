import Foundation
import TestBench
import XCTest

/// Nothing happens unseen: every request, answered or refused, is one line
/// of podpisd's log with its request id, transport, peer and outcome, and
/// never a PIN or a document's content.
final class RequestLogTests: XCTestCase {
    func testEveryRequestAndEveryRefusedAttackIsOneLineWithItsRequestID() throws {
        let env = try TestBench.require()
        let daemon = try Daemon()
        let pin = env["PODPIS_SEAL_PIN"]!
        let agent = try ScriptedAgent(daemon, pins: [env["PODPIS_SEAL_TOKEN"]!: pin])
        let certificates = try XCTUnwrap(try daemon.unix("/v1/certificates").json["certificates"] as? [[String: Any]])
        let seal = try XCTUnwrap(certificates.first { $0["qualifiedForSealing"] as? Bool == true }?["id"] as? String)
        let secret = "TREŚĆ-DOKUMENTU-\(UUID().uuidString)"
        let document = daemon.dir.appendingPathComponent("pismo.txt").path
        try Data("\(secret)\n".utf8).write(to: URL(fileURLWithPath: document))
        let sign = "/v1/sign?name=pismo.txt&format=cades&packaging=detached&certificate=\(seal)"
        let body = ["-H", "Content-Type: text/plain", "--data-binary", "@\(document)"]
        let token = try daemon.pair()

        var expected: [(result: HTTPResult, outcome: String)] = []
        for _ in 0..<4 {
            let signed = try daemon.unix(sign, body)
            XCTAssertEqual(signed.status, 200, signed.text)
            expected.append((signed, "ok"))
        }
        let attacks: [(HTTPResult, String)] = [
            (try daemon.tcp(sign, body + ["-H", "Origin: https://evil.example"]), "origin-not-allowed"),
            (try daemon.tcp(sign, body + ["-H", "Host: evil.example:\(daemon.port)"]), "bad-host"),
            (try daemon.tcp(sign, body), "not-paired"),
            (try daemon.tcp(sign, body + ["-H", "Origin: https://ezd.example.gov.pl", "-H", "Authorization: Bearer x\(token)"]), "not-paired"),
            (try daemon.tcp("/v1/agent/requests"), "agent-only"),
            (try daemon.tcp("/v1/origins"), "agent-only"),
            (try daemon.tcp("/v1/pairing", ["-X", "POST", "-H", "Origin: null"]), "origin-not-pairable"),
            (try daemon.tcp("/v1/certificates", ["-H", "Sec-Fetch-Site: cross-site"]), "cross-site-request"),
            (try daemon.unix("/v1/sign", ["-X", "DELETE"]), "method-not-allowed"),
            (try daemon.unix("/v2/sign"), "unsupported-version"),
        ]
        for (result, outcome) in attacks {
            XCTAssertEqual(result.problem, outcome, result.text)
            expected.append((result, outcome))
        }

        let lines = daemon.logText.split(separator: "\n")
        for (result, outcome) in expected {
            let id = try XCTUnwrap(result.headers["x-request-id"])
            let mine = lines.filter { $0.contains("requestId=\(id) ") && $0.hasSuffix(" request") }
            XCTAssertEqual(mine.count, 1, "request \(id) (\(outcome)) logged once:\n\(daemon.logText)")
            guard let line = mine.first else { continue }
            XCTAssertTrue(line.contains("outcome=\(outcome) "), String(line))
            XCTAssertTrue(line.contains("status=\(result.status) "), String(line))
            XCTAssertTrue(line.contains("transport=tcp") || line.contains("transport=unix"), String(line))
            XCTAssertTrue(line.contains("uid=") || line.contains("client=127.0.0.1:"), "the peer: \(line)")
        }
        XCTAssertTrue(lines.contains { $0.contains("origin=https://evil.example") && $0.contains("outcome=origin-not-allowed") })
        XCTAssertEqual(agent.consents.count, 4)
        // (The bench's PIN is a few digits: it is looked for as a value, not in pids and ids.)
        XCTAssertFalse(daemon.logText.contains("=\(pin) ") || daemon.logText.contains("\"\(pin)\"") || daemon.logText.contains("=\(pin)\n"), "no PIN in the log")
        XCTAssertFalse(daemon.logText.contains(secret), "no document content in the log")
    }
}
