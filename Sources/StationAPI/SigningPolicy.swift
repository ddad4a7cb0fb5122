import Audit
import DaemonConfiguration
import Localization

/// Who may use a certificate, and how: the `[[policy]]` of podpisd.toml as
/// the configuration reads it (one type, no copy). The first policy whose
/// `certificate` matches applies; a certificate none names gets the
/// defaults of `init()`. What the station does with it is below.
public typealias SigningPolicy = DaemonConfiguration.Policy

extension DaemonConfiguration.Policy.DigestOnly {
    /// `local`: programs on the Unix socket and the daemon itself, never TCP
    /// or a web page; `always`; `never`.
    func allows(_ transport: Requester.Transport) -> Bool {
        switch self {
        case .always: return true
        case .never: return false
        case .local: return transport != .tcp
        }
    }
}

extension DaemonConfiguration.Policy {
    package func matches(_ certificateID: String) -> Bool {
        certificate == "*" || certificateID.lowercased().hasPrefix(certificate)
    }

    /// Refuses a requester or a request the policy does not allow, before
    /// the clerk is asked or the token touched. `digestOnly`: some document
    /// came as its digest alone.
    package func admit(_ requester: Requester, documents: Int, holder: String, digestOnly: Bool = false) throws(StationProblem) {
        if let users {
            let allowed = requester.uid.map { uid in users.contains(String(uid)) || requester.user.map(users.contains) == true } ?? false
            guard allowed else {
                let who = requester.user ?? requester.uid.map { "uid \($0)" } ?? "?"
                throw StationProblem(.notAllowed, messages.sentence("user-not-allowed", ["who": who, "holder": holder]))
            }
        }
        if let origins, let origin = requester.origin, !origins.contains(origin) {
            throw StationProblem(.notAllowed, messages.sentence("origin-not-allowed-for-certificate", ["origin": origin, "holder": holder]))
        }
        if digestOnly && !self.digestOnly.allows(requester.transport) { throw StationProblem.digestOnlyNotAllowed }
        guard documents <= maxDocuments else {
            throw StationProblem(.cannotComply, messages.sentence("too-many-documents", ["maxDocuments": maxDocuments, "documents": documents]))
        }
    }
}
