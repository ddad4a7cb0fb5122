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
        SealError("too-large", ClerkText(
            pl: "Dokument ma \(size) B, więcej niż max_document_mib (\(limit >> 20) MiB).",
            en: "The document has \(size) bytes, more than max_document_mib (\(limit >> 20) MiB)."))
    }

    static func nameReused(_ name: String) -> SealError {
        SealError("name-reused", ClerkText(
            pl: "„\(name)” zapieczętowano już z inną treścią; wynik nie zostanie nadpisany — zmień nazwę dokumentu.",
            en: "“\(name)” was already sealed with other content; the output is never overwritten — rename the document."))
    }

    static func tokenLost(_ detail: String, generation: Int) -> SealError {
        var error = SealError("token-absent", ClerkText(
            pl: "Token z pieczęcią zniknął (\(detail)); partia wstrzymana do jego powrotu.",
            en: "The seal's token went away (\(detail)); the batch is paused until it is back."))
        error.generation = generation
        return error
    }

    static func pinRejected(_ error: PKCS11Error) -> SealError {
        SealError("seal-pin-rejected", ClerkText(
            pl: "Token odrzucił PIN pieczęci przy ponownym logowaniu (\(error.description)); nie będzie on ponawiany, żeby nie zablokować tokenu. Popraw źródło PIN-u profilu i uruchom ponownie podpisd; partia czeka.",
            en: "The token rejected the seal PIN when logging in again (\(error.description)); it is not retried, so as not to lock the token. Fix the profile's PIN source and restart podpisd; the batch waits."))
    }

    static func certificateNotFound(_ id: String) -> SealError {
        SealError("certificate-not-found", ClerkText(
            pl: "Nie ma certyfikatu pieczęci \(id) z kluczem prywatnym na żadnym tokenie (podpis certs).",
            en: "No seal certificate \(id) with a private key on any token (podpis certs)."))
    }

    static func pinUnavailable(_ detail: String) -> SealError {
        SealError("pin-unavailable", ClerkText(
            pl: "Brak PIN-u pieczęci: \(detail).",
            en: "No seal PIN: \(detail)."))
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
    /// fail the document. A key or object handle gone (category token-gone
    /// too) fails the document: reopening would not bring the key back.
    var isTokenLoss: Bool {
        guard let returnValue else { return false }
        if returnValue == ReturnValue.keyHandleInvalid || returnValue == ReturnValue.objectHandleInvalid { return false }
        return category == .tokenGone || returnValue == ReturnValue.userNotLoggedIn || returnValue == ReturnValue.deviceError
    }
}
