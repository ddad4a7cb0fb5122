import Localization
import PKCS11
import XCTest

/// Every `CKR_*` the station acts on is named once, with its stable code and
/// category, and `PKCS11Error` reads as a `ClerkReadableError`.
final class ReturnValueClassificationTests: XCTestCase {
    /// rv → (name, code, category), written out here so that a change to the table is a conscious one.
    let expected: [(UInt, String, String, TokenErrorCategory)] = [
        (ReturnValue.pinIncorrect, "CKR_PIN_INCORRECT", "pin-incorrect", .pin),
        (ReturnValue.pinInvalid, "CKR_PIN_INVALID", "pin-invalid", .pin),
        (ReturnValue.pinLenRange, "CKR_PIN_LEN_RANGE", "pin-len-range", .pin),
        (ReturnValue.pinExpired, "CKR_PIN_EXPIRED", "pin-expired", .pin),
        (ReturnValue.pinLocked, "CKR_PIN_LOCKED", "pin-locked", .pin),
        (ReturnValue.userPINNotInitialized, "CKR_USER_PIN_NOT_INITIALIZED", "user-pin-not-initialized", .pin),
        (ReturnValue.pinTooWeak, "CKR_PIN_TOO_WEAK", "pin-too-weak", .pin),
        (ReturnValue.deviceRemoved, "CKR_DEVICE_REMOVED", "device-removed", .tokenGone),
        (ReturnValue.tokenNotPresent, "CKR_TOKEN_NOT_PRESENT", "token-not-present", .tokenGone),
        (ReturnValue.slotIDInvalid, "CKR_SLOT_ID_INVALID", "slot-id-invalid", .tokenGone),
        (ReturnValue.sessionClosed, "CKR_SESSION_CLOSED", "session-closed", .tokenGone),
        (ReturnValue.sessionHandleInvalid, "CKR_SESSION_HANDLE_INVALID", "session-handle-invalid", .tokenGone),
        (ReturnValue.keyHandleInvalid, "CKR_KEY_HANDLE_INVALID", "key-handle-invalid", .tokenGone),
        (ReturnValue.objectHandleInvalid, "CKR_OBJECT_HANDLE_INVALID", "object-handle-invalid", .tokenGone),
        (ReturnValue.deviceError, "CKR_DEVICE_ERROR", "device-error", .device),
        (ReturnValue.deviceMemory, "CKR_DEVICE_MEMORY", "device-memory", .device),
        (ReturnValue.generalError, "CKR_GENERAL_ERROR", "general-error", .device),
        (ReturnValue.functionFailed, "CKR_FUNCTION_FAILED", "function-failed", .device),
        (ReturnValue.tokenNotRecognized, "CKR_TOKEN_NOT_RECOGNIZED", "token-not-recognized", .device),
        (ReturnValue.hostMemory, "CKR_HOST_MEMORY", "host-memory", .device),
        (ReturnValue.keyFunctionNotPermitted, "CKR_KEY_FUNCTION_NOT_PERMITTED", "key-function-not-permitted", .usage),
        (ReturnValue.keyTypeInconsistent, "CKR_KEY_TYPE_INCONSISTENT", "key-type-inconsistent", .usage),
        (ReturnValue.keySizeRange, "CKR_KEY_SIZE_RANGE", "key-size-range", .usage),
        (ReturnValue.mechanismInvalid, "CKR_MECHANISM_INVALID", "mechanism-invalid", .usage),
        (ReturnValue.mechanismParamInvalid, "CKR_MECHANISM_PARAM_INVALID", "mechanism-param-invalid", .usage),
        (ReturnValue.functionNotSupported, "CKR_FUNCTION_NOT_SUPPORTED", "function-not-supported", .usage),
        (ReturnValue.attributeSensitive, "CKR_ATTRIBUTE_SENSITIVE", "attribute-sensitive", .usage),
        (ReturnValue.attributeTypeInvalid, "CKR_ATTRIBUTE_TYPE_INVALID", "attribute-type-invalid", .usage),
        (ReturnValue.dataLenRange, "CKR_DATA_LEN_RANGE", "data-len-range", .usage),
        (ReturnValue.curveNotSupported, "CKR_CURVE_NOT_SUPPORTED", "curve-not-supported", .usage),
        (ReturnValue.cancel, "CKR_CANCEL", "cancel", .cancelled),
        (ReturnValue.functionCanceled, "CKR_FUNCTION_CANCELED", "function-canceled", .cancelled),
        (ReturnValue.userNotLoggedIn, "CKR_USER_NOT_LOGGED_IN", "user-not-logged-in", .other),
        (ReturnValue.bufferTooSmall, "CKR_BUFFER_TOO_SMALL", "buffer-too-small", .other),
    ]

    func testEveryNamedValueHasItsNameCodeAndCategory() {
        for (rv, name, code, category) in expected {
            XCTAssertEqual(ReturnValue.name(rv), name)
            XCTAssertEqual(ReturnValue.code(rv), code, name)
            XCTAssertEqual(ReturnValue.category(rv), category, name)
            let error = PKCS11Error(rv: rv, function: "C_Sign")
            XCTAssertEqual(error.code, code, name)
            XCTAssertEqual(error.category, category, name)
        }
        XCTAssertEqual(Set(expected.map(\.3)), Set(TokenErrorCategory.allCases), "every category is used")
    }

    func testAnExpiredPINIsAPINProblem() {
        let error = PKCS11Error(rv: 0xA3, function: "C_Login")
        XCTAssertEqual(error.category, .pin)
        XCTAssertEqual(error.code, "pin-expired")
        XCTAssertTrue(error.message.en.contains("expired"), error.message.en)
    }

    func testUnknownAndVendorValuesAreOther() {
        XCTAssertEqual(ReturnValue.category(0x8000_0042), .other)
        XCTAssertEqual(ReturnValue.code(0x8000_0042), "vendor-defined")
        XCTAssertEqual(ReturnValue.category(0x3FF), .other)
        XCTAssertEqual(ReturnValue.code(0x3FF), "unknown")
    }

    func testErrorsBesideReturnValuesHaveCategoriesToo() {
        XCTAssertEqual(PKCS11Error(.pinRequired, function: "C_Login").category, .pin)
        XCTAssertEqual(PKCS11Error(.tokenNotFound("x"), function: "C_GetSlotList").category, .tokenGone)
        XCTAssertEqual(PKCS11Error(.objectNotFound("x"), function: "C_FindObjects").category, .usage)
        XCTAssertEqual(PKCS11Error(.moduleNotFound(path: "/x.so"), function: "dlopen").category, .other)
    }

    /// A PKCS#11 error is a clerk-readable error: generic code (e.g. the sealer's) sees its code and sentence.
    func testAPKCS11ErrorIsClerkReadable() throws {
        let error: any Error = PKCS11Error(rv: ReturnValue.pinLocked, function: "C_Login")
        let readable = try XCTUnwrap(error as? any ClerkReadableError)
        XCTAssertEqual(readable.code, "pin-locked")
        XCTAssertTrue(readable.message.pl.contains("PUK"), readable.message.pl)
        XCTAssertTrue(readable.message.en.contains("PUK"), readable.message.en)
    }
}
