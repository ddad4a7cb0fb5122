import Audit
import Foundation
import Localization

/// What the clerk's agent shows before asking for the PIN or a yes/no.
public struct ConsentRequest: Sendable, Codable, Hashable {
    public struct Document: Sendable, Codable, Hashable {
        public let name: String
        /// The size measured by the daemon; nil when it never saw the content.
        public let size: Int?
        public let mimeType: String
        /// SHA-256 in hex of exactly what is signed (nil when only another digest was sent).
        public let sha256: String?
        /// The application sent only the digest: the daemon never saw the
        /// content, and the clerk is told so.
        public let digestOnly: Bool
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

    /// An `application` the clerk can be shown: 1 to 100 characters, none
    /// of them a control, bidi or invisible character (``VisibleText``).
    public static func isAcceptableApplication(_ text: String) -> Bool {
        !text.isEmpty && text.unicodeScalars.count <= 100 && !VisibleText.containsUnsafe(text)
    }
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
    /// First on every stream: the id the agent sends back with its answers
    /// (known only to that connection).
    case hello(agent: String)
    case question(AgentQuestion)
    case withdrawn(id: String, reason: String)
    /// Another agent registered: new questions go to it.
    case agentRegistered(AgentIdentity)
}

/// Who an agent connection is: the uid and process behind it (SO_PEERCRED)
/// and the terminal it says it runs in.
public struct AgentIdentity: Sendable, Codable, Hashable {
    public let uid: UInt32?
    public let user: String?
    public let pid: Int32?
    /// The agent's terminal as it gives it (`/dev/pts/3`), checked by ``isAcceptableTerminal(_:)``.
    public let terminal: String?

    public init(uid: UInt32?, pid: Int32?, terminal: String?) {
        self.uid = uid
        self.pid = pid
        self.terminal = terminal
        user = uid.flatMap(Requester.userName)
    }

    /// 1 to 64 ASCII letters, digits and `/._-:`.
    public static func isAcceptableTerminal(_ text: String) -> Bool {
        (1...64).contains(text.utf8.count)
            && text.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "/._-:".unicodeScalars.contains($0)) }
    }

    /// Whether a connection of `uid` may be the clerk's agent: the daemon's
    /// own user, or one listed in `[server] agent_users` (names or uids).
    /// An unknown peer never is.
    public static func mayBeAgent(uid: UInt32?, agentUsers: [String]) -> Bool {
        guard let uid else { return false }
        if uid == getuid() { return true }
        return agentUsers.contains(String(uid)) || Requester.userName(uid).map(agentUsers.contains) == true
    }
}
