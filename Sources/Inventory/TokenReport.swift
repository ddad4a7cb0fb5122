import PKCS11

/// A token, as `podpis tokens --json` prints it (docs/cli-json.md).
public struct TokenReport: Sendable, Codable, Hashable {
    public let label: String
    public let manufacturer: String
    public let model: String
    public let serialNumber: String
    public let module: ModuleRef
    public let slot: SlotRef
    public let flags: Flags
    public let pinStatus: PINStatus
    /// Signing mechanisms the token offers, by name.
    public let signingMechanisms: [String]

    public struct ModuleRef: Sendable, Codable, Hashable {
        public let name: String
        public let path: String
        public let registered: Bool
    }

    public struct SlotRef: Sendable, Codable, Hashable {
        public let id: UInt
        public let description: String
        public let removable: Bool
        public let hardware: Bool
    }

    public struct Flags: Sendable, Codable, Hashable {
        public let loginRequired: Bool
        public let protectedAuthenticationPath: Bool
        public let userPINInitialized: Bool
        public let userPINCountLow: Bool
        public let userPINFinalTry: Bool
        public let userPINLocked: Bool
        public let userPINToBeChanged: Bool
        public let writeProtected: Bool

        init(_ f: TokenFlags) {
            loginRequired = f.contains(.loginRequired)
            protectedAuthenticationPath = f.contains(.protectedAuthenticationPath)
            userPINInitialized = f.contains(.userPINInitialized)
            userPINCountLow = f.contains(.userPINCountLow)
            userPINFinalTry = f.contains(.userPINFinalTry)
            userPINLocked = f.contains(.userPINLocked)
            userPINToBeChanged = f.contains(.userPINToBeChanged)
            writeProtected = f.contains(.writeProtected)
        }
    }

    public init(token: Token) {
        label = token.info.label
        manufacturer = token.info.manufacturer
        model = token.info.model
        serialNumber = token.info.serialNumber
        module = ModuleRef(name: token.module.name, path: token.module.path, registered: token.module.registered)
        slot = SlotRef(
            id: token.slot.id, description: token.slotInfo.description, removable: token.slotInfo.removable,
            hardware: token.slotInfo.hardware)
        flags = Flags(token.info.flags)
        pinStatus = token.info.pinStatus
        let mechanisms = (try? token.slot.mechanisms()) ?? []
        let wanted: Set<UInt> = [Mechanism.rsaPKCS, Mechanism.rsaPKCSPSS, Mechanism.ecdsa]
        signingMechanisms = mechanisms.filter { wanted.contains($0.type) && $0.canSign }.map(\.name).sorted()
    }

    /// Every token present in the modules.
    public static func all(in modules: [Module]) -> [TokenReport] {
        modules.flatMap { module in ((try? module.tokens()) ?? []).map(TokenReport.init(token:)) }
    }
}
