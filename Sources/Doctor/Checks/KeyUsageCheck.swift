import Localization
import QualifiedCertificates

/// Whether a qualified certificate's key usage fits what it is for: a
/// person's signature needs nonRepudiation; an organisation's seal needs
/// QcType eseal (and nonRepudiation too). Certificates that are not
/// qualified are left to `QualificationCheck`.
struct KeyUsageCheck {
    static let name = "certificate-key-usage"
    let facts: CertificateFacts

    /// A seal belongs to a legal person: QcType eseal, or an organisation
    /// identifier (VATPL-, NTRPL-…) and no person's identifier.
    var isForSealing: Bool {
        facts.qcStatements.types.contains(.eseal) || (facts.organizationIdentifier != nil && facts.personIdentifier == nil)
    }

    func run() -> Finding? {
        guard facts.qcStatements.compliance else { return nil }
        let who = facts.commonName ?? facts.subject
        let details = ["keyUsage": facts.keyUsage.joined(separator: ","), "qcType": facts.qcStatements.types.map(\.description).joined(separator: ",")]
        if isForSealing && !facts.qcStatements.types.contains(.eseal) {
            return .problem(
                Self.name, "certificate-not-eseal",
                found: ClerkText(
                    pl: "Certyfikat „\(who)” należy do instytucji, ale nie jest certyfikatem pieczęci (brak QcType eseal).",
                    en: "Certificate “\(who)” belongs to an organisation but is not a seal certificate (no QcType eseal)."),
                why: ClerkText(
                    pl: "Pieczęć złożona takim certyfikatem nie jest kwalifikowaną pieczęcią elektroniczną.",
                    en: "A seal made with it is not a qualified electronic seal."),
                fix: ClerkText(
                    pl: "Do pieczęci urzędu użyj kwalifikowanego certyfikatu pieczęci elektronicznej (QcType eseal); zamów go u dostawcy usług zaufania.",
                    en: "For the office's seal use a qualified electronic seal certificate (QcType eseal); order one from a trust service provider."),
                details: details)
        }
        if !facts.hasNonRepudiation {
            return .problem(
                Self.name, "certificate-no-nonrepudiation",
                found: ClerkText(
                    pl: "Certyfikat „\(who)” nie ma użycia klucza nonRepudiation (ma: \(facts.keyUsage.joined(separator: ", "))).",
                    en: "Certificate “\(who)” lacks the nonRepudiation key usage (it has: \(facts.keyUsage.joined(separator: ", ")))."),
                why: ClerkText(
                    pl: "Bez nonRepudiation (contentCommitment) certyfikat nie służy do kwalifikowanego podpisu ani pieczęci; weryfikatory odrzucą taki podpis jako kwalifikowany.",
                    en: "Without nonRepudiation (contentCommitment) the certificate is not for qualified signatures or seals; verifiers will not accept such a signature as qualified."),
                fix: ClerkText(
                    pl: "Wybierz na karcie certyfikat kwalifikowany do podpisu (z nonRepudiation); ten służy zwykle do uwierzytelniania lub szyfrowania.",
                    en: "Choose the card's qualified signing certificate (with nonRepudiation); this one is usually for authentication or encryption."),
                details: details)
        }
        return .ok(
            Self.name, "certificate-key-usage-ok",
            isForSealing
                ? ClerkText(pl: "Użycie klucza pasuje do pieczęci (nonRepudiation, eseal).", en: "Key usage fits a seal (nonRepudiation, eseal).")
                : ClerkText(pl: "Użycie klucza pasuje do podpisu (nonRepudiation).", en: "Key usage fits a signature (nonRepudiation)."),
            details: details)
    }
}
