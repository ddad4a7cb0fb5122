import Foundation
import TestBench
import XCTest

/// A card pulled out and put back is usable again without restarting the
/// daemon; while it is out, a request says so.
final class PodpisdHotPlugTests: XCTestCase {
    func testACardPulledAndPutBackSignsAgainWithoutARestart() throws {
        let env = try TestBench.require()
        let daemon = try Daemon(extraSections: """
            [pkcs11]
            modules = ["\(env["PODPIS_SOFTHSM_MODULE"]!)", "\(env["PODPIS_OPENSC_MODULE"]!)"]
            use_registered = false
            """)
        let token = env["PODPIS_OPENPGP_SIGN_TOKEN"]!
        let agent = try ScriptedAgent(daemon, pins: [token: env["PODPIS_OPENPGP_PIN"]!])
        defer { _ = try? TestBench.script("card.sh", "openpgp", "start") }
        // The card's certificate shows on its virtual slots; the signing slot is chosen.
        let certificates = try XCTUnwrap(try daemon.unix("/v1/certificates").json["certificates"] as? [[String: Any]])
        let card = try XCTUnwrap(certificates.first { ($0["token"] as? String ?? "").hasPrefix("OpenPGP card") }?["id"] as? String)
        let document = daemon.dir.appendingPathComponent("pismo.txt").path
        try Data("Pismo do podpisu kartą\n".utf8).write(to: URL(fileURLWithPath: document))
        func sign() throws -> HTTPResult {
            try daemon.unix("/v1/sign?name=pismo.txt&format=cades&packaging=detached&certificate=\(card)",
                            ["--data-binary", "@\(document)", "-H", "Content-Type: text/plain"])
        }
        func verifies(_ result: HTTPResult) throws -> Bool {
            let p7s = daemon.dir.appendingPathComponent("pismo-\(UUID().uuidString).p7s").path
            try result.body.write(to: URL(fileURLWithPath: p7s))
            return try TestBench.runCapturing("openssl", [
                "cms", "-verify", "-binary", "-inform", "DER", "-in", p7s, "-content", document, "-CAfile", try TestBench.pki("chain.pem"),
                "-purpose", "any", "-out", "/dev/null",
            ]).status == 0
        }
        let before = try sign()
        XCTAssertEqual(before.status, 200, before.text)
        XCTAssertTrue(try verifies(before))
        XCTAssertEqual((agent.consents.last?["token"] as? [String: Any])?["label"] as? String, token, "signed on the card's signature slot")

        try TestBench.script("card.sh", "openpgp", "stop")
        let pulled = try sign()
        XCTAssertTrue(["token-absent", "unknown-certificate"].contains(pulled.problem ?? ""), "\(pulled.status) \(pulled.text)")

        try TestBench.script("card.sh", "openpgp", "start")
        var after = try sign()
        if after.status != 200 { after = try sign() }  // OpenSC may need one look at the returned card
        XCTAssertEqual(after.status, 200, after.text)
        XCTAssertTrue(try verifies(after))
    }
}
