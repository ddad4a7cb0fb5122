import Localization
import PKCS11
import QualifiedCertificates
import SmartCard

/// A certificate object on a token that cannot be read: a problem of its
/// own, never a certificate silently left out (`certificate-unreadable`,
/// as `podpis certs` and `/v1/certificates` list it).
struct CertificateReadCheck {
    static let name = "certificate-readable"
    let certificate: CertificateObject
    let error: CertificateFactsError

    func run() -> Finding {
        let which = certificate.label.isEmpty ? "CKA_ID \(Hex.encode(certificate.id))" : certificate.label
        return .problem(
            Self.name, error.code,
            found: messages.text("certificate-unreadable.found", ["certificate": which, "reason": error.reason]),
            why: messages.text("certificate-unreadable.why"),
            fix: messages.text("certificate-unreadable.fix"),
            details: ["label": certificate.label, "objectID": Hex.encode(certificate.id), "sha256": CertificateFacts.sha256(certificate.der)])
    }

    /// A certificate that reads, but whose public key swift-crypto will not
    /// use (an RSA key under 2048 bits): listed, but no signature can be made with it.
    static func keyUnsupported(_ facts: CertificateFacts, reason: String) -> Finding {
        let who = facts.commonName ?? facts.subject
        return .problem(name, messages.finding("certificate-key-unsupported", ["who": who, "reason": reason]),
            details: ["sha256": facts.sha256])
    }
}
