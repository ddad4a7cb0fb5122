import Foundation

/// Who asks for a signature, as the clerk sees it.
public struct Requester: Sendable, Codable, Hashable {
    public enum Transport: String, Sendable, Codable { case unix, tcp }
    public let transport: Transport
    /// The web page's Origin header, if any.
    public let origin: String?

    public init(transport: Transport, origin: String?) {
        self.transport = transport
        self.origin = origin
    }
}

/// What the clerk's agent shows before asking for the PIN or a yes/no.
public struct ConsentRequest: Sendable, Codable, Hashable {
    public struct Document: Sendable, Codable, Hashable {
        public let name: String
        public let size: Int?
        public let mimeType: String
        /// SHA-256 in hex of exactly what is signed (nil when only another digest was sent).
        public let sha256: String?
    }

    public struct CertificateSummary: Sendable, Codable, Hashable {
        public let id: String
        public let holder: String
        public let issuer: String
        public let qualified: Bool
        public let notAfter: Date
    }

    public struct TokenSummary: Sendable, Codable, Hashable {
        public let label: String
        public let protectedAuthenticationPath: Bool
        public let finalTry: Bool
        public let countLow: Bool
    }

    public let id: String
    public let requester: Requester
    public let documents: [Document]
    public let format: String
    public let packaging: String
    public let level: String
    public let commitment: String?
    public let role: String?
    public let certificate: CertificateSummary
    public let token: TokenSummary
    public let needsPIN: Bool
}

/// The clerk's answer.
public enum ConsentDecision: Sendable {
    /// Approved; the PIN (nil for a pinpad reader or a token already logged in).
    case approve(pin: SecretPINBox?)
    case refuse
}

/// What an agent receives on its stream.
public enum AgentEvent: Sendable {
    case consent(ConsentRequest)
    case withdrawn(id: String, reason: String)
}
