import PKCS11
import QualifiedCertificates
import SmartCard

/// A certificate object on a token that could not be read: listed with its
/// problem (`podpis certs`, `/v1/certificates`, `podpis doctor`), never
/// skipped, so that a clerk whose card holds it learns why it is not offered.
public struct CertificateProblem: Sendable, Codable, Hashable {
    public let token: String
    public let tokenSerial: String
    public let module: String
    /// The object's CKA_LABEL.
    public let label: String
    /// The object's CKA_ID in hex.
    public let objectID: String
    /// SHA-256 of the object's value (CKA_VALUE), lower-case hex.
    public let sha256: String
    /// `certificate-unreadable`.
    public let code: String
    /// What the parser said.
    public let reason: String
    public let message: String

    public init(certificate: CertificateObject, error: CertificateFactsError, token: Token) {
        self.token = token.info.label
        tokenSerial = token.info.serialNumber
        module = token.module.name.isEmpty ? token.module.path : token.module.name
        label = certificate.label
        objectID = Hex.encode(certificate.id)
        sha256 = CertificateFacts.sha256(certificate.der)
        code = error.code
        reason = error.reason
        message = error.message.description
    }
}
