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
            return .problem(Self.name, messages.finding("certificate-not-eseal", ["who": who]), details: details)
        }
        if !facts.hasNonRepudiation {
            return .problem(Self.name, messages.finding("certificate-no-nonrepudiation", ["who": who, "usage": facts.keyUsage.joined(separator: ", ")]), details: details)
        }
        return .ok(
            Self.name, "certificate-key-usage-ok",
            isForSealing
                ? messages.text("certificate-key-usage-ok.seal")
                : messages.text("certificate-key-usage-ok.signature"),
            details: details)
    }
}
