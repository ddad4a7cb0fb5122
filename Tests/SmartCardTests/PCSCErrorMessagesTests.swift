@testable import SmartCard
import XCTest

/// Every named PC/SC code has its sentence in SmartCard's catalog; an
/// unnamed code gets the sentence for an unexpected error with its number.
final class PCSCErrorMessagesTests: XCTestCase {
    func testEveryNamedCodeHasItsSentenceInBothLanguages() {
        XCTAssertEqual(PCSCError.catalogue.count, 46)
        for (value, entry) in PCSCError.catalogue {
            XCTAssertNotNil(messages.entries[entry.code], entry.code)
            let message = PCSCError(rawValue: value, function: "SCardTest").message
            XCTAssertNotEqual(message.pl, message.en, entry.code)
        }
        XCTAssertEqual(
            PCSCError(rawValue: PCSCError.Code.noService, function: "SCardEstablishContext").message.en,
            "The pcscd smart card service is not running. Start it: sudo systemctl start pcscd (package pcscd).")
        let unknown = PCSCError(rawValue: 0x8010_00FF, function: "SCardTest")
        XCTAssertEqual(unknown.code, "pcsc-unknown")
        XCTAssertEqual(unknown.message.pl, "Nieoczekiwany błąd czytnika kart (SCARD_UNKNOWN_CODE).")
    }
}
