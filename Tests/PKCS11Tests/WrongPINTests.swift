import Foundation
import Inventory
import PKCS11
import TestBench
import XCTest

/// A wrong PIN on the virtual OpenPGP card, whose retry counter is real: the
/// error says how many tries are left, and the counter drops by exactly one per
/// attempt the user makes, never more (the program never retries a PIN).
final class WrongPINTests: XCTestCase {
    /// The PW1 retry counter read with OpenSC's own APDU tool, not our code.
    static func cardCounter() throws -> Int {
        let reader = try TestBench.value("PODPIS_OPENPGP_READER")
        let output = try TestBench.run(
            "opensc-tool", ["-r", reader, "-s", "00A4040006D27600012401", "-s", "00CA00C400"])
        // The last "Received" block holds the 7 PW status bytes; the 5th is PW1's counter.
        guard let block = output.components(separatedBy: "Received").last else { throw TestBench.NotUp(description: output) }
        let hex = block.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == ":" }).compactMap { token -> UInt8? in
            token.count == 2 ? UInt8(token, radix: 16) : nil
        }
        guard hex.count >= 5 else { throw TestBench.NotUp(description: "unexpected opensc-tool output: \(output)") }
        return Int(hex[4])
    }

    /// One login attempt; the error, or nil if the PIN was accepted.
    static func failedLogin(_ session: Session, _ pin: String) -> PKCS11Error? {
        do {
            try session.login(pin: SecretPIN(pin))
            return nil
        } catch {
            return error
        }
    }

    func testWrongPINReportsTriesLeftAndTheCounterDropsByExactlyOnePerAttempt() throws {
        let env = try TestBench.require()
        let label = env["PODPIS_OPENPGP_SIGN_TOKEN"]!
        let start = try Self.cardCounter()
        XCTAssertEqual(start, 3, "the bench card starts with 3 tries")

        let module = try Fixtures.openSC()
        let token = try Fixtures.token(label, in: module)
        let session = try token.slot.openSession()
        if let error = Self.failedLogin(session, "000000") {
            XCTAssertEqual(error.name, "CKR_PIN_INCORRECT")
            let enriched = error.withTriesLeft(of: token)
            XCTAssertEqual(enriched.triesLeft, 2)
            XCTAssertEqual(enriched.message.en, "Incorrect PIN. Tries left: 2.")
            XCTAssertEqual(enriched.message.pl, "Niepoprawny PIN. Pozostało prób: 2.")
            XCTAssertFalse(enriched.description.contains("000000"))
        } else {
            XCTFail("a wrong PIN was accepted")
        }
        XCTAssertEqual(try Self.cardCounter(), start - 1, "one attempt, one try spent")
        Thread.sleep(forTimeInterval: 1)
        XCTAssertEqual(try Self.cardCounter(), start - 1, "nothing retried behind the user's back")

        if let error = Self.failedLogin(session, "111111") {
            let enriched = error.withTriesLeft(of: token)
            XCTAssertEqual(enriched.triesLeft, 1)
            XCTAssertTrue(enriched.message.en.contains("ONE try left"), enriched.message.en)
        } else {
            XCTFail("a wrong PIN was accepted")
        }
        XCTAssertEqual(try Self.cardCounter(), start - 2)

        // The right PIN resets the counter.
        try session.login(pin: SecretPIN(env["PODPIS_OPENPGP_PIN"]!))
        XCTAssertEqual(try Self.cardCounter(), 3)
    }
}
