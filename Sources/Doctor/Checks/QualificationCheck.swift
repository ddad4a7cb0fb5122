import Localization
import QualifiedCertificates

/// Whether a certificate was issued as an EU qualified certificate
/// (QCStatement QcCompliance), and for what (QcType esign / eseal).
struct QualificationCheck {
    static let name = "certificate-qualified"
    let facts: CertificateFacts

    func run() -> Finding {
        let who = facts.commonName ?? facts.subject
        let types = facts.qcStatements.types.map(\.description).joined(separator: ",")
        let details = [
            "qcCompliance": String(facts.qcStatements.compliance), "qcSSCD": String(facts.qcStatements.sscd), "qcType": types,
        ]
        guard facts.qcStatements.compliance else {
            return .warning(
                Self.name, "certificate-not-qualified",
                found: ClerkText(
                    pl: "Certyfikat „\(who)” nie jest certyfikatem kwalifikowanym (brak deklaracji QcCompliance).",
                    en: "Certificate “\(who)” is not a qualified certificate (no QcCompliance statement)."),
                why: ClerkText(
                    pl: "Podpis nim złożony nie jest kwalifikowanym podpisem elektronicznym i nie zastępuje podpisu własnoręcznego.",
                    en: "A signature made with it is not a qualified electronic signature and does not replace a handwritten one."),
                fix: ClerkText(
                    pl: "Do podpisu kwalifikowanego wybierz certyfikat kwalifikowany (podpis certs pokazuje, które nimi są); jeśli to jedyny certyfikat, zamów kwalifikowany u dostawcy usług zaufania.",
                    en: "For a qualified signature choose a qualified certificate (podpis certs shows which are); if this is the only one, order a qualified certificate from a trust service provider."),
                details: details)
        }
        let purpose: ClerkText
        if facts.qualifiedForSealing {
            purpose = ClerkText(pl: "do pieczęci kwalifikowanej", en: "for qualified seals")
        } else if facts.qualifiedForSigning {
            purpose = ClerkText(pl: "do podpisu kwalifikowanego", en: "for qualified signatures")
        } else {
            purpose = ClerkText(pl: "(QcCompliance)", en: "(QcCompliance)")
        }
        return .ok(Self.name, "certificate-qualified", ClerkText(pl: "Certyfikat kwalifikowany \(purpose.pl).", en: "Qualified certificate \(purpose.en)."), details: details)
    }
}
