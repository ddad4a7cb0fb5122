import Foundation
import TestBench
import XCTest

/// A card pulled out and put back is usable again without restarting the
/// daemon; while it is out, a request says so.
final class PodpisdHotPlugTests: XCTestCase {
    func testACardPulledAndPutBackSignsAgainWithoutARestart() throws {
        let env = try TestBench.require()
        let daemon = try Daemon.withCard()
        let token = env["PODPIS_OPENPGP_SIGN_TOKEN"]!
        let agent = try ScriptedAgent(daemon, pins: [token: env["PODPIS_OPENPGP_PIN"]!])
        defer { _ = try? TestBench.script("card.sh", "openpgp", "start") }
        // The card's certificate shows on its virtual slots; the signing slot is chosen.
        let card = try daemon.certificateID { ($0["token"] as? String ?? "").hasPrefix("OpenPGP card") }
        let document = daemon.dir.appendingPathComponent("pismo.txt").path
        try Data("Pismo do podpisu kartą\n".utf8).write(to: URL(fileURLWithPath: document))
        func sign() throws -> HTTPResult { try daemon.signDetached(document, name: "pismo.txt", certificate: card) }
        let before = try sign()
        XCTAssertEqual(before.status, 200, before.text)
        XCTAssertTrue(try before.verifiesAsDetachedCMS(over: document, keptIn: daemon.dir))
        XCTAssertEqual((agent.consents.last?["token"] as? [String: Any])?["label"] as? String, token, "signed on the card's signature slot")

        try TestBench.script("card.sh", "openpgp", "stop")
        let pulled = try sign()
        XCTAssertTrue(["token-absent", "unknown-certificate"].contains(pulled.problem ?? ""), "\(pulled.status) \(pulled.text)")

        try TestBench.script("card.sh", "openpgp", "start")
        var after = try sign()
        if after.status != 200 { after = try sign() }  // OpenSC may need one look at the returned card
        XCTAssertEqual(after.status, 200, after.text)
        XCTAssertTrue(try after.verifiesAsDetachedCMS(over: document, keptIn: daemon.dir))
    }
}
