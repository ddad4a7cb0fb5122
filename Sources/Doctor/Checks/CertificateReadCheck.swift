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
            found: ClerkText(
                pl: "Certyfikatu „\(which)” nie da się odczytać: \(error.reason)",
                en: "Certificate “\(which)” cannot be read: \(error.reason)"),
            why: ClerkText(
                pl: "Nieczytelnego certyfikatu nie można wybrać do podpisu; jeśli to certyfikat kwalifikowany, karta nie złoży nim podpisu.",
                en: "A certificate that cannot be read cannot be chosen for signing; if it is the qualified one, the card cannot sign with it."),
            fix: ClerkText(
                pl: "Zgłoś problem wraz ze skrótem SHA-256 obiektu (podpis certs --json, certificateProblems); jeśli certyfikat został uszkodzony, zamów nowy u wystawcy.",
                en: "Report it with the object's SHA-256 (podpis certs --json, certificateProblems); if the certificate was damaged, ask the issuer for a new one."),
            details: ["label": certificate.label, "objectID": Hex.encode(certificate.id), "sha256": CertificateFacts.sha256(certificate.der)])
    }

    /// A certificate that reads, but whose public key swift-crypto will not
    /// use (an RSA key under 2048 bits): listed, but no signature can be made with it.
    static func keyUnsupported(_ facts: CertificateFacts, reason: String) -> Finding {
        let who = facts.commonName ?? facts.subject
        return .problem(
            name, "certificate-key-unsupported",
            found: ClerkText(
                pl: "Klucza publicznego certyfikatu „\(who)” nie da się użyć (\(reason)).",
                en: "The public key of certificate “\(who)” cannot be used (\(reason))."),
            why: ClerkText(
                pl: "Podpisu takim certyfikatem nie da się złożyć ani sprawdzić; klucze RSA krótsze niż 2048 bitów nie są już dopuszczane.",
                en: "No signature can be made or checked with it; RSA keys shorter than 2048 bits are no longer accepted."),
            fix: ClerkText(
                pl: "Zamów u dostawcy usług zaufania nowy certyfikat z kluczem co najmniej RSA 2048 lub EC P-256.",
                en: "Ask a trust service provider for a new certificate with at least an RSA 2048 or EC P-256 key."),
            details: ["sha256": facts.sha256])
    }
}
