import Inventory

/// GET /v1/readers: the JSON of `podpis readers --json` (schema podpis.readers/1).
public struct ReaderList: Sendable, Codable {
    public let schema: String
    public let readers: [ReaderReport]
}

/// GET /v1/tokens: the JSON of `podpis tokens --json` (schema podpis.tokens/1).
public struct TokenList: Sendable, Codable {
    public let schema: String
    public let tokens: [TokenReport]
    public let moduleProblems: [ModuleProblem]
}

/// GET /v1/certificates: the JSON of `podpis certs --json` (schema podpis.certs/1).
public struct CertificateList: Sendable, Codable {
    public let schema: String
    public let certificates: [CertificateReport]
    public let moduleProblems: [ModuleProblem]
    public let tokenProblems: [TokenProblem]
    /// Certificate objects that could not be read (`certificate-unreadable`).
    public let certificateProblems: [CertificateProblem]
}

/// GET /v1/status.
public struct StationStatus: Sendable, Codable {
    public struct PCSC: Sendable, Codable { public let available: Bool }
    public let service: String
    public let version: String
    public let api: String
    public let pcsc: PCSC
    public let tokens: Int
    public let agents: Int
    public let uptimeSeconds: Double
}
