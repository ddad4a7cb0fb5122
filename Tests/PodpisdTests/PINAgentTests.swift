import Foundation
import TestBench
import XCTest

/// `podpis agent` driven through a pseudo-terminal (Tests/Tools/pty_agent.py),
/// as a clerk uses it: the screen shows who asks and what is signed; the right
/// PIN signs, a wrong one costs exactly one try and is reported with the tries
/// left, Ctrl-C refuses.
final class PINAgentTests: XCTestCase {
    var env: [String: String] = [:]
    override func setUpWithError() throws { env = try TestBench.require() }

    static var podpis: String { URL(fileURLWithPath: Daemon.binary).deletingLastPathComponent().appendingPathComponent("podpis").path }

    /// The agent in a pty with scripted answers; its screen in a file.
    final class TerminalAgent {
        let pid: pid_t
        let screen: String
        init(_ daemon: Daemon, actions: [String]) throws {
            screen = daemon.dir.appendingPathComponent("screen-\(UUID().uuidString).txt").path
            pid = try Background.start("/usr/bin/python3", [
                TestBench.repositoryRoot.appendingPathComponent("Tests/Tools/pty_agent.py").path, screen, actions.joined(separator: ","),
                PINAgentTests.podpis, "agent", "--socket", daemon.socket,
            ], output: screen + ".log", environment: ["LANG": "en_US.UTF-8", "LC_ALL": ""])
            let screen = self.screen
            guard TestBench.waitUntil(timeout: 15, { self.text.contains("waiting for requests") }) else {
                throw TestBench.NotUp(description: "podpis agent did not start: \(self.text) \((try? String(contentsOfFile: screen + ".log", encoding: .utf8)) ?? "")")
            }
        }
        deinit { Background.stop(pid, what: "podpis agent in its pty", log: screen + ".log") }
        var text: String { (try? String(contentsOfFile: screen, encoding: .utf8)) ?? "" }
    }

    /// PW1's retry counter, read with opensc-tool (not our code).
    func cardCounter() throws -> Int {
        let output = try TestBench.run("opensc-tool", ["-r", env["PODPIS_OPENPGP_READER"]!, "-s", "00A4040006D27600012401", "-s", "00CA00C400"])
        let block = output.components(separatedBy: "Received").last ?? ""
        let bytes = block.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == ":" }).compactMap { $0.count == 2 ? UInt8($0, radix: 16) : nil }
        guard bytes.count >= 5 else { throw TestBench.NotUp(description: output) }
        return Int(bytes[4])
    }

    func testTheClerkSeesWhoAndWhatThenTheRightPINSigns() throws {
        let daemon = try Daemon.withCard()
        let agent = try TerminalAgent(daemon, actions: ["pin:\(env["PODPIS_SEAL_PIN"]!)"])
        let seal = try daemon.certificateID { $0["qualifiedForSealing"] as? Bool == true }
        let content = Data("Zaświadczenie o niezaleganiu, nr 17/2026\n".utf8)
        let document = daemon.dir.appendingPathComponent("zaświadczenie-17.txt").path
        try content.write(to: URL(fileURLWithPath: document))
        let result = try daemon.signDetached(
            document, name: "za%C5%9Bwiadczenie-17.txt", certificate: seal,
            tcp: ["Origin: https://ezd.example.gov.pl", "Authorization: Bearer \(try daemon.pair())"])
        XCTAssertEqual(result.status, 200, result.text)
        let screen = agent.text
        XCTAssertTrue(screen.contains("https://ezd.example.gov.pl"), screen)
        XCTAssertTrue(screen.contains("zaświadczenie-17.txt"), screen)
        let sha256 = try OpenSSL.hexDigest("sha256", content)
        XCTAssertTrue(screen.contains("SHA-256 \(sha256)"), screen)
        XCTAssertTrue(screen.contains("Urząd Gminy Testowo"), screen)
        let promptLines = screen.split(separator: "\n").filter { $0.contains("PIN for") }
        XCTAssertEqual(promptLines.count, 1, screen)
        XCTAssertFalse(promptLines.contains { $0.contains(env["PODPIS_SEAL_PIN"]!) }, "the PIN is not echoed")
        // The signature is over exactly that document.
        let p7s = daemon.dir.appendingPathComponent("z.p7s").path
        try result.body.write(to: URL(fileURLWithPath: p7s))
        let verify = try OpenSSL.verifyDetachedCMS(p7s, content: document)
        XCTAssertEqual(verify.status, 0, verify.stderr)
    }

    func testAWrongPINOnTheCardCostsExactlyOneTryAndCtrlCRefuses() throws {
        let daemon = try Daemon.withCard()
        let token = env["PODPIS_OPENPGP_SIGN_TOKEN"]!
        let card = try daemon.certificateID { ($0["token"] as? String ?? "").hasPrefix("OpenPGP card") }
        let before = try cardCounter()
        // Three requests: a wrong PIN, Ctrl-C, then the right PIN (which also restores the counter).
        let agent = try TerminalAgent(daemon, actions: ["pin:999999", "ctrl-c", "pin:\(env["PODPIS_OPENPGP_PIN"]!)"])
        let document = daemon.dir.appendingPathComponent("pismo.txt").path
        try Data("Pismo\n".utf8).write(to: URL(fileURLWithPath: document))
        func sign() throws -> HTTPResult { try daemon.signDetached(document, name: "pismo.txt", certificate: card) }
        let wrong = try sign()
        XCTAssertEqual(wrong.status, 403, wrong.text)
        XCTAssertEqual(wrong.problem, "wrong-pin")
        XCTAssertEqual(wrong.json["triesLeft"] as? Int, before - 1, wrong.text)
        XCTAssertEqual(try cardCounter(), before - 1, "exactly one try used; never retried")
        XCTAssertFalse(wrong.text.contains("999999"))

        let refused = try sign()
        XCTAssertEqual(refused.status, 403, refused.text)
        XCTAssertEqual(refused.problem, "refused")
        XCTAssertEqual(try cardCounter(), before - 1, "Ctrl-C never reaches the card")

        let right = try sign()
        XCTAssertEqual(right.status, 200, right.text)
        XCTAssertEqual(try cardCounter(), before, "a correct PIN restores the counter")
        let screen = agent.text
        XCTAssertTrue(screen.contains("PIN for “\(token)”"), screen)
        XCTAssertTrue(screen.contains("Refused."), screen)
        XCTAssertTrue(screen.contains("PIN tries left: \(before)"), screen)
        XCTAssertTrue(screen.contains("PIN tries left: \(before - 1)"), "after the wrong PIN the next request shows one try less")
        let promptLines = screen.split(separator: "\n").filter { $0.contains("PIN for") }
        XCTAssertEqual(promptLines.count, 3, screen)
        XCTAssertFalse(promptLines.contains { $0.contains("999999") || $0.contains(env["PODPIS_OPENPGP_PIN"]!) }, "no PIN echoed")
        XCTAssertFalse(screen.contains("999999"), "the wrong PIN appears nowhere on the screen")
        XCTAssertFalse(daemon.logText.contains("999999"), "no PIN in the daemon's log")
    }
}
