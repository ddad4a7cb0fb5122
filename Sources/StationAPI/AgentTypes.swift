import Audit
import Foundation
import Localization

// The agent's wire types (GET /v1/agent/requests): what podpisd sends the
// clerk's agent, read by `podpis agent` with these same types.

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

        package init(name: String, size: Int?, mimeType: String, sha256: String?, digestOnly: Bool) {
            self.name = name
            self.size = size
            self.mimeType = mimeType
            self.sha256 = sha256
            self.digestOnly = digestOnly
        }
    }

    public struct CertificateSummary: Sendable, Codable, Hashable {
        public let id: String
        public let holder: String
        public let issuer: String
        public let qualified: Bool
        public let notAfter: Date

        package init(id: String, holder: String, issuer: String, qualified: Bool, notAfter: Date) {
            self.id = id
            self.holder = holder
            self.issuer = issuer
            self.qualified = qualified
            self.notAfter = notAfter
        }
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

        package init(label: String, protectedAuthenticationPath: Bool, finalTry: Bool, countLow: Bool, triesLeft: Int?, loggedInUntil: Date?) {
            self.label = label
            self.protectedAuthenticationPath = protectedAuthenticationPath
            self.finalTry = finalTry
            self.countLow = countLow
            self.triesLeft = triesLeft
            self.loggedInUntil = loggedInUntil
        }
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

    package init(
        id: String, requester: Requester, documents: [Document], format: String, packaging: String, level: String, commitment: String?,
        role: String?, certificate: CertificateSummary, token: TokenSummary, needsPIN: Bool
    ) {
        self.id = id
        self.requester = requester
        self.documents = documents
        self.format = format
        self.packaging = packaging
        self.level = level
        self.commitment = commitment
        self.role = role
        self.certificate = certificate
        self.token = token
        self.needsPIN = needsPIN
    }
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

    package init(id: String, requester: Requester, application: String?) {
        self.id = id
        self.requester = requester
        self.application = application
    }
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
