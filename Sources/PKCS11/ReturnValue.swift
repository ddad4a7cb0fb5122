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
        if let entry = table[rv] { return entry.name }
        if rv >= 0x8000_0000 { return "CKR_VENDOR_DEFINED+0x" + String(rv - 0x8000_0000, radix: 16, uppercase: true) }
        return "CKR_UNKNOWN_0x" + String(rv, radix: 16, uppercase: true)
    }

    /// A stable lower-case code, e.g. `pin-incorrect`.
    public static func code(_ rv: UInt) -> String { table[rv]?.code ?? (rv >= 0x8000_0000 ? "vendor-defined" : "unknown") }

    /// What it means for the clerk, in Polish and English.
    public static func text(_ rv: UInt) -> ClerkText {
        guard let entry = table[rv] else { return messages.text("unknown-module-error", ["name": name(rv)]) }
        guard messages.entries[entry.code] != nil else { return messages.text("module-error", ["name": entry.name]) }
        return messages.text(entry.code)
    }

    /// Every named value: its `CKR_*` name and stable code. The sentence is
    /// the code's entry in messages.json; a value without one (a program
    /// error the clerk cannot act on) gets `module-error` with its name.
    static let table: [UInt: (name: String, code: String)] = [
        0x0: ("CKR_OK", "ok"),
        0x1: ("CKR_CANCEL", "cancel"),
        0x2: ("CKR_HOST_MEMORY", "host-memory"),
        0x3: ("CKR_SLOT_ID_INVALID", "slot-id-invalid"),
        0x5: ("CKR_GENERAL_ERROR", "general-error"),
        0x6: ("CKR_FUNCTION_FAILED", "function-failed"),
        0x7: ("CKR_ARGUMENTS_BAD", "arguments-bad"),
        0x8: ("CKR_NO_EVENT", "no-event"),
        0x9: ("CKR_NEED_TO_CREATE_THREADS", "need-to-create-threads"),
        0xa: ("CKR_CANT_LOCK", "cant-lock"),
        0x10: ("CKR_ATTRIBUTE_READ_ONLY", "attribute-read-only"),
        0x11: ("CKR_ATTRIBUTE_SENSITIVE", "attribute-sensitive"),
        0x12: ("CKR_ATTRIBUTE_TYPE_INVALID", "attribute-type-invalid"),
        0x13: ("CKR_ATTRIBUTE_VALUE_INVALID", "attribute-value-invalid"),
        0x1b: ("CKR_ACTION_PROHIBITED", "action-prohibited"),
        0x20: ("CKR_DATA_INVALID", "data-invalid"),
        0x21: ("CKR_DATA_LEN_RANGE", "data-len-range"),
        0x30: ("CKR_DEVICE_ERROR", "device-error"),
        0x31: ("CKR_DEVICE_MEMORY", "device-memory"),
        0x32: ("CKR_DEVICE_REMOVED", "device-removed"),
        0x40: ("CKR_ENCRYPTED_DATA_INVALID", "encrypted-data-invalid"),
        0x41: ("CKR_ENCRYPTED_DATA_LEN_RANGE", "encrypted-data-len-range"),
        0x50: ("CKR_FUNCTION_CANCELED", "function-canceled"),
        0x51: ("CKR_FUNCTION_NOT_PARALLEL", "function-not-parallel"),
        0x54: ("CKR_FUNCTION_NOT_SUPPORTED", "function-not-supported"),
        0x60: ("CKR_KEY_HANDLE_INVALID", "key-handle-invalid"),
        0x62: ("CKR_KEY_SIZE_RANGE", "key-size-range"),
        0x63: ("CKR_KEY_TYPE_INCONSISTENT", "key-type-inconsistent"),
        0x64: ("CKR_KEY_NOT_NEEDED", "key-not-needed"),
        0x65: ("CKR_KEY_CHANGED", "key-changed"),
        0x66: ("CKR_KEY_NEEDED", "key-needed"),
        0x67: ("CKR_KEY_INDIGESTIBLE", "key-indigestible"),
        0x68: ("CKR_KEY_FUNCTION_NOT_PERMITTED", "key-function-not-permitted"),
        0x69: ("CKR_KEY_NOT_WRAPPABLE", "key-not-wrappable"),
        0x6a: ("CKR_KEY_UNEXTRACTABLE", "key-unextractable"),
        0x70: ("CKR_MECHANISM_INVALID", "mechanism-invalid"),
        0x71: ("CKR_MECHANISM_PARAM_INVALID", "mechanism-param-invalid"),
        0x82: ("CKR_OBJECT_HANDLE_INVALID", "object-handle-invalid"),
        0x90: ("CKR_OPERATION_ACTIVE", "operation-active"),
        0x91: ("CKR_OPERATION_NOT_INITIALIZED", "operation-not-initialized"),
        0xa0: ("CKR_PIN_INCORRECT", "pin-incorrect"),
        0xa1: ("CKR_PIN_INVALID", "pin-invalid"),
        0xa2: ("CKR_PIN_LEN_RANGE", "pin-len-range"),
        0xa3: ("CKR_PIN_EXPIRED", "pin-expired"),
        0xa4: ("CKR_PIN_LOCKED", "pin-locked"),
        0xb0: ("CKR_SESSION_CLOSED", "session-closed"),
        0xb1: ("CKR_SESSION_COUNT", "session-count"),
        0xb3: ("CKR_SESSION_HANDLE_INVALID", "session-handle-invalid"),
        0xb4: ("CKR_SESSION_PARALLEL_NOT_SUPPORTED", "session-parallel-not-supported"),
        0xb5: ("CKR_SESSION_READ_ONLY", "session-read-only"),
        0xb6: ("CKR_SESSION_EXISTS", "session-exists"),
        0xb7: ("CKR_SESSION_READ_ONLY_EXISTS", "session-read-only-exists"),
        0xb8: ("CKR_SESSION_READ_WRITE_SO_EXISTS", "session-read-write-so-exists"),
        0xc0: ("CKR_SIGNATURE_INVALID", "signature-invalid"),
        0xc1: ("CKR_SIGNATURE_LEN_RANGE", "signature-len-range"),
        0xd0: ("CKR_TEMPLATE_INCOMPLETE", "template-incomplete"),
        0xd1: ("CKR_TEMPLATE_INCONSISTENT", "template-inconsistent"),
        0xe0: ("CKR_TOKEN_NOT_PRESENT", "token-not-present"),
        0xe1: ("CKR_TOKEN_NOT_RECOGNIZED", "token-not-recognized"),
        0xe2: ("CKR_TOKEN_WRITE_PROTECTED", "token-write-protected"),
        0xf0: ("CKR_UNWRAPPING_KEY_HANDLE_INVALID", "unwrapping-key-handle-invalid"),
        0xf1: ("CKR_UNWRAPPING_KEY_SIZE_RANGE", "unwrapping-key-size-range"),
        0xf2: ("CKR_UNWRAPPING_KEY_TYPE_INCONSISTENT", "unwrapping-key-type-inconsistent"),
        0x100: ("CKR_USER_ALREADY_LOGGED_IN", "user-already-logged-in"),
        0x101: ("CKR_USER_NOT_LOGGED_IN", "user-not-logged-in"),
        0x102: ("CKR_USER_PIN_NOT_INITIALIZED", "user-pin-not-initialized"),
        0x103: ("CKR_USER_TYPE_INVALID", "user-type-invalid"),
        0x104: ("CKR_USER_ANOTHER_ALREADY_LOGGED_IN", "user-another-already-logged-in"),
        0x105: ("CKR_USER_TOO_MANY_TYPES", "user-too-many-types"),
        0x110: ("CKR_WRAPPED_KEY_INVALID", "wrapped-key-invalid"),
        0x112: ("CKR_WRAPPED_KEY_LEN_RANGE", "wrapped-key-len-range"),
        0x113: ("CKR_WRAPPING_KEY_HANDLE_INVALID", "wrapping-key-handle-invalid"),
        0x114: ("CKR_WRAPPING_KEY_SIZE_RANGE", "wrapping-key-size-range"),
        0x115: ("CKR_WRAPPING_KEY_TYPE_INCONSISTENT", "wrapping-key-type-inconsistent"),
        0x120: ("CKR_RANDOM_SEED_NOT_SUPPORTED", "random-seed-not-supported"),
        0x121: ("CKR_RANDOM_NO_RNG", "random-no-rng"),
        0x130: ("CKR_DOMAIN_PARAMS_INVALID", "domain-params-invalid"),
        0x140: ("CKR_CURVE_NOT_SUPPORTED", "curve-not-supported"),
        0x150: ("CKR_BUFFER_TOO_SMALL", "buffer-too-small"),
        0x160: ("CKR_SAVED_STATE_INVALID", "saved-state-invalid"),
        0x170: ("CKR_INFORMATION_SENSITIVE", "information-sensitive"),
        0x180: ("CKR_STATE_UNSAVEABLE", "state-unsaveable"),
        0x190: ("CKR_CRYPTOKI_NOT_INITIALIZED", "cryptoki-not-initialized"),
        0x191: ("CKR_CRYPTOKI_ALREADY_INITIALIZED", "cryptoki-already-initialized"),
        0x1a0: ("CKR_MUTEX_BAD", "mutex-bad"),
        0x1a1: ("CKR_MUTEX_NOT_LOCKED", "mutex-not-locked"),
        0x1b0: ("CKR_NEW_PIN_MODE", "new-pin-mode"),
        0x1b1: ("CKR_NEXT_OTP", "next-otp"),
        0x1b5: ("CKR_EXCEEDED_MAX_ITERATIONS", "exceeded-max-iterations"),
        0x1b6: ("CKR_FIPS_SELF_TEST_FAILED", "fips-self-test-failed"),
        0x1b7: ("CKR_LIBRARY_LOAD_FAILED", "library-load-failed"),
        0x1b8: ("CKR_PIN_TOO_WEAK", "pin-too-weak"),
        0x1b9: ("CKR_PUBLIC_KEY_INVALID", "public-key-invalid"),
        0x200: ("CKR_FUNCTION_REJECTED", "function-rejected"),
        0x80000000: ("CKR_VENDOR_DEFINED", "vendor-defined"),
    ]
}
