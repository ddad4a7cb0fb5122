import Localization

/// A failure in the PKCS#11 layer: a module that does not load, or a `CKR_*`
/// code from a module, named, with a stable code and a sentence for the clerk.
public struct PKCS11Error: ClerkReadableError, Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// A `CKR_*` return value from the module.
        case returnValue(UInt)
        /// The module file does not exist.
        case moduleNotFound(path: String)
        /// The module file exists but cannot be loaded as a PKCS#11 module.
        case moduleLoadFailed(path: String, reason: String)
        /// No token with that label, serial or URI.
        case tokenNotFound(String)
        /// No object with that id on the token.
        case objectNotFound(String)
        /// The key cannot make this kind of signature.
        case unsupportedAlgorithm(String)
        /// The login needs a PIN and none was given.
        case pinRequired
    }

    public let kind: Kind
    /// The PKCS#11 function that failed, e.g. `C_Login`.
    public let function: String
    /// After a wrong PIN: what the token says of the PIN now.
    public var pinStatus: PINStatus?
    /// After a wrong PIN: the exact tries left, when the card tells them.
    public var triesLeft: Int?

    public init(_ kind: Kind, function: String, pinStatus: PINStatus? = nil, triesLeft: Int? = nil) {
        self.kind = kind
        self.function = function
        self.pinStatus = pinStatus
        self.triesLeft = triesLeft
    }

    public init(rv: UInt, function: String) { self.init(.returnValue(rv), function: function) }

    /// The `CKR_*` value, when the error came from a module.
    public var returnValue: UInt? {
        if case .returnValue(let rv) = kind { return rv }
        return nil
    }

    /// What the error means for the clerk: a PIN problem, the token gone, …
    public var category: TokenErrorCategory {
        switch kind {
        case .returnValue(let rv): return ReturnValue.category(rv)
        case .pinRequired: return .pin
        case .tokenNotFound: return .tokenGone
        case .objectNotFound, .unsupportedAlgorithm: return .usage
        case .moduleNotFound, .moduleLoadFailed: return .other
        }
    }

    /// The symbolic name, e.g. `CKR_PIN_INCORRECT`.
    public var name: String {
        switch kind {
        case .returnValue(let rv): return ReturnValue.name(rv)
        case .moduleNotFound: return "MODULE_NOT_FOUND"
        case .moduleLoadFailed: return "MODULE_LOAD_FAILED"
        case .tokenNotFound: return "TOKEN_NOT_FOUND"
        case .objectNotFound: return "OBJECT_NOT_FOUND"
        case .unsupportedAlgorithm: return "UNSUPPORTED_ALGORITHM"
        case .pinRequired: return "PIN_REQUIRED"
        }
    }

    /// A stable code for programs and the protocol, e.g. `pin-incorrect`.
    public var code: String {
        switch kind {
        case .returnValue(let rv): return ReturnValue.code(rv)
        case .moduleNotFound: return "module-not-found"
        case .moduleLoadFailed: return "module-load-failed"
        case .tokenNotFound: return "token-not-found"
        case .objectNotFound: return "object-not-found"
        case .unsupportedAlgorithm: return "unsupported-algorithm"
        case .pinRequired: return "pin-required"
        }
    }

    /// What happened and what to do, in Polish and English.
    public var message: ClerkText {
        switch kind {
        case .returnValue(let rv):
            if rv == ReturnValue.pinIncorrect { return wrongPINText }
            return ReturnValue.text(rv)
        case .moduleNotFound(let path):
            return messages.text("module-not-found", ["path": path])
        case .moduleLoadFailed(let path, let reason):
            return messages.text("module-load-failed", ["path": path, "reason": reason])
        case .tokenNotFound(let what):
            return messages.text("token-not-found", ["what": what])
        case .objectNotFound(let what):
            return messages.text("object-not-found", ["what": what])
        case .unsupportedAlgorithm(let what):
            return messages.text("unsupported-algorithm", ["what": what])
        case .pinRequired:
            return messages.text("pin-required")
        }
    }

    private var wrongPINText: ClerkText {
        if let triesLeft {
            if triesLeft == 0 { return ReturnValue.text(ReturnValue.pinLocked) }
            if triesLeft == 1 { return messages.text("pin-incorrect-final-try") }
            return messages.text("pin-incorrect-tries-left", ["triesLeft": triesLeft])
        }
        switch pinStatus {
        case .finalTry?:
            return messages.text("pin-incorrect-final-try")
        case .locked?:
            return ReturnValue.text(ReturnValue.pinLocked)
        case .countLow?:
            return messages.text("pin-incorrect-count-low")
        default:
            return ReturnValue.text(ReturnValue.pinIncorrect)
        }
    }

    public var description: String { "\(message) [\(name) w \(function)]" }
}
