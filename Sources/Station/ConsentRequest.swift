import Foundation

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
        /// The PIN tries left, when the card tells them.
        public let triesLeft: Int?
        /// The token is still logged in from an earlier PIN (policy
        /// `pin_cache_seconds`): only yes/no is asked, until this time.
        public let loggedInUntil: Date?
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

/// A web page (or a program over TCP) asking to be paired.
public struct PairingRequest: Sendable, Codable, Hashable {
    public let id: String
    public let requester: Requester
    /// The name the application gives itself (shown, not trusted).
    public let application: String?
}

/// What the clerk is asked.
public enum AgentQuestion: Sendable {
    case signature(ConsentRequest)
    case pairing(PairingRequest)

    public var id: String {
        switch self {
        case .signature(let request): return request.id
        case .pairing(let request): return request.id
        }
    }
}

/// The clerk's answer.
public enum ConsentDecision: Sendable {
    /// Approved; the PIN (nil for a pinpad reader or a token already logged in).
    case approve(pin: SecretPINBox?)
    case refuse
    /// Pairing: allowed for this session of the daemon only.
    case allowOnce
    /// Pairing: allowed and remembered (until revoked with `podpis origins revoke`).
    case allowAlways

    func answers(_ question: AgentQuestion) -> Bool {
        switch (self, question) {
        case (.approve, .signature), (.refuse, _), (.allowOnce, .pairing), (.allowAlways, .pairing): return true
        default: return false
        }
    }
}

/// What an agent receives on its stream.
public enum AgentEvent: Sendable {
    /// First on every stream: the id the agent sends back with its answers.
    case hello(agent: String)
    case question(AgentQuestion)
    case withdrawn(id: String, reason: String)
}
