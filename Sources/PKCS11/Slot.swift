import CPKCS11

/// A slot of a module: a reader or an HSM partition that may hold a token.
public struct Slot: Sendable {
    public let module: Module
    public let id: UInt

    public func info() throws(PKCS11Error) -> SlotInfo {
        var info = CK_SLOT_INFO()
        try module.call("C_GetSlotInfo") { module.functions.pointee.C_GetSlotInfo!(id, &info) }
        return SlotInfo(info)
    }

    public func tokenInfo() throws(PKCS11Error) -> TokenInfo {
        var info = CK_TOKEN_INFO()
        try module.call("C_GetTokenInfo") { module.functions.pointee.C_GetTokenInfo!(id, &info) }
        return TokenInfo(info)
    }

    public func mechanisms() throws(PKCS11Error) -> [MechanismInfo] {
        var count: UInt = 0
        try module.call("C_GetMechanismList") { module.functions.pointee.C_GetMechanismList!(id, nil, &count) }
        var types = [CK_MECHANISM_TYPE](repeating: 0, count: Int(count))
        if count > 0 {
            try module.call("C_GetMechanismList") { module.functions.pointee.C_GetMechanismList!(id, &types, &count) }
        }
        return types.prefix(Int(count)).map { type in
            var info = CK_MECHANISM_INFO()
            _ = module.functions.pointee.C_GetMechanismInfo!(id, type, &info)
            return MechanismInfo(type: type, minKeySize: info.ulMinKeySize, maxKeySize: info.ulMaxKeySize, flags: info.flags)
        }
    }

    /// Opens a read-only session (enough for listing and signing).
    public func openSession(readWrite: Bool = false) throws(PKCS11Error) -> Session {
        var handle: CK_SESSION_HANDLE = 0
        let flags = UInt(CKF_SERIAL_SESSION) | (readWrite ? UInt(CKF_RW_SESSION) : 0)
        try module.call("C_OpenSession") { module.functions.pointee.C_OpenSession!(id, flags, nil, nil, &handle) }
        return Session(slot: self, handle: handle)
    }
}
