import Inventory
import PKCS11
import XCTest

/// What the clerk is told when the certificate to sign with is not there,
/// not one, or has no key; and how a module that failed is reported.
final class SigningKeyErrorTests: XCTestCase {
    func testEachCaseHasItsCodeAndSentence() {
        XCTAssertEqual(SigningKeyError.certificateNotFound("ab12").code, "certificate-not-found")
        XCTAssertEqual(SigningKeyError.certificateNotFound("ab12").message.en, "No signing certificate ab12 found. Check: podpis certs.")
        XCTAssertEqual(SigningKeyError.certificateNotFound("").message.pl, "Nie znaleziono certyfikatu do podpisu. Sprawdź: podpis certs.")
        XCTAssertEqual(SigningKeyError.ambiguous(["a1", "b2"]).code, "certificate-ambiguous")
        XCTAssertTrue(SigningKeyError.ambiguous(["a1", "b2"]).message.en.hasSuffix("choose one with --cert ID: a1; b2."))
        XCTAssertEqual(SigningKeyError.noPrivateKey("Jan").code, "no-private-key")
        XCTAssertTrue(SigningKeyError.noPrivateKey("Jan").message.pl.contains("„Jan”"))
    }

    func testAModuleProblemCarriesThePKCS11CodeNameAndSentence() {
        let problem = ModuleProblem(
            name: "opensc", path: "/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so", requested: true,
            error: PKCS11Error(rv: ReturnValue.deviceError, function: "C_Initialize"))
        XCTAssertEqual(problem.code, "device-error")
        XCTAssertEqual(problem.error, "CKR_DEVICE_ERROR")
        XCTAssertTrue(problem.requested)
        XCTAssertFalse(problem.message.isEmpty)
    }
}
