import Foundation
import PKCS11
import TestBench
import XCTest

/// Bad modules and vanishing tokens give named errors with sentences, never a crash.
final class ModuleFailureTests: XCTestCase {
    func testMissingModulePathIsModuleNotFound() {
        XCTAssertThrowsError(try Module.load(path: "/nonexistent/libvendor-pkcs11.so")) { error in
            let error = error as! PKCS11Error
            XCTAssertEqual(error.code, "module-not-found")
            XCTAssertTrue(error.message.en.contains("/nonexistent/libvendor-pkcs11.so"))
            XCTAssertTrue(error.message.pl.contains("Nie znaleziono modułu"))
        }
    }

    func testAFileThatIsNotAPKCS11ModuleFailsWithTheLoadersReason() throws {
        let dir = try TestBench.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let text = dir.appendingPathComponent("not-a-module.so")
        try Data("hello".utf8).write(to: text)
        XCTAssertThrowsError(try Module.load(path: text.path)) { error in
            let error = error as! PKCS11Error
            XCTAssertEqual(error.code, "module-load-failed")
            XCTAssertTrue(error.message.en.contains("Cannot load PKCS#11 module"), error.message.en)
        }
        // A real shared library without C_GetFunctionList.
        let libz = ["/usr/lib/x86_64-linux-gnu/libz.so.1", "/lib/x86_64-linux-gnu/libz.so.1"].first { FileManager.default.fileExists(atPath: $0) }
        if let libz {
            XCTAssertThrowsError(try Module.load(path: libz)) { error in
                XCTAssertEqual((error as! PKCS11Error).code, "module-load-failed")
            }
        }
    }

    func testTokenRemovedBetweenListingAndUseIsANamedError() throws {
        let env = try TestBench.require()
        let module = try Fixtures.openSC()
        let token = try Fixtures.token(env["PODPIS_OPENPGP_SIGN_TOKEN"]!, in: module)
        try TestBench.script("card.sh", "openpgp", "stop")
        defer { _ = try? TestBench.script("card.sh", "openpgp", "start") }
        // Give pcscd and OpenSC a moment to see the card go.
        Thread.sleep(forTimeInterval: 1)
        // Using the token (a login talks to the card) fails with a named error.
        XCTAssertThrowsError(try token.slot.openSession().login(pin: SecretPIN(env["PODPIS_OPENPGP_PIN"]!))) { error in
            let error = error as! PKCS11Error
            let gone = ["CKR_TOKEN_NOT_PRESENT", "CKR_DEVICE_REMOVED", "CKR_SLOT_ID_INVALID", "CKR_SESSION_HANDLE_INVALID"]
            XCTAssertTrue(gone.contains(error.name), "\(error.name): \(error.message.en)")
            XCTAssertFalse(error.message.en.isEmpty)
        }
        XCTAssertThrowsError(try [module].token(named: env["PODPIS_OPENPGP_SIGN_TOKEN"]!)) { error in
            XCTAssertEqual((error as! PKCS11Error).code, "token-not-found")
        }
    }

    func testEveryReturnValueHasANameAndABilingualSentence() {
        for rv: UInt in [0x0, 0x3, 0x30, 0x32, 0x70, 0xA0, 0xA4, 0xE0, 0x101, 0x191] {
            XCTAssertTrue(ReturnValue.name(rv).hasPrefix("CKR_"))
            XCTAssertFalse(ReturnValue.text(rv).pl.isEmpty)
            XCTAssertNotEqual(ReturnValue.text(rv).pl, ReturnValue.text(rv).en)
        }
        XCTAssertEqual(ReturnValue.name(0x8000_0001), "CKR_VENDOR_DEFINED+0x1")
        XCTAssertTrue(ReturnValue.text(ReturnValue.pinLocked).pl.contains("PUK"))
    }
}
