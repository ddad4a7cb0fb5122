/// `CKF_*` flags of a token (CK_TOKEN_INFO.flags).
public struct TokenFlags: OptionSet, Sendable, Hashable {
    public let rawValue: UInt
    public init(rawValue: UInt) { self.rawValue = rawValue }

    public static let rng = TokenFlags(rawValue: 0x0000_0001)
    public static let writeProtected = TokenFlags(rawValue: 0x0000_0002)
    public static let loginRequired = TokenFlags(rawValue: 0x0000_0004)
    public static let userPINInitialized = TokenFlags(rawValue: 0x0000_0008)
    public static let protectedAuthenticationPath = TokenFlags(rawValue: 0x0000_0100)
    public static let tokenInitialized = TokenFlags(rawValue: 0x0000_0400)
    public static let userPINCountLow = TokenFlags(rawValue: 0x0001_0000)
    public static let userPINFinalTry = TokenFlags(rawValue: 0x0002_0000)
    public static let userPINLocked = TokenFlags(rawValue: 0x0004_0000)
    public static let userPINToBeChanged = TokenFlags(rawValue: 0x0008_0000)
    public static let soPINCountLow = TokenFlags(rawValue: 0x0010_0000)
    public static let soPINFinalTry = TokenFlags(rawValue: 0x0020_0000)
    public static let soPINLocked = TokenFlags(rawValue: 0x0040_0000)
    public static let soPINToBeChanged = TokenFlags(rawValue: 0x0080_0000)

    /// What the flags say of the user PIN, the most serious first.
    public var userPINStatus: PINStatus {
        if contains(.userPINLocked) { return .locked }
        if contains(.userPINFinalTry) { return .finalTry }
        if contains(.userPINCountLow) { return .countLow }
        if contains(.userPINToBeChanged) { return .toBeChanged }
        return .ok
    }
}

/// What a token says of its user PIN. PKCS#11 does not give a number of tries,
/// only these states.
public enum PINStatus: String, Sendable, Hashable, Codable {
    case ok
    /// At least one wrong PIN since the last right one.
    case countLow = "count-low"
    /// One more wrong PIN locks the token.
    case finalTry = "final-try"
    case locked
    /// The PIN must be changed before use (e.g. a transport PIN).
    case toBeChanged = "to-be-changed"
}
