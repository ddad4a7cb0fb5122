/// Which PKCS#11 module a card needs, and where it is usually installed.
public struct ModuleHint: Sendable, Hashable, Codable {
    /// Short name of the module, e.g. `opensc-pkcs11`.
    public let name: String
    /// Places the module is usually installed, most likely first.
    public let usualPaths: [String]
    /// Who provides it: a Debian package or the vendor's software.
    public let providedBy: String

    public init(name: String, usualPaths: [String], providedBy: String) {
        self.name = name
        self.usualPaths = usualPaths
        self.providedBy = providedBy
    }
}
