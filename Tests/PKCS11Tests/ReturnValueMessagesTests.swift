import PKCS11
import XCTest

/// A `CKR_*` value's sentence: its own where the clerk can act on it, the
/// module-error sentence with its name otherwise, and an unknown value's
/// number when it has no name.
final class ReturnValueMessagesTests: XCTestCase {
    func testOwnGenericAndUnknownSentences() {
        XCTAssertEqual(ReturnValue.text(ReturnValue.pinIncorrect).pl, "Niepoprawny PIN.")
        XCTAssertEqual(ReturnValue.text(ReturnValue.tokenNotPresent).en, "No card or token in the reader. Insert the card.")
        XCTAssertEqual(ReturnValue.text(0x7).en, "PKCS#11 module error: CKR_ARGUMENTS_BAD.")
        XCTAssertEqual(ReturnValue.text(0x7).pl, "Błąd modułu PKCS#11: CKR_ARGUMENTS_BAD.")
        XCTAssertEqual(ReturnValue.text(0x3FF).en, "Unknown PKCS#11 module error (CKR_UNKNOWN_0x3FF).")
        XCTAssertEqual(ReturnValue.text(0x8000_0042).pl, "Nieznany błąd modułu PKCS#11 (CKR_VENDOR_DEFINED+0x42).")
    }
}
