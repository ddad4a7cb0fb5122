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
                throw StationProblem(
                    "user-not-allowed", kind: .notAllowed, title: "User not allowed for this certificate",
                    message: ClerkText(
                        pl: "Użytkownik \(who) nie może używać certyfikatu „\(holder)” (polityka w podpisd.toml).",
                        en: "User \(who) may not use the certificate “\(holder)” (policy in podpisd.toml)."))
            }
        }
        if let origins, let origin = requester.origin, !origins.contains(origin) {
            throw StationProblem(
                "origin-not-allowed-for-certificate", kind: .notAllowed, title: "Origin not allowed for this certificate",
                message: ClerkText(
                    pl: "Strona \(origin) nie może używać certyfikatu „\(holder)” (polityka w podpisd.toml).",
                    en: "The page \(origin) may not use the certificate “\(holder)” (policy in podpisd.toml)."))
        }
        if digestOnly && !self.digestOnly.allows(requester.transport) { throw StationProblem.digestOnlyNotAllowed }
        guard documents <= maxDocuments else {
            throw StationProblem(
                "too-many-documents", kind: .cannotComply, title: "Too many documents for one consent",
                message: ClerkText(
                    pl: "Jedna zgoda obejmuje najwyżej \(maxDocuments) dokumentów dla tego certyfikatu; wysłano \(documents). Podziel prośbę.",
                    en: "One consent covers at most \(maxDocuments) documents for this certificate; \(documents) were sent. Split the request."))
        }
    }
}
