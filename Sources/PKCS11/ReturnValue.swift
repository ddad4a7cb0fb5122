import Localization

/// What a `CKR_*` value means for the clerk, decided once here: the CLI's
/// exit codes, podpisd's HTTP statuses and the sealer's pause all start from it.
public enum TokenErrorCategory: String, Sendable, Hashable, CaseIterable {
    /// The PIN itself: incorrect, invalid, wrong length, expired, locked, not set.
    case pin
    /// The token, its slot or its session went away (card pulled, reader unplugged).
    case tokenGone = "token-gone"
    /// The card, reader, HSM or module failed while working.
    case device
    /// The key, mechanism or attribute cannot do what was asked.
    case usage
    /// Cancelled (on the reader's keypad).
    case cancelled
    /// Anything else: a program error or an unexpected module answer.
    case other
}

/// Names, stable codes, categories and clerk-readable sentences for every `CKR_*` value.
public enum ReturnValue {
    public static let ok: UInt = 0x0
    public static let cancel: UInt = 0x1
    public static let hostMemory: UInt = 0x2
    public static let slotIDInvalid: UInt = 0x03
    public static let generalError: UInt = 0x05
    public static let functionFailed: UInt = 0x06
    public static let attributeSensitive: UInt = 0x11
    public static let attributeTypeInvalid: UInt = 0x12
    public static let dataLenRange: UInt = 0x21
    public static let deviceError: UInt = 0x30
    public static let deviceMemory: UInt = 0x31
    public static let deviceRemoved: UInt = 0x32
    public static let functionCanceled: UInt = 0x50
    public static let functionNotSupported: UInt = 0x54
    public static let keyHandleInvalid: UInt = 0x60
    public static let keySizeRange: UInt = 0x62
    public static let keyTypeInconsistent: UInt = 0x63
    public static let keyFunctionNotPermitted: UInt = 0x68
    public static let mechanismInvalid: UInt = 0x70
    public static let mechanismParamInvalid: UInt = 0x71
    public static let objectHandleInvalid: UInt = 0x82
    public static let pinIncorrect: UInt = 0xA0
    public static let pinInvalid: UInt = 0xA1
    public static let pinLenRange: UInt = 0xA2
    public static let pinExpired: UInt = 0xA3
    public static let pinLocked: UInt = 0xA4
    public static let sessionClosed: UInt = 0xB0
    public static let sessionHandleInvalid: UInt = 0xB3
    public static let tokenNotPresent: UInt = 0xE0
    public static let tokenNotRecognized: UInt = 0xE1
    public static let userAlreadyLoggedIn: UInt = 0x100
    public static let userNotLoggedIn: UInt = 0x101
    public static let userPINNotInitialized: UInt = 0x102
    public static let curveNotSupported: UInt = 0x140
    public static let bufferTooSmall: UInt = 0x150
    public static let cryptokiAlreadyInitialized: UInt = 0x191
    public static let pinTooWeak: UInt = 0x1B8

    /// The category of each value the station acts on; every other value is `.other`.
    static let categories: [UInt: TokenErrorCategory] = [
        pinIncorrect: .pin, pinInvalid: .pin, pinLenRange: .pin, pinExpired: .pin, pinLocked: .pin,
        userPINNotInitialized: .pin, pinTooWeak: .pin,
        deviceRemoved: .tokenGone, tokenNotPresent: .tokenGone, slotIDInvalid: .tokenGone,
        sessionClosed: .tokenGone, sessionHandleInvalid: .tokenGone,
        keyHandleInvalid: .tokenGone, objectHandleInvalid: .tokenGone,
        deviceError: .device, deviceMemory: .device, generalError: .device, functionFailed: .device,
        tokenNotRecognized: .device, hostMemory: .device,
        keyFunctionNotPermitted: .usage, keyTypeInconsistent: .usage, keySizeRange: .usage,
        mechanismInvalid: .usage, mechanismParamInvalid: .usage, functionNotSupported: .usage,
        attributeSensitive: .usage, attributeTypeInvalid: .usage, dataLenRange: .usage, curveNotSupported: .usage,
        cancel: .cancelled, functionCanceled: .cancelled,
    ]

    /// What the value means for the clerk (see ``TokenErrorCategory``).
    public static func category(_ rv: UInt) -> TokenErrorCategory { categories[rv] ?? .other }

    /// The symbolic name, e.g. `CKR_PIN_INCORRECT`; vendor codes as `CKR_VENDOR_DEFINED+0x…`.
    public static func name(_ rv: UInt) -> String {
        if let entry = table[rv] { return entry.0 }
        if rv >= 0x8000_0000 { return "CKR_VENDOR_DEFINED+0x" + String(rv - 0x8000_0000, radix: 16, uppercase: true) }
        return "CKR_UNKNOWN_0x" + String(rv, radix: 16, uppercase: true)
    }

    /// A stable lower-case code, e.g. `pin-incorrect`.
    public static func code(_ rv: UInt) -> String { table[rv]?.1 ?? (rv >= 0x8000_0000 ? "vendor-defined" : "unknown") }

    /// What it means for the clerk, in Polish and English.
    public static func text(_ rv: UInt) -> ClerkText {
        table[rv]?.2 ?? ClerkText(pl: "Nieznany błąd modułu PKCS#11 (\(name(rv))).", en: "Unknown PKCS#11 module error (\(name(rv))).")
    }

    static let table: [UInt: (String, String, ClerkText)] = [
        0x0: ("CKR_OK", "ok", ClerkText(pl: "Błąd modułu PKCS#11: CKR_OK.", en: "PKCS#11 module error: CKR_OK.")),
        0x1: ("CKR_CANCEL", "cancel", ClerkText(pl: "Operację anulowano.", en: "The operation was cancelled.")),
        0x2: ("CKR_HOST_MEMORY", "host-memory", ClerkText(pl: "Brak pamięci w komputerze.", en: "The computer is out of memory.")),
        0x3: ("CKR_SLOT_ID_INVALID", "slot-id-invalid", ClerkText(pl: "Gniazdo tokenu zniknęło (czytnik odłączono?).", en: "The token's slot is gone (was the reader unplugged?).")),
        0x5: ("CKR_GENERAL_ERROR", "general-error", ClerkText(pl: "Ogólny błąd modułu PKCS#11. Uruchom: podpis doctor.", en: "General PKCS#11 module error. Run: podpis doctor.")),
        0x6: ("CKR_FUNCTION_FAILED", "function-failed", ClerkText(pl: "Operacja w module PKCS#11 nie powiodła się.", en: "The PKCS#11 module operation failed.")),
        0x7: ("CKR_ARGUMENTS_BAD", "arguments-bad", ClerkText(pl: "Błąd modułu PKCS#11: CKR_ARGUMENTS_BAD.", en: "PKCS#11 module error: CKR_ARGUMENTS_BAD.")),
        0x8: ("CKR_NO_EVENT", "no-event", ClerkText(pl: "Błąd modułu PKCS#11: CKR_NO_EVENT.", en: "PKCS#11 module error: CKR_NO_EVENT.")),
        0x9: ("CKR_NEED_TO_CREATE_THREADS", "need-to-create-threads", ClerkText(pl: "Błąd modułu PKCS#11: CKR_NEED_TO_CREATE_THREADS.", en: "PKCS#11 module error: CKR_NEED_TO_CREATE_THREADS.")),
        0xa: ("CKR_CANT_LOCK", "cant-lock", ClerkText(pl: "Błąd modułu PKCS#11: CKR_CANT_LOCK.", en: "PKCS#11 module error: CKR_CANT_LOCK.")),
        0x10: ("CKR_ATTRIBUTE_READ_ONLY", "attribute-read-only", ClerkText(pl: "Błąd modułu PKCS#11: CKR_ATTRIBUTE_READ_ONLY.", en: "PKCS#11 module error: CKR_ATTRIBUTE_READ_ONLY.")),
        0x11: ("CKR_ATTRIBUTE_SENSITIVE", "attribute-sensitive", ClerkText(pl: "Token nie ujawnia tej danej klucza (chroniona).", en: "The token does not reveal this key attribute (it is protected).")),
        0x12: ("CKR_ATTRIBUTE_TYPE_INVALID", "attribute-type-invalid", ClerkText(pl: "Token nie zna tej cechy obiektu (starszy moduł PKCS#11?).", en: "The token does not know this object attribute (an older PKCS#11 module?).")),
        0x13: ("CKR_ATTRIBUTE_VALUE_INVALID", "attribute-value-invalid", ClerkText(pl: "Błąd modułu PKCS#11: CKR_ATTRIBUTE_VALUE_INVALID.", en: "PKCS#11 module error: CKR_ATTRIBUTE_VALUE_INVALID.")),
        0x1b: ("CKR_ACTION_PROHIBITED", "action-prohibited", ClerkText(pl: "Błąd modułu PKCS#11: CKR_ACTION_PROHIBITED.", en: "PKCS#11 module error: CKR_ACTION_PROHIBITED.")),
        0x20: ("CKR_DATA_INVALID", "data-invalid", ClerkText(pl: "Błąd modułu PKCS#11: CKR_DATA_INVALID.", en: "PKCS#11 module error: CKR_DATA_INVALID.")),
        0x21: ("CKR_DATA_LEN_RANGE", "data-len-range", ClerkText(pl: "Dane do podpisu mają niewłaściwą długość dla tego klucza.", en: "The data to sign has the wrong length for this key.")),
        0x30: ("CKR_DEVICE_ERROR", "device-error", ClerkText(pl: "Błąd urządzenia (karty, czytnika lub HSM). Wyjmij i włóż kartę, a jeśli to nie pomoże, uruchom: podpis doctor.", en: "Device error (card, reader or HSM). Reinsert the card; if that does not help, run: podpis doctor.")),
        0x31: ("CKR_DEVICE_MEMORY", "device-memory", ClerkText(pl: "Brak pamięci na karcie.", en: "The card is out of memory.")),
        0x32: ("CKR_DEVICE_REMOVED", "device-removed", ClerkText(pl: "Kartę lub token odłączono w trakcie operacji. Podłącz i spróbuj ponownie.", en: "The card or token was removed during the operation. Reinsert it and try again.")),
        0x40: ("CKR_ENCRYPTED_DATA_INVALID", "encrypted-data-invalid", ClerkText(pl: "Błąd modułu PKCS#11: CKR_ENCRYPTED_DATA_INVALID.", en: "PKCS#11 module error: CKR_ENCRYPTED_DATA_INVALID.")),
        0x41: ("CKR_ENCRYPTED_DATA_LEN_RANGE", "encrypted-data-len-range", ClerkText(pl: "Błąd modułu PKCS#11: CKR_ENCRYPTED_DATA_LEN_RANGE.", en: "PKCS#11 module error: CKR_ENCRYPTED_DATA_LEN_RANGE.")),
        0x50: ("CKR_FUNCTION_CANCELED", "function-canceled", ClerkText(pl: "Operację anulowano (np. na klawiaturze czytnika).", en: "The operation was cancelled (e.g. on the reader's keypad).")),
        0x51: ("CKR_FUNCTION_NOT_PARALLEL", "function-not-parallel", ClerkText(pl: "Błąd modułu PKCS#11: CKR_FUNCTION_NOT_PARALLEL.", en: "PKCS#11 module error: CKR_FUNCTION_NOT_PARALLEL.")),
        0x54: ("CKR_FUNCTION_NOT_SUPPORTED", "function-not-supported", ClerkText(pl: "Moduł PKCS#11 tej karty nie obsługuje tej operacji. Sprawdź, czy używasz modułu od wydawcy karty (podpis doctor).", en: "This card's PKCS#11 module does not support the operation. Check you use the module from the card's issuer (podpis doctor).")),
        0x60: ("CKR_KEY_HANDLE_INVALID", "key-handle-invalid", ClerkText(pl: "Klucz na tokenie zniknął: usunięto go albo token zmieniono lub odłączono. Sprawdź listę: podpis certs.", en: "The key on the token is gone: it was deleted, or the token was changed or removed. Check the list: podpis certs.")),
        0x62: ("CKR_KEY_SIZE_RANGE", "key-size-range", ClerkText(pl: "Token nie obsługuje klucza tej długości. Wybierz inny certyfikat (podpis certs).", en: "The token does not support a key of this size. Choose another certificate (podpis certs).")),
        0x63: ("CKR_KEY_TYPE_INCONSISTENT", "key-type-inconsistent", ClerkText(pl: "Klucz na tokenie nie pasuje do wybranego algorytmu podpisu. Wybierz inny certyfikat (podpis certs).", en: "The key on the token does not fit the chosen signature algorithm. Choose another certificate (podpis certs).")),
        0x64: ("CKR_KEY_NOT_NEEDED", "key-not-needed", ClerkText(pl: "Błąd modułu PKCS#11: CKR_KEY_NOT_NEEDED.", en: "PKCS#11 module error: CKR_KEY_NOT_NEEDED.")),
        0x65: ("CKR_KEY_CHANGED", "key-changed", ClerkText(pl: "Błąd modułu PKCS#11: CKR_KEY_CHANGED.", en: "PKCS#11 module error: CKR_KEY_CHANGED.")),
        0x66: ("CKR_KEY_NEEDED", "key-needed", ClerkText(pl: "Błąd modułu PKCS#11: CKR_KEY_NEEDED.", en: "PKCS#11 module error: CKR_KEY_NEEDED.")),
        0x67: ("CKR_KEY_INDIGESTIBLE", "key-indigestible", ClerkText(pl: "Błąd modułu PKCS#11: CKR_KEY_INDIGESTIBLE.", en: "PKCS#11 module error: CKR_KEY_INDIGESTIBLE.")),
        0x68: ("CKR_KEY_FUNCTION_NOT_PERMITTED", "key-function-not-permitted", ClerkText(pl: "Token nie pozwala temu kluczowi składać podpisów. Wybierz inny certyfikat (podpis certs) albo zgłoś to wydawcy karty.", en: "The token does not allow this key to sign. Choose another certificate (podpis certs) or tell the card issuer.")),
        0x69: ("CKR_KEY_NOT_WRAPPABLE", "key-not-wrappable", ClerkText(pl: "Błąd modułu PKCS#11: CKR_KEY_NOT_WRAPPABLE.", en: "PKCS#11 module error: CKR_KEY_NOT_WRAPPABLE.")),
        0x6a: ("CKR_KEY_UNEXTRACTABLE", "key-unextractable", ClerkText(pl: "Błąd modułu PKCS#11: CKR_KEY_UNEXTRACTABLE.", en: "PKCS#11 module error: CKR_KEY_UNEXTRACTABLE.")),
        0x70: ("CKR_MECHANISM_INVALID", "mechanism-invalid", ClerkText(pl: "Karta nie obsługuje tego algorytmu podpisu.", en: "The card does not support this signature algorithm.")),
        0x71: ("CKR_MECHANISM_PARAM_INVALID", "mechanism-param-invalid", ClerkText(pl: "Karta odrzuciła parametry algorytmu podpisu. Wybierz inny skrót lub certyfikat.", en: "The card refused the signature algorithm parameters. Choose another digest or certificate.")),
        0x82: ("CKR_OBJECT_HANDLE_INVALID", "object-handle-invalid", ClerkText(pl: "Obiekt na tokenie (klucz lub certyfikat) zniknął: usunięto go albo token zmieniono lub odłączono. Sprawdź listę: podpis certs.", en: "The object on the token (key or certificate) is gone: it was deleted, or the token was changed or removed. Check the list: podpis certs.")),
        0x90: ("CKR_OPERATION_ACTIVE", "operation-active", ClerkText(pl: "Błąd modułu PKCS#11: CKR_OPERATION_ACTIVE.", en: "PKCS#11 module error: CKR_OPERATION_ACTIVE.")),
        0x91: ("CKR_OPERATION_NOT_INITIALIZED", "operation-not-initialized", ClerkText(pl: "Błąd modułu PKCS#11: CKR_OPERATION_NOT_INITIALIZED.", en: "PKCS#11 module error: CKR_OPERATION_NOT_INITIALIZED.")),
        0xa0: ("CKR_PIN_INCORRECT", "pin-incorrect", ClerkText(pl: "Niepoprawny PIN.", en: "Incorrect PIN.")),
        0xa1: ("CKR_PIN_INVALID", "pin-invalid", ClerkText(pl: "PIN zawiera niedozwolone znaki.", en: "The PIN contains characters that are not allowed.")),
        0xa2: ("CKR_PIN_LEN_RANGE", "pin-len-range", ClerkText(pl: "PIN ma niewłaściwą długość.", en: "The PIN has the wrong length.")),
        0xa3: ("CKR_PIN_EXPIRED", "pin-expired", ClerkText(pl: "PIN wygasł. Zmień PIN w oprogramowaniu wydawcy karty.", en: "The PIN has expired. Change it in the card issuer's software.")),
        0xa4: ("CKR_PIN_LOCKED", "pin-locked", ClerkText(pl: "Karta zablokowana: PIN wpisano błędnie zbyt wiele razy. Odblokuj PIN kodem PUK w oprogramowaniu wydawcy karty.", en: "Card locked: the PIN was entered wrongly too many times. Unblock the PIN with the PUK in the card issuer's software.")),
        0xb0: ("CKR_SESSION_CLOSED", "session-closed", ClerkText(pl: "Sesja z tokenem została zamknięta. Spróbuj ponownie.", en: "The token session was closed. Try again.")),
        0xb1: ("CKR_SESSION_COUNT", "session-count", ClerkText(pl: "Token ma otwartych zbyt wiele sesji. Zamknij inne programy do podpisu.", en: "The token has too many open sessions. Close other signing software.")),
        0xb3: ("CKR_SESSION_HANDLE_INVALID", "session-handle-invalid", ClerkText(pl: "Sesja z tokenem wygasła (token odłączono?). Spróbuj ponownie.", en: "The token session expired (was it removed?). Try again.")),
        0xb4: ("CKR_SESSION_PARALLEL_NOT_SUPPORTED", "session-parallel-not-supported", ClerkText(pl: "Błąd modułu PKCS#11: CKR_SESSION_PARALLEL_NOT_SUPPORTED.", en: "PKCS#11 module error: CKR_SESSION_PARALLEL_NOT_SUPPORTED.")),
        0xb5: ("CKR_SESSION_READ_ONLY", "session-read-only", ClerkText(pl: "Błąd modułu PKCS#11: CKR_SESSION_READ_ONLY.", en: "PKCS#11 module error: CKR_SESSION_READ_ONLY.")),
        0xb6: ("CKR_SESSION_EXISTS", "session-exists", ClerkText(pl: "Błąd modułu PKCS#11: CKR_SESSION_EXISTS.", en: "PKCS#11 module error: CKR_SESSION_EXISTS.")),
        0xb7: ("CKR_SESSION_READ_ONLY_EXISTS", "session-read-only-exists", ClerkText(pl: "Błąd modułu PKCS#11: CKR_SESSION_READ_ONLY_EXISTS.", en: "PKCS#11 module error: CKR_SESSION_READ_ONLY_EXISTS.")),
        0xb8: ("CKR_SESSION_READ_WRITE_SO_EXISTS", "session-read-write-so-exists", ClerkText(pl: "Błąd modułu PKCS#11: CKR_SESSION_READ_WRITE_SO_EXISTS.", en: "PKCS#11 module error: CKR_SESSION_READ_WRITE_SO_EXISTS.")),
        0xc0: ("CKR_SIGNATURE_INVALID", "signature-invalid", ClerkText(pl: "Błąd modułu PKCS#11: CKR_SIGNATURE_INVALID.", en: "PKCS#11 module error: CKR_SIGNATURE_INVALID.")),
        0xc1: ("CKR_SIGNATURE_LEN_RANGE", "signature-len-range", ClerkText(pl: "Błąd modułu PKCS#11: CKR_SIGNATURE_LEN_RANGE.", en: "PKCS#11 module error: CKR_SIGNATURE_LEN_RANGE.")),
        0xd0: ("CKR_TEMPLATE_INCOMPLETE", "template-incomplete", ClerkText(pl: "Błąd modułu PKCS#11: CKR_TEMPLATE_INCOMPLETE.", en: "PKCS#11 module error: CKR_TEMPLATE_INCOMPLETE.")),
        0xd1: ("CKR_TEMPLATE_INCONSISTENT", "template-inconsistent", ClerkText(pl: "Błąd modułu PKCS#11: CKR_TEMPLATE_INCONSISTENT.", en: "PKCS#11 module error: CKR_TEMPLATE_INCONSISTENT.")),
        0xe0: ("CKR_TOKEN_NOT_PRESENT", "token-not-present", ClerkText(pl: "Brak karty lub tokenu w czytniku. Włóż kartę.", en: "No card or token in the reader. Insert the card.")),
        0xe1: ("CKR_TOKEN_NOT_RECOGNIZED", "token-not-recognized", ClerkText(pl: "Moduł PKCS#11 nie rozpoznaje tej karty. Sprawdź, czy używasz modułu od wydawcy karty.", en: "The PKCS#11 module does not recognise this card. Check you use the module from the card's issuer.")),
        0xe2: ("CKR_TOKEN_WRITE_PROTECTED", "token-write-protected", ClerkText(pl: "Token jest chroniony przed zapisem.", en: "The token is write-protected.")),
        0xf0: ("CKR_UNWRAPPING_KEY_HANDLE_INVALID", "unwrapping-key-handle-invalid", ClerkText(pl: "Błąd modułu PKCS#11: CKR_UNWRAPPING_KEY_HANDLE_INVALID.", en: "PKCS#11 module error: CKR_UNWRAPPING_KEY_HANDLE_INVALID.")),
        0xf1: ("CKR_UNWRAPPING_KEY_SIZE_RANGE", "unwrapping-key-size-range", ClerkText(pl: "Błąd modułu PKCS#11: CKR_UNWRAPPING_KEY_SIZE_RANGE.", en: "PKCS#11 module error: CKR_UNWRAPPING_KEY_SIZE_RANGE.")),
        0xf2: ("CKR_UNWRAPPING_KEY_TYPE_INCONSISTENT", "unwrapping-key-type-inconsistent", ClerkText(pl: "Błąd modułu PKCS#11: CKR_UNWRAPPING_KEY_TYPE_INCONSISTENT.", en: "PKCS#11 module error: CKR_UNWRAPPING_KEY_TYPE_INCONSISTENT.")),
        0x100: ("CKR_USER_ALREADY_LOGGED_IN", "user-already-logged-in", ClerkText(pl: "Już zalogowano do tokenu.", en: "Already logged in to the token.")),
        0x101: ("CKR_USER_NOT_LOGGED_IN", "user-not-logged-in", ClerkText(pl: "Wymagane zalogowanie PIN-em.", en: "A PIN login is required.")),
        0x102: ("CKR_USER_PIN_NOT_INITIALIZED", "user-pin-not-initialized", ClerkText(pl: "PIN użytkownika nie został ustawiony na tej karcie.", en: "The user PIN has not been set on this card.")),
        0x103: ("CKR_USER_TYPE_INVALID", "user-type-invalid", ClerkText(pl: "Błąd modułu PKCS#11: CKR_USER_TYPE_INVALID.", en: "PKCS#11 module error: CKR_USER_TYPE_INVALID.")),
        0x104: ("CKR_USER_ANOTHER_ALREADY_LOGGED_IN", "user-another-already-logged-in", ClerkText(pl: "Błąd modułu PKCS#11: CKR_USER_ANOTHER_ALREADY_LOGGED_IN.", en: "PKCS#11 module error: CKR_USER_ANOTHER_ALREADY_LOGGED_IN.")),
        0x105: ("CKR_USER_TOO_MANY_TYPES", "user-too-many-types", ClerkText(pl: "Błąd modułu PKCS#11: CKR_USER_TOO_MANY_TYPES.", en: "PKCS#11 module error: CKR_USER_TOO_MANY_TYPES.")),
        0x110: ("CKR_WRAPPED_KEY_INVALID", "wrapped-key-invalid", ClerkText(pl: "Błąd modułu PKCS#11: CKR_WRAPPED_KEY_INVALID.", en: "PKCS#11 module error: CKR_WRAPPED_KEY_INVALID.")),
        0x112: ("CKR_WRAPPED_KEY_LEN_RANGE", "wrapped-key-len-range", ClerkText(pl: "Błąd modułu PKCS#11: CKR_WRAPPED_KEY_LEN_RANGE.", en: "PKCS#11 module error: CKR_WRAPPED_KEY_LEN_RANGE.")),
        0x113: ("CKR_WRAPPING_KEY_HANDLE_INVALID", "wrapping-key-handle-invalid", ClerkText(pl: "Błąd modułu PKCS#11: CKR_WRAPPING_KEY_HANDLE_INVALID.", en: "PKCS#11 module error: CKR_WRAPPING_KEY_HANDLE_INVALID.")),
        0x114: ("CKR_WRAPPING_KEY_SIZE_RANGE", "wrapping-key-size-range", ClerkText(pl: "Błąd modułu PKCS#11: CKR_WRAPPING_KEY_SIZE_RANGE.", en: "PKCS#11 module error: CKR_WRAPPING_KEY_SIZE_RANGE.")),
        0x115: ("CKR_WRAPPING_KEY_TYPE_INCONSISTENT", "wrapping-key-type-inconsistent", ClerkText(pl: "Błąd modułu PKCS#11: CKR_WRAPPING_KEY_TYPE_INCONSISTENT.", en: "PKCS#11 module error: CKR_WRAPPING_KEY_TYPE_INCONSISTENT.")),
        0x120: ("CKR_RANDOM_SEED_NOT_SUPPORTED", "random-seed-not-supported", ClerkText(pl: "Błąd modułu PKCS#11: CKR_RANDOM_SEED_NOT_SUPPORTED.", en: "PKCS#11 module error: CKR_RANDOM_SEED_NOT_SUPPORTED.")),
        0x121: ("CKR_RANDOM_NO_RNG", "random-no-rng", ClerkText(pl: "Błąd modułu PKCS#11: CKR_RANDOM_NO_RNG.", en: "PKCS#11 module error: CKR_RANDOM_NO_RNG.")),
        0x130: ("CKR_DOMAIN_PARAMS_INVALID", "domain-params-invalid", ClerkText(pl: "Błąd modułu PKCS#11: CKR_DOMAIN_PARAMS_INVALID.", en: "PKCS#11 module error: CKR_DOMAIN_PARAMS_INVALID.")),
        0x140: ("CKR_CURVE_NOT_SUPPORTED", "curve-not-supported", ClerkText(pl: "Karta nie obsługuje krzywej eliptycznej tego klucza.", en: "The card does not support this key's elliptic curve.")),
        0x150: ("CKR_BUFFER_TOO_SMALL", "buffer-too-small", ClerkText(pl: "Błąd modułu PKCS#11: CKR_BUFFER_TOO_SMALL.", en: "PKCS#11 module error: CKR_BUFFER_TOO_SMALL.")),
        0x160: ("CKR_SAVED_STATE_INVALID", "saved-state-invalid", ClerkText(pl: "Błąd modułu PKCS#11: CKR_SAVED_STATE_INVALID.", en: "PKCS#11 module error: CKR_SAVED_STATE_INVALID.")),
        0x170: ("CKR_INFORMATION_SENSITIVE", "information-sensitive", ClerkText(pl: "Błąd modułu PKCS#11: CKR_INFORMATION_SENSITIVE.", en: "PKCS#11 module error: CKR_INFORMATION_SENSITIVE.")),
        0x180: ("CKR_STATE_UNSAVEABLE", "state-unsaveable", ClerkText(pl: "Błąd modułu PKCS#11: CKR_STATE_UNSAVEABLE.", en: "PKCS#11 module error: CKR_STATE_UNSAVEABLE.")),
        0x190: ("CKR_CRYPTOKI_NOT_INITIALIZED", "cryptoki-not-initialized", ClerkText(pl: "Moduł PKCS#11 nie został zainicjowany (błąd programu).", en: "The PKCS#11 module is not initialised (a program error).")),
        0x191: ("CKR_CRYPTOKI_ALREADY_INITIALIZED", "cryptoki-already-initialized", ClerkText(pl: "Błąd modułu PKCS#11: CKR_CRYPTOKI_ALREADY_INITIALIZED.", en: "PKCS#11 module error: CKR_CRYPTOKI_ALREADY_INITIALIZED.")),
        0x1a0: ("CKR_MUTEX_BAD", "mutex-bad", ClerkText(pl: "Błąd modułu PKCS#11: CKR_MUTEX_BAD.", en: "PKCS#11 module error: CKR_MUTEX_BAD.")),
        0x1a1: ("CKR_MUTEX_NOT_LOCKED", "mutex-not-locked", ClerkText(pl: "Błąd modułu PKCS#11: CKR_MUTEX_NOT_LOCKED.", en: "PKCS#11 module error: CKR_MUTEX_NOT_LOCKED.")),
        0x1b0: ("CKR_NEW_PIN_MODE", "new-pin-mode", ClerkText(pl: "Błąd modułu PKCS#11: CKR_NEW_PIN_MODE.", en: "PKCS#11 module error: CKR_NEW_PIN_MODE.")),
        0x1b1: ("CKR_NEXT_OTP", "next-otp", ClerkText(pl: "Błąd modułu PKCS#11: CKR_NEXT_OTP.", en: "PKCS#11 module error: CKR_NEXT_OTP.")),
        0x1b5: ("CKR_EXCEEDED_MAX_ITERATIONS", "exceeded-max-iterations", ClerkText(pl: "Błąd modułu PKCS#11: CKR_EXCEEDED_MAX_ITERATIONS.", en: "PKCS#11 module error: CKR_EXCEEDED_MAX_ITERATIONS.")),
        0x1b6: ("CKR_FIPS_SELF_TEST_FAILED", "fips-self-test-failed", ClerkText(pl: "Błąd modułu PKCS#11: CKR_FIPS_SELF_TEST_FAILED.", en: "PKCS#11 module error: CKR_FIPS_SELF_TEST_FAILED.")),
        0x1b7: ("CKR_LIBRARY_LOAD_FAILED", "library-load-failed", ClerkText(pl: "Błąd modułu PKCS#11: CKR_LIBRARY_LOAD_FAILED.", en: "PKCS#11 module error: CKR_LIBRARY_LOAD_FAILED.")),
        0x1b8: ("CKR_PIN_TOO_WEAK", "pin-too-weak", ClerkText(pl: "PIN jest zbyt słaby dla tej karty.", en: "The PIN is too weak for this card.")),
        0x1b9: ("CKR_PUBLIC_KEY_INVALID", "public-key-invalid", ClerkText(pl: "Błąd modułu PKCS#11: CKR_PUBLIC_KEY_INVALID.", en: "PKCS#11 module error: CKR_PUBLIC_KEY_INVALID.")),
        0x200: ("CKR_FUNCTION_REJECTED", "function-rejected", ClerkText(pl: "Błąd modułu PKCS#11: CKR_FUNCTION_REJECTED.", en: "PKCS#11 module error: CKR_FUNCTION_REJECTED.")),
        0x80000000: ("CKR_VENDOR_DEFINED", "vendor-defined", ClerkText(pl: "Błąd modułu PKCS#11: CKR_VENDOR_DEFINED.", en: "PKCS#11 module error: CKR_VENDOR_DEFINED.")),
    ]
}
