/// A token found in a slot of a module.
public struct Token: Sendable {
    public let slot: Slot
    public let info: TokenInfo
    public let slotInfo: SlotInfo

    public var module: Module { slot.module }
}

extension Module {
    /// The initialised tokens present in this module's slots (SoftHSM and
    /// some HSMs always show one empty, uninitialised token: it is left out).
    public func tokens() throws(PKCS11Error) -> [Token] {
        try slots(withTokenOnly: true).compactMap { slot in
            // A token may go between listing and asking: skip it rather than fail the list.
            guard let info = try? slot.tokenInfo(), let slotInfo = try? slot.info(),
                info.flags.contains(.tokenInitialized)
            else { return nil }
            return Token(slot: slot, info: info, slotInfo: slotInfo)
        }
    }
}

extension Array where Element == Module {
    /// The first token with this label (or serial number) in any of the modules.
    public func token(named name: String) throws(PKCS11Error) -> Token {
        for module in self {
            for token in (try? module.tokens()) ?? [] where token.info.label == name || token.info.serialNumber == name {
                return token
            }
        }
        throw PKCS11Error(.tokenNotFound(name), function: "C_GetTokenInfo")
    }
}
