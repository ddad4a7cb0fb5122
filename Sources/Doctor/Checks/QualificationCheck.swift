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
            return .warning(Self.name, messages.finding("certificate-not-qualified", ["who": who]), details: details)
        }
        let purpose: ClerkText
        if facts.qualifiedForSealing {
            purpose = messages.text("certificate-qualified.sealing")
        } else if facts.qualifiedForSigning {
            purpose = messages.text("certificate-qualified.signing")
        } else {
            purpose = messages.text("certificate-qualified.qc-compliance")
        }
        return .ok(Self.name, "certificate-qualified", messages.text("certificate-qualified.found", ["purpose": purpose]), details: details)
    }
}
