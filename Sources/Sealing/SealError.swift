import Localization
import PKCS11

/// Why a document, or the whole seal, failed: a stable code and what to do.
public struct SealError: ClerkReadableError, Sendable {
    public let code: String
    public let message: ClerkText
    /// For token-absent: which opening of the key failed (see ``SealKey/recover(after:retryEvery:)``).
    var generation: Int?

    public init(_ code: String, _ message: ClerkText) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message.en)" }

    static func tooLarge(_ size: Int, limit: Int) -> SealError {
        SealError("too-large", messages.text("too-large", ["size": size, "mib": limit >> 20]))
    }

    /// A name already sealed with other content (the output is never overwritten).
    public static func nameReused(_ name: String) -> SealError {
        SealError("name-reused", messages.text("name-reused", ["name": name]))
    }

    static func tokenLost(_ detail: String, generation: Int) -> SealError {
        var error = SealError("token-absent", messages.text("token-lost", ["detail": detail]))
        error.generation = generation
        return error
    }

    static func pinRejected(_ error: PKCS11Error) -> SealError {
        SealError("seal-pin-rejected", messages.text("pin-rejected", ["description": error.description]))
    }

    static func certificateNotFound(_ id: String) -> SealError {
        SealError("certificate-not-found", messages.text("certificate-not-found", ["id": id]))
    }

    static func pinUnavailable(_ detail: String) -> SealError {
        SealError("pin-unavailable", messages.text("pin-unavailable", ["detail": detail]))
    }
}

extension PKCS11Error {
    /// Errors a module may give when its device went away mid-call
    /// (CKR_GENERAL_ERROR, CKR_FUNCTION_FAILED, CKR_DEVICE_MEMORY): a loss
    /// only if the token is found gone.
    var mayBeTokenLoss: Bool {
        [ReturnValue.generalError, ReturnValue.functionFailed, ReturnValue.deviceMemory].contains(returnValue)
    }

    /// The token said no to the PIN itself (wrong, invalid, expired, locked).
    var isPINRejection: Bool { returnValue != nil && category == .pin }

    /// The token or its login is gone: wait for it and log in again, do not
    /// fail the document.
    var isTokenLoss: Bool {
        guard let returnValue else { return false }
        if isHandleLoss { return false }
        return category == .tokenGone || returnValue == ReturnValue.userNotLoggedIn || returnValue == ReturnValue.deviceError
    }

    /// The key's handle is no longer valid (its session lost its login, or
    /// the token was reloaded, as a logout elsewhere in the process does to
    /// SoftHSM): the key is found again by reopening it once; a key deleted
    /// from the token fails the document with this code.
    var isHandleLoss: Bool {
        returnValue == ReturnValue.keyHandleInvalid || returnValue == ReturnValue.objectHandleInvalid
    }
}
