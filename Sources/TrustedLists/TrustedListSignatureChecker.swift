import XAdES

/// Verifies the enveloped XML signature of a trusted list and returns the
/// certificate that signed it. The trust decision (is this signer pinned or
/// announced?) is ``TrustedListSet``'s: the checker only says who signed,
/// and throws when the signature does not verify.
public protocol TrustedListSignatureChecker: Sendable {
    /// The DER of the certificate that signed `document` (DER, not a parsed
    /// certificate: some lists are signed with certificates swift-certificates
    /// cannot read, RSA-PSS with explicit parameters); throws when the
    /// signature is missing or does not verify.
    func signer(of document: XMLDocument, name: String) throws -> [UInt8]
}
