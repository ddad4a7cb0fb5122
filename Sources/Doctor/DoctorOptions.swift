import Foundation

/// What `podpis doctor` looks at and how long it may wait.
public struct DoctorOptions: Sendable {
    /// podpisd.toml files to read; nil: the daemon's default files.
    public var configFiles: [String]?
    /// The system service's configuration and socket (a sealing server).
    public var system = false
    /// Modules named on the command line, besides those in the configuration.
    public var modulePaths: [String] = []
    /// Look at the modules registered with p11-kit; nil: as the configuration says.
    public var includeRegistered: Bool?
    /// TSAs to try; nil: those of the configuration.
    public var timeStampURLs: [String]?
    /// PEM files with intermediate and root certificates for the chain check.
    public var chainFiles: [String] = []
    /// Only this reader (its PC/SC name, or a unique part of it).
    public var reader: String?
    /// Only this token (label or serial number).
    public var token: String?
    /// podpisd's socket; nil: from the configuration.
    public var socketPath: String?
    public var limits = TimeLimits()
    public var environment: [String: String] = ProcessInfo.processInfo.environment
    /// The moment certificates are judged at.
    public var now = Date()
    /// The system's CA bundle, searched for issuers not found elsewhere.
    public var systemCABundle: String? = "/etc/ssl/certs/ca-certificates.crt"
    /// Prepended to the browsers' programs and policy files (tests: a
    /// temporary directory standing for /); "" for the computer's own.
    public var browserPolicyRoot = ""

    public init() {}
}
