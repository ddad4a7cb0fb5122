import Foundation
import TestBench
import XCTest

/// The bench broken on the PC/SC side, one fault at a time: each gives
/// exactly its code, with the reason and the fix, and is undone afterwards.
final class DoctorPCSCFaultTests: XCTestCase {
    static let unknownATR = "3B 8A 80 01 50 4F 44 50 49 53 54 45 53 54 31"
    static let certumATR = "3B 7F 96 00 00 80 31 80 58 43 65 72 74 75 6D 30 31 82 90 00"

    func testPCSCDStoppedIsPCSCDNotRunning() throws {
        let desk = try DoctorDesk()
        try DoctorDesk.bench("pcscd.sh", ["stop"])
        defer { _ = try? DoctorDesk.bench("pcscd.sh", ["start"]) }
        try desk.expectOnly("pcscd-not-running")
    }

    func testNoCardInTheReaderIsCardAbsent() throws {
        let desk = try DoctorDesk()
        try DoctorDesk.bench("card.sh", ["openpgp", "stop"])
        defer { _ = try? DoctorDesk.bench("card.sh", ["openpgp", "start"]) }
        try desk.expectOnly("card-absent", outcome: "warning")
    }

    func testACardWithAnATRNobodyKnowsIsCardUnknownATRWithTheATRAndWhereToReportIt() throws {
        let desk = try DoctorDesk()
        try DoctorDesk.bench("card.sh", ["scripted", "start", Self.unknownATR])
        defer { _ = try? DoctorDesk.bench("card.sh", ["scripted", "stop"]) }
        try desk.expectOnly("card-unknown-atr")
        let unknown = try XCTUnwrap(try desk.doctor().troubles.first)
        XCTAssertTrue(unknown.found.contains(Self.unknownATR), unknown.found)
        XCTAssertTrue(unknown.fix.contains("https://smartcard-atr.apdu.fr/"), unknown.fix)
        XCTAssertEqual(unknown.place, "reader:\(desk.env["PODPIS_SCRIPTED_READER"]!)/card")
    }

    func testAKnownPolishCardWhoseModuleIsMissingSaysWhichSoftwareProvidesIt() throws {
        let desk = try DoctorDesk()
        try DoctorDesk.bench("card.sh", ["scripted", "start", Self.certumATR])
        defer { _ = try? DoctorDesk.bench("card.sh", ["scripted", "stop"]) }
        try desk.expectOnly("card-module-missing")
        let missing = try XCTUnwrap(try desk.doctor().troubles.first)
        XCTAssertTrue(missing.found.contains("Certum cryptoCertum"), missing.found)
        XCTAssertTrue(missing.fix.contains("proCertum CardManager"), missing.fix)
        XCTAssertEqual(missing.details["module"], "cryptoCertum3PKCS")
    }
}
