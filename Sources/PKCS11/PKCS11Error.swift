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
            return ClerkText(
                pl: "Nie znaleziono modułu PKCS#11 \(path). Zainstaluj oprogramowanie karty lub popraw ścieżkę.",
                en: "PKCS#11 module \(path) not found. Install the card's software or correct the path.")
        case .moduleLoadFailed(let path, let reason):
            return ClerkText(
                pl: "Nie można załadować modułu PKCS#11 \(path): \(reason). Sprawdź, czy to właściwy plik i architektura (64-bit).",
                en: "Cannot load PKCS#11 module \(path): \(reason). Check it is the right file and architecture (64-bit).")
        case .tokenNotFound(let what):
            return ClerkText(
                pl: "Nie znaleziono tokenu „\(what)”. Włóż kartę lub sprawdź listę: podpis tokens.",
                en: "Token “\(what)” not found. Insert the card or check the list: podpis tokens.")
        case .objectNotFound(let what):
            return ClerkText(
                pl: "Na tokenie nie ma obiektu „\(what)”. Sprawdź listę: podpis certs.",
                en: "The token has no object “\(what)”. Check the list: podpis certs.")
        case .unsupportedAlgorithm(let what):
            return ClerkText(
                pl: "Ten klucz nie obsługuje podpisu \(what).", en: "This key does not support \(what) signatures.")
        case .pinRequired:
            return ClerkText(pl: "Wymagany PIN, a nie został podany.", en: "A PIN is required but none was given.")
        }
    }

    private var wrongPINText: ClerkText {
        if let triesLeft {
            if triesLeft == 0 { return ReturnValue.text(ReturnValue.pinLocked) }
            if triesLeft == 1 {
                return ClerkText(
                    pl: "Niepoprawny PIN. Została OSTATNIA próba: kolejny błąd zablokuje kartę.",
                    en: "Incorrect PIN. ONE try left: another mistake will lock the card.")
            }
            return ClerkText(
                pl: "Niepoprawny PIN. Pozostało prób: \(triesLeft).",
                en: "Incorrect PIN. Tries left: \(triesLeft).")
        }
        switch pinStatus {
        case .finalTry?:
            return ClerkText(
                pl: "Niepoprawny PIN. Została OSTATNIA próba: kolejny błąd zablokuje kartę.",
                en: "Incorrect PIN. ONE try left: another mistake will lock the card.")
        case .locked?:
            return ReturnValue.text(ReturnValue.pinLocked)
        case .countLow?:
            return ClerkText(
                pl: "Niepoprawny PIN. Token zgłasza, że zostało niewiele prób.",
                en: "Incorrect PIN. The token reports that few tries are left.")
        default:
            return ReturnValue.text(ReturnValue.pinIncorrect)
        }
    }

    public var description: String { "\(message) [\(name) w \(function)]" }
}
