import CPKCS11

/// What a token says about itself (CK_TOKEN_INFO), with the space padding removed.
public struct TokenInfo: Sendable, Hashable {
    public let label: String
    public let manufacturer: String
    public let model: String
    public let serialNumber: String
    public let flags: TokenFlags
    public let minPINLength: UInt
    public let maxPINLength: UInt

    init(_ info: CK_TOKEN_INFO) {
        label = paddedString(info.label)
        manufacturer = paddedString(info.manufacturerID)
        model = paddedString(info.model)
        serialNumber = paddedString(info.serialNumber)
        flags = TokenFlags(rawValue: info.flags)
        minPINLength = info.ulMinPinLen
        maxPINLength = info.ulMaxPinLen
    }

    public var loginRequired: Bool { flags.contains(.loginRequired) }
    /// A pinpad reader or similar: the PIN is typed on the device, not given by us.
    public var protectedAuthenticationPath: Bool { flags.contains(.protectedAuthenticationPath) }
    public var pinStatus: PINStatus { flags.userPINStatus }
}

/// What a slot says about itself (CK_SLOT_INFO).
public struct SlotInfo: Sendable, Hashable {
    public let description: String
    public let manufacturer: String
    public let tokenPresent: Bool
    public let removable: Bool
    public let hardware: Bool

    init(_ info: CK_SLOT_INFO) {
        description = paddedString(info.slotDescription)
        manufacturer = paddedString(info.manufacturerID)
        tokenPresent = info.flags & UInt(CKF_TOKEN_PRESENT) != 0
        removable = info.flags & UInt(CKF_REMOVABLE_DEVICE) != 0
        hardware = info.flags & UInt(CKF_HW_SLOT) != 0
    }
}

/// A mechanism a token supports, with its key sizes and flags.
public struct MechanismInfo: Sendable, Hashable {
    public let type: UInt
    public let minKeySize: UInt
    public let maxKeySize: UInt
    public let flags: UInt

    public var name: String { Mechanism.name(type) }
    public var canSign: Bool { flags & UInt(CKF_SIGN) != 0 }
}

/// Reads a fixed-size, space-padded (or NUL-padded) C array as a trimmed string.
func paddedString<T>(_ tuple: T) -> String {
    withUnsafeBytes(of: tuple) { raw in
        var bytes = Array(raw)
        if let nul = bytes.firstIndex(of: 0) { bytes.removeSubrange(nul...) }
        while let last = bytes.last, last == 0x20 { bytes.removeLast() }
        return String(decoding: bytes, as: UTF8.self)
    }
}
