import FuzzSupport
import QualifiedCertificates

// A certificate object as a token (or another signer's signature) hands it
// over: its fields read without its public key, the distinguished names as
// text (postalAddress and the other string kinds), the QCStatements and
// policies. `podpis certs`, /v1/certificates and `podpis doctor` show these.
fuzz { input in
    guard let facts = try? CertificateFacts(der: Array(input)) else { return }
    _ = (facts.subject, facts.issuer, facts.commonName, facts.organization, facts.subjectSerialNumber)
    _ = (facts.qcStatements, facts.isCA, facts.sha256)
}
