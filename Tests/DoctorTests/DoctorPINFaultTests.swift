import Foundation
import TestBench
import XCTest

/// PIN state, read from token flags and the card, never by entering a PIN.
///
/// What the bench can really produce: the virtual OpenPGP card really
/// counts (3 tries; locked after three wrong PINs). OpenSC's flags for it do
/// not say "count low" after one wrong PIN (only "final try" after two and
/// "locked" after three), but the card tells its tries left (PW status bytes,
/// read without spending one): 2 left is reported as count low. SoftHSM sets
/// CKF_USER_PIN_COUNT_LOW after a wrong PIN, keeps it across processes, and
/// never locks.
final class DoctorPINFaultTests: XCTestCase {
    func testOpenPGPCardLockedByThreeWrongPINsIsPINLocked() throws {
        let desk = try DoctorDesk()
        try DoctorDesk.withOpenPGPCard(afterWrongPINs: 3) {
            XCTAssertEqual(try DoctorDesk.openPGPTriesLeft(), 0)
            try desk.expectOnly("pin-locked")
            let locked = try desk.doctor().troubles
            XCTAssertTrue(locked.contains { $0.place.hasSuffix("token:\(desk.env["PODPIS_OPENPGP_SIGN_TOKEN"]!)") })
            XCTAssertTrue(locked.allSatisfy { $0.fix.contains("PUK") })
            XCTAssertEqual(try DoctorDesk.openPGPTriesLeft(), 0, "the doctor never presents a PIN")
        }
    }

    func testOpenPGPCardAfterTwoWrongPINsIsPINFinalTry() throws {
        let desk = try DoctorDesk()
        try DoctorDesk.withOpenPGPCard(afterWrongPINs: 2) {
            try desk.expectOnly("pin-final-try", outcome: "warning")
            let last = try desk.doctor().troubles
            XCTAssertTrue(last.allSatisfy { $0.details["triesLeft"] == "1" && $0.details["flags"]?.contains("CKF_USER_PIN_FINAL_TRY") == true })
        }
    }

    func testSoftHSMTokenAfterAWrongPINIsPINCountLow() throws {
        let desk = try DoctorDesk()
        let env = desk.env
        let wrong = try TestBench.runCapturing(
            "pkcs11-tool", ["--module", env["PODPIS_SOFTHSM_MODULE"]!, "--token-label", DoctorDesk.tokenLabel, "--login", "--pin", "9999", "-O"],
            environment: ["SOFTHSM2_CONF": desk.softHSMConf])
        XCTAssertNotEqual(wrong.status, 0, "the wrong PIN was refused")
        try desk.expectOnly("pin-count-low", outcome: "warning")
        let low = try XCTUnwrap(try desk.doctor().troubles.first)
        XCTAssertEqual(low.place, "token:\(DoctorDesk.tokenLabel)")
        XCTAssertTrue(low.details["flags"]?.contains("CKF_USER_PIN_COUNT_LOW") == true, low.details.description)
    }

    func testOpenPGPCardAfterOneWrongPINIsPINCountLowWithTheTriesLeft() throws {
        let desk = try DoctorDesk()
        try DoctorDesk.withOpenPGPCard(afterWrongPINs: 1) {
            try desk.expectOnly("pin-count-low", outcome: "warning")
            let low = try XCTUnwrap(try desk.doctor().troubles.first)
            XCTAssertEqual(low.details["triesLeft"], "2")
            XCTAssertEqual(try DoctorDesk.openPGPTriesLeft(), 2, "no try spent by the doctor")
        }
    }
}
