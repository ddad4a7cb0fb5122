import Evidence
import TrustedLists
import XAdES

/// Checks a trusted list's enveloped XAdES signature with Podpis's own
/// examiner: exactly one signature, every reference intact and pointing
/// only at the whole list or the signature's SignedProperties, the value
/// intact. Returns the signer's certificate; the trust decision (pinned,
/// announced) is ``TrustedListSet``'s.
public struct XAdESTrustedListSignatureChecker: TrustedListSignatureChecker {
    public init() {}

    public func signer(of document: XMLDocument, name: String) throws -> [UInt8] {
        let signatures = XAdESExaminer.examine(document, detached: [])
        guard signatures.count == 1, let signature = signatures.first else {
            throw TrustedListError(.badSignature, "\(name): \(signatures.count) signatures")
        }
        for reference in signature.references {
            guard reference.outcome == .intact else { throw TrustedListError(.badSignature, "\(name): reference \(reference.uri) \(reference.outcome)") }
            guard reference.uri == "" || reference.kind == .signedProperties || reference.kind == .signatureElement else {
                throw TrustedListError(.badSignature, "\(name): a reference to \(reference.uri) (a list signs itself only)")
            }
        }
        guard signature.references.contains(where: { $0.uri == "" && $0.scopeKind == .wholeDocumentWithoutSignatures }) else {
            throw TrustedListError(.badSignature, "\(name): the signature does not cover the whole list")
        }
        guard signature.signatureValue == .intact, let signer = signature.signingCertificate else {
            throw TrustedListError(.badSignature, "\(name): \(signature.signatureValue)")
        }
        switch signature.signingCertificateReference {
        case .absent, .matches: break
        default: throw TrustedListError(.badSignature, "\(name): \(signature.signingCertificateReference)")
        }
        return signer.der
    }
}
