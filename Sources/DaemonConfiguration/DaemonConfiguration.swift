/// The configuration of `podpisd`, read from TOML files (`podpisd.toml`).
///
/// The system file (`/etc/podpis/podpisd.toml`) is overridden key by key by
/// the user's (`~/.config/podpis/podpisd.toml`); see ``load(files:environment:)``
/// and ``defaultFiles(system:environment:)``. `DaemonConfiguration()` holds
/// every default, the same values as ``documentedExample``.
public struct DaemonConfiguration: Sendable, Equatable {
    /// `[server]`: how clients reach the daemon.
    public var server: Server
    /// `[pkcs11]`: which PKCS#11 modules are loaded.
    public var pkcs11: PKCS11
    /// `[timestamp]`: the time-stamping authorities for B-T signatures.
    public var timestamp: Timestamp
    /// `[defaults]`: what a request that does not say gets.
    public var defaults: Defaults
    /// `[limits]`: bounds on hostile or accidental input.
    public var limits: Limits
    /// `[[policy]]`: per-certificate rules, first match wins. A later file's
    /// list replaces an earlier one's as a whole.
    public var policies: [Policy]
    /// `[seal.NAME]`: seal profiles by name.
    public var seals: [String: SealProfile] = [:]
    /// `[verification]`: trust anchors and the size limit of `POST /v1/verify`.
    public var verification = Verification()

    public init(
        server: Server = Server(),
        pkcs11: PKCS11 = PKCS11(),
        timestamp: Timestamp = Timestamp(),
        defaults: Defaults = Defaults(),
        limits: Limits = Limits(),
        policies: [Policy] = []
    ) {
        self.server = server
        self.pkcs11 = pkcs11
        self.timestamp = timestamp
        self.defaults = defaults
        self.limits = limits
        self.policies = policies
    }

    /// One mebibyte, the unit of every `*_mib` key.
    public static let mebibyte = 1 << 20
}
