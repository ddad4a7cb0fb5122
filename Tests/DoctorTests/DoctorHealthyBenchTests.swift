import Foundation
import TestBench
import XCTest

/// `podpis doctor` on a healthy desk: exit 0, and a report that lists the
/// readers, the cards with their names, the tokens and the certificates.
final class DoctorHealthyBenchTests: XCTestCase {
    func testHealthyBenchExitsZeroAndListsReadersCardsTokensAndCertificates() throws {
        let desk = try DoctorDesk()
        let env = desk.env
        let run = try desk.doctor()
        XCTAssertEqual(run.status, 0, run.summary)
        XCTAssertTrue(run.troubles.isEmpty, run.summary)
        let root = try run.root()
        XCTAssertEqual(root["schema"] as? String, "podpis.doctor/1")
        XCTAssertEqual(root["outcome"] as? String, "ok")
        XCTAssertEqual(root["exitCode"] as? Int, 0)

        let readers = try XCTUnwrap(root["readers"] as? [[String: Any]])
        XCTAssertEqual(Set(readers.compactMap { $0["name"] as? String }), [env["PODPIS_OPENPGP_READER"]!, env["PODPIS_SCRIPTED_READER"]!])
        let cardReader = try XCTUnwrap(readers.first { $0["name"] as? String == env["PODPIS_OPENPGP_READER"] })
        let card = try XCTUnwrap(cardReader["card"] as? [String: Any])
        XCTAssertEqual(card["name"] as? String, "OpenPGP card v3.4 (test bench)")
        XCTAssertEqual(card["atr"] as? String, env["PODPIS_OPENPGP_ATR"])
        let cardTokens = try XCTUnwrap(card["tokens"] as? [[String: Any]])
        let signToken = try XCTUnwrap(cardTokens.first { $0["label"] as? String == env["PODPIS_OPENPGP_SIGN_TOKEN"] })
        XCTAssertEqual(signToken["triesLeft"] as? Int, 3, "PIN tries read from the card without spending one")
        let cardCertificates = try XCTUnwrap(signToken["certificates"] as? [[String: Any]])
        XCTAssertFalse(cardCertificates.isEmpty)

        let tokens = try XCTUnwrap(root["tokens"] as? [[String: Any]])
        let own = try XCTUnwrap(tokens.first { $0["label"] as? String == DoctorDesk.tokenLabel })
        let names = Set((own["certificates"] as? [[String: Any]] ?? []).compactMap { $0["commonName"] as? String })
        XCTAssertEqual(names, ["Anna Nowak", "Urząd Gminy Testowo"])
        // Only the test's own SoftHSM token: the bench's tokens are out of sight.
        XCTAssertFalse(tokens.contains { $0["label"] as? String == env["PODPIS_SIGNER_TOKEN"] })

        let codes = Set(run.findings.map(\.code))
        for expected in ["pcscd-running", "module-loaded", "card-known", "card-module-loaded", "pin-ok", "certificate-valid",
            "certificate-qualified", "certificate-chain-complete", "daemon-running", "tsa-ok", "clock-ok", "config-valid"]
        {
            XCTAssertTrue(codes.contains(expected), "no \(expected) among \(codes.sorted())")
        }
    }

    func testReadableReportGroupsReaderCardTokenCertificateWithMarks() throws {
        let desk = try DoctorDesk()
        let env = desk.env
        let run = try desk.doctor(json: false)
        XCTAssertEqual(run.status, 0, run.stdout + run.stderr)
        let text = run.stdout
        let reader = try XCTUnwrap(text.range(of: "Reader „\(env["PODPIS_OPENPGP_READER"]!)”"), text)
        let card = try XCTUnwrap(text.range(of: "Card: OpenPGP card v3.4 (test bench)"), text)
        let token = try XCTUnwrap(text.range(of: "Token „\(env["PODPIS_OPENPGP_SIGN_TOKEN"]!)”"), text)
        // The signature slot's certificate comes under its token (the card shows it on both slots).
        let certificate = try XCTUnwrap(text.range(of: "Certificate „Katarzyna Lewandowska”", range: token.upperBound..<text.endIndex), text)
        let nextReader = text.range(of: "Reader „\(env["PODPIS_SCRIPTED_READER"]!)”")?.lowerBound ?? text.endIndex
        XCTAssertTrue(reader.lowerBound < card.lowerBound && card.lowerBound < token.lowerBound, text)
        XCTAssertTrue(certificate.lowerBound < nextReader, text)
        XCTAssertTrue(text.contains("Reader „\(env["PODPIS_SCRIPTED_READER"]!)”"))
        XCTAssertTrue(text.contains("Token „\(DoctorDesk.tokenLabel)”"))
        XCTAssertTrue(text.contains("Certificate „Anna Nowak”"))
        XCTAssertTrue(text.contains("✓ "))
        XCTAssertFalse(text.contains("✗ "))
        XCTAssertTrue(text.contains("Summary: 0 problem(s), 0 warning(s). Exit code 0."), text)

        let polish = try desk.doctor(polish: true, json: false)
        XCTAssertTrue(polish.stdout.contains("Czytnik „\(env["PODPIS_OPENPGP_READER"]!)”"), polish.stdout)
        XCTAssertTrue(polish.stdout.contains("Podsumowanie: problemy: 0, ostrzeżenia: 0. Kod wyjścia 0."), polish.stdout)
    }

    func testReaderAndTokenFocusLeaveTheRestOut() throws {
        let desk = try DoctorDesk()
        let env = desk.env
        let onlyReader = try desk.doctor(["--reader", env["PODPIS_OPENPGP_READER"]!])
        XCTAssertEqual(onlyReader.status, 0, onlyReader.summary)
        let readerRoot = try onlyReader.root()
        XCTAssertEqual((readerRoot["readers"] as? [[String: Any]])?.count, 1)
        XCTAssertEqual((readerRoot["tokens"] as? [[String: Any]])?.count, 0, "SoftHSM tokens are in no reader")

        let onlyToken = try desk.doctor(["--token", DoctorDesk.tokenLabel])
        XCTAssertEqual(onlyToken.status, 0, onlyToken.summary)
        let tokenRoot = try onlyToken.root()
        XCTAssertEqual((tokenRoot["readers"] as? [[String: Any]])?.count, 0)
        XCTAssertEqual(((tokenRoot["tokens"] as? [[String: Any]])?.compactMap { $0["label"] as? String }), [DoctorDesk.tokenLabel])

        let missing = try desk.doctor(["--token", "No Such Token"])
        XCTAssertEqual(Set(missing.troubles.map(\.code)), ["token-not-found"], missing.summary)
        XCTAssertEqual(missing.status, 2)
    }
}
