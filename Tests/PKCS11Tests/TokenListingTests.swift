import PKCS11
import TestBench
import XCTest

/// Tokens of the real modules: SoftHSM through p11-kit's registration and by
/// path, and the virtual OpenPGP card through OpenSC.
final class TokenListingTests: XCTestCase {
    func testRegisteredModulesShowTheSoftHSMAndOpenSCTokensWithTheirFlags() throws {
        let env = try TestBench.require()
        let (modules, failures) = Module.loadRegistered()
        XCTAssertTrue(failures.isEmpty, "registered modules failed: \(failures.map { "\($0.name): \($0.error)" })")
        XCTAssertTrue(modules.allSatisfy(\.registered))
        let tokens = modules.flatMap { (try? $0.tokens()) ?? [] }
        let labels = Set(tokens.map(\.info.label))
        for expected in [env["PODPIS_SIGNER_TOKEN"]!, env["PODPIS_SEAL_TOKEN"]!, env["PODPIS_OPENPGP_SIGN_TOKEN"]!] {
            XCTAssertTrue(labels.contains(expected), "\(expected) not in \(labels)")
        }
        let signer = try XCTUnwrap(tokens.first { $0.info.label == env["PODPIS_SIGNER_TOKEN"] })
        XCTAssertEqual(signer.info.manufacturer, "SoftHSM project")
        XCTAssertTrue(signer.info.loginRequired)
        XCTAssertFalse(signer.info.protectedAuthenticationPath)
        XCTAssertTrue(signer.module.path.hasSuffix("libsofthsm2.so"))
        XCTAssertFalse(signer.info.serialNumber.isEmpty)

        let card = try XCTUnwrap(tokens.first { $0.info.label == env["PODPIS_OPENPGP_SIGN_TOKEN"] })
        XCTAssertTrue(card.module.path.hasSuffix("opensc-pkcs11.so"))
        XCTAssertEqual(card.slotInfo.description, env["PODPIS_OPENPGP_READER"])
        XCTAssertTrue(card.slotInfo.removable)
        XCTAssertTrue(card.info.loginRequired)
        // No uninitialised SoftHSM slot in the list.
        XCTAssertTrue(tokens.allSatisfy { $0.info.flags.contains(.tokenInitialized) })
    }

    func testMechanismsIncludeWhatEachTokenCanSignWith() throws {
        try TestBench.require()
        let softhsm = try Fixtures.softHSM()
        let signer = try Fixtures.token(try TestBench.value("PODPIS_SIGNER_TOKEN"), in: softhsm)
        let names = Set(try signer.slot.mechanisms().filter(\.canSign).map(\.name))
        XCTAssertTrue(names.isSuperset(of: ["CKM_RSA_PKCS", "CKM_RSA_PKCS_PSS", "CKM_ECDSA"]), "\(names)")

        let opensc = try Fixtures.openSC()
        let card = try Fixtures.token(try TestBench.value("PODPIS_OPENPGP_SIGN_TOKEN"), in: opensc)
        let cardNames = Set(try card.slot.mechanisms().map(\.name))
        XCTAssertTrue(cardNames.contains("CKM_RSA_PKCS"))
        XCTAssertFalse(cardNames.contains("CKM_RSA_PKCS_PSS"))
    }

    func testWrongPINOnSoftHSMIsReportedAsCountLowAndNotRetried() throws {
        let env = try TestBench.require()
        let module = try Fixtures.softHSM()
        let token = try Fixtures.token(env["PODPIS_SEAL_TOKEN"]!, in: module)
        let session = try token.slot.openSession()
        XCTAssertThrowsError(try session.login(pin: SecretPIN("0000"))) { error in
            let error = error as! PKCS11Error
            XCTAssertEqual(error.name, "CKR_PIN_INCORRECT")
            XCTAssertEqual(error.code, "pin-incorrect")
            XCTAssertEqual(error.pinStatus, .countLow)
            XCTAssertTrue(error.message.en.contains("few tries"), error.message.en)
            XCTAssertFalse(error.description.contains("0000"))
        }
        XCTAssertEqual(try token.slot.tokenInfo().pinStatus, .countLow)
        try session.login(pin: SecretPIN(env["PODPIS_SEAL_PIN"]!))
        XCTAssertEqual(try token.slot.tokenInfo().pinStatus, .ok)
    }

    func testPINIsWipedAfterLogin() throws {
        let env = try TestBench.require()
        let module = try Fixtures.softHSM()
        let session = try Fixtures.token(env["PODPIS_SEAL_TOKEN"]!, in: module).slot.openSession()
        var bytes = Array(env["PODPIS_SEAL_PIN"]!.utf8)
        let pin = SecretPIN(consuming: &bytes)
        XCTAssertTrue(bytes.isEmpty)
        try session.login(pin: pin)
        XCTAssertTrue(pin.isWiped)
        XCTAssertEqual(pin.description, "SecretPIN(4 digits, hidden)")
    }
}
