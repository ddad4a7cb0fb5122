import Foundation
import SmartCard
import TestBench
import XCTest

/// Card identification from the ATR: the project's table first, then
/// pcsc-tools' list, else unknown. Unit tests plus the real scripted card.
final class ATRIdentificationTests: XCTestCase {
    static let kirATR = "3B 7F 96 00 00 80 31 80 65 B0 85 03 00 EF 12 02 68 82 90 00"
    static let certumATR = "3B 7F 96 00 00 80 31 80 58 43 65 72 74 75 6D 30 31 82 90 00"
    /// Not in our table nor in pcsc-tools' list (checked below).
    static let unknownATR = "3B 8A 80 01 50 4F 44 50 49 53 54 45 53 54 31"

    func testPatternWildcardsMatchAnyByteAndLengthMustBeEqual() throws {
        let pattern = try XCTUnwrap(ATRPattern("3B 7F .. 00 8."))
        XCTAssertTrue(pattern.matches(try XCTUnwrap(ATR(hex: "3B7F960080"))))
        XCTAssertTrue(pattern.matches(try XCTUnwrap(ATR(hex: "3B 7F 11 00 8F"))))
        XCTAssertFalse(pattern.matches(try XCTUnwrap(ATR(hex: "3B 7F 11 01 8F"))))
        XCTAssertFalse(pattern.matches(try XCTUnwrap(ATR(hex: "3B 7F 11 00 7F"))))
        XCTAssertFalse(pattern.matches(try XCTUnwrap(ATR(hex: "3B 7F 11 00 8F 00"))))
        XCTAssertEqual(pattern.description, "3B 7F .. 00 8.")
        XCTAssertNil(ATRPattern("3B 7"))
        XCTAssertNil(ATR(hex: "3B 7G"))
    }

    func testPolishCardsAreIdentifiedFromTheProjectTable() throws {
        let identifier = CardIdentifier(list: nil)
        guard case .known(let kir) = identifier.identify(try XCTUnwrap(ATR(hex: Self.kirATR))) else {
            return XCTFail("KIR card not identified")
        }
        XCTAssertTrue(kir.name.contains("KIR"))
        XCTAssertEqual(kir.module.name, "ccpkip11")
        guard case .known(let certum) = identifier.identify(try XCTUnwrap(ATR(hex: Self.certumATR))) else {
            return XCTFail("Certum card not identified")
        }
        XCTAssertEqual(certum.name, "Certum cryptoCertum")
        XCTAssertTrue(certum.qualified)
        guard case .known(let edowod) = identifier.identify(try XCTUnwrap(ATR(hex: "3B 84 80 01 47 43 50 43 12"))) else {
            return XCTFail("e-dowód not identified")
        }
        XCTAssertTrue(edowod.name.hasPrefix("e-dowód"))
        XCTAssertEqual(edowod.module.name, "opensc-pkcs11")
    }

    func testSmartcardListNamesCardsOutsideOurTableAndUnknownStaysUnknown() throws {
        let path = TestBench.repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/conformance/atr/smartcard_list.txt").path
        let list = try XCTUnwrap(SmartcardList.load(from: [path, "/usr/share/pcsc/smartcard_list.txt"]), "no smartcard_list.txt")
        XCTAssertGreaterThan(list.entries.count, 1000)
        let identifier = CardIdentifier(list: list)
        // A Polish ePassport: in pcsc-tools' list, not in ours.
        let passport = try XCTUnwrap(ATR(hex: "3B 88 80 01 00 00 00 00 77 83 B3 00 4E"))
        guard case .listed(let descriptions) = identifier.identify(passport) else { return XCTFail("not listed") }
        XCTAssertEqual(descriptions.first, "Polish ePassport (eID)")
        XCTAssertEqual(identifier.identify(try XCTUnwrap(ATR(hex: Self.unknownATR))), .unknown)
    }

    /// The scripted virtual card presents a Polish card's ATR in a real reader.
    func testScriptedCardWithKIRATRIsIdentifiedThroughPCSC() throws {
        let atr = try insertScriptedCard(Self.kirATR)
        defer { _ = try? TestBench.script("card.sh", "scripted", "stop") }
        XCTAssertEqual(atr.hex, Self.kirATR)
        let identified = CardIdentifier(list: nil).identify(atr)
        XCTAssertEqual(identified.module?.name, "ccpkip11")
        XCTAssertTrue(identified.name?.contains("KIR") == true)
    }

    func testScriptedCardWithUnknownATRIsNamedUnknown() throws {
        let atr = try insertScriptedCard(Self.unknownATR)
        defer { _ = try? TestBench.script("card.sh", "scripted", "stop") }
        XCTAssertEqual(atr.hex, Self.unknownATR)
        XCTAssertEqual(CardIdentifier().identify(atr), .unknown)
    }

    /// Puts the scripted card with this ATR into its reader and returns the ATR pcscd reports.
    private func insertScriptedCard(_ atr: String) throws -> ATR {
        let reader = try TestBench.value("PODPIS_SCRIPTED_READER")
        try TestBench.script("card.sh", "scripted", "start", atr)
        let context = try PCSCContext()
        var status: ReaderStatus?
        XCTAssertTrue(try TestBench.waitUntil {
            status = try context.statuses(of: [reader]).first
            return status?.hasCard == true
        })
        return try XCTUnwrap(status?.atr, "no card in \(reader)")
    }
}
