import SignatureAlgorithms
import Localization
import PKCS11
import QualifiedCertificates

/// A certificate chosen for signing, on its token, with a logged-in session
/// and the private key that belongs to it.
public struct SigningKey: @unchecked Sendable {
    public let token: Token
    public let session: Session
    public let certificateDER: [UInt8]
    public let facts: CertificateFacts
    public let key: PrivateKeyObject

    /// Finds the certificate (`id`: a prefix of its SHA-256, 8+ hex digits;
    /// nil: the only usable one), logs in to its token with a PIN from
    /// `pin` and pairs the key. A wrong PIN is reported with the tries left
    /// and never retried.
    public static func locate(
        certificate id: String?, in modules: [Module], pin: (Token) throws -> SecretPIN?
    ) throws -> SigningKey {
        var candidates: [(Token, CertificateObject, CertificateFacts)] = []
        for module in modules {
            for token in (try? module.tokens()) ?? [] {
                guard let session = try? token.slot.openSession(), let certificates = try? session.certificates() else { continue }
                for certificate in certificates {
                    guard let facts = try? CertificateFacts(der: certificate.der), !facts.isCA else { continue }
                    candidates.append((token, certificate, facts))
                }
            }
        }
        var chosen: [(Token, CertificateObject, CertificateFacts)]
        if let id {
            let wanted = id.lowercased()
            guard wanted.count >= 8 else { throw SigningKeyError.certificateNotFound(id) }
            chosen = candidates.filter { $0.2.sha256.hasPrefix(wanted) }
        } else {
            chosen = candidates.filter { $0.2.validity() != .expired && $0.2.validity() != .notYetValid }
        }
        if chosen.count > 1, Set(chosen.map { $0.1.der }).count == 1 {
            // The same certificate on several slots of one card: the signing slot.
            let ranked = chosen.map { candidate -> (Int, (Token, CertificateObject, CertificateFacts)) in
                let keyVisible = (try? candidate.0.slot.openSession().certificatesWithKeys())?
                    .contains { $0.certificate.der == candidate.1.der && ($0.key?.canSign ?? false) } ?? false
                return (SigningSlotPreference.rank(label: candidate.0.info.label, keyVisible: keyVisible), candidate)
            }
            if let best = ranked.max(by: { $0.0 < $1.0 }) { chosen = [best.1] }
        }
        guard chosen.count == 1, let (token, certificate, facts) = chosen.first else {
            if chosen.isEmpty { throw SigningKeyError.certificateNotFound(id ?? "") }
            throw SigningKeyError.ambiguous(chosen.map { "\($0.2.id) \($0.2.commonName ?? $0.2.subject)" })
        }
        try refuseIfHeldBySeal(token)
        let session = try token.slot.openSession()
        if token.info.loginRequired && !session.isLoggedIn {
            do {
                try session.login(pin: try pin(token))
            } catch let error as PKCS11Error {
                throw error.withTriesLeft(of: token)
            }
        }
        guard let pair = try session.certificatesWithKeys().first(where: { $0.certificate.der == certificate.der }),
            let key = pair.key
        else { throw SigningKeyError.noPrivateKey(facts.commonName ?? facts.subject) }
        return SigningKey(token: token, session: session, certificateDER: certificate.der, facts: facts, key: key)
    }

    /// Refuses a token that a seal of this process keeps logged in
    /// (``LoginHold``): a login there would not be checked (PKCS#11 has one
    /// login per process and token), so a key on it would sign with
    /// whatever PIN was typed.
    public static func refuseIfHeldBySeal(_ token: Token) throws(SigningKeyError) {
        if token.info.loginRequired && token.slot.loginHeld { throw .tokenHeldBySeal(token.info.label) }
    }

    /// The signature scheme for this key: ECDSA for EC keys; RSA PKCS#1 v1.5,
    /// or RSA-PSS when asked.
    public func algorithm(hash: HashAlgorithm, pss: Bool) throws -> SignatureAlgorithm {
        switch key.keyType {
        case .rsa: return pss ? .rsaPSS(hash) : .rsaPKCS1v15(hash)
        case .ec:
            guard !pss else { throw PKCS11Error(.unsupportedAlgorithm("RSA-PSS with an EC key"), function: "sign") }
            return .ecdsa(hash)
        case .other: throw PKCS11Error(.unsupportedAlgorithm("key type"), function: "sign")
        }
    }
}

/// Why no signing key could be chosen.
public enum SigningKeyError: Error, Sendable, CustomStringConvertible {
    case certificateNotFound(String)
    case ambiguous([String])
    case noPrivateKey(String)
    /// The token (its label) is kept logged in by a seal profile of this
    /// process: a PIN typed for another signature would not be checked.
    case tokenHeldBySeal(String)

    public var code: String {
        switch self {
        case .certificateNotFound: return "certificate-not-found"
        case .ambiguous: return "certificate-ambiguous"
        case .noPrivateKey: return "no-private-key"
        case .tokenHeldBySeal: return "token-held-by-seal"
        }
    }

    public var message: ClerkText {
        switch self {
        case .certificateNotFound(let id):
            return messages.text("certificate-not-found", ["id": id.isEmpty ? "" : " \(id)"])
        case .ambiguous(let list):
            return messages.text("ambiguous-certificate", ["list": list.joined(separator: "; ")])
        case .noPrivateKey(let name):
            return messages.text("no-private-key", ["name": name])
        case .tokenHeldBySeal(let label):
            return messages.text("token-held-by-seal", ["label": label])
        }
    }

    public var description: String { message.description }
}
