import CMS
import Foundation
import SwiftASN1
import X509

/// The checks every CMS SignerInfo gets, a signature's or a time-stamp
/// token's: which certificate it names (SID, then the ESS signing-certificate
/// attribute), the message digest over the content, and the signature over
/// the signed attributes as they were received.
public enum SignerCheck {
    public struct Result: Sendable {
        public var certificate: CertificateRecord?
        public var signatureValue: SignatureValueCheck
        public var reference: SigningCertificateReferenceCheck
        /// The message-digest attribute matches the content (nil: no content to check).
        public var contentDigestMatches: Bool?
        public var scheme: SignatureScheme?
    }

    /// Checks `signer` over `content` (nil for a detached signature whose
    /// data is not at hand: only the signed attributes are checked).
    public static func check(_ signer: SignerInfo, content: [UInt8]?, candidates: [CertificateRecord]) -> Result {
        let digest = DigestAlgorithm(oid: signer.digestAlgorithm.algorithm)
        let scheme = SignatureScheme(oid: signer.signatureAlgorithm.algorithm, parameters: signer.signatureAlgorithm.parameters, digest: digest)
        let reference = SigningCertificateReference.read(from: signer)
        let bySID = candidates.first { matchesSID(signer, $0) }
        var result = Result(certificate: bySID, signatureValue: .notChecked("no signing certificate"), reference: .absent, scheme: scheme)
        if let reference {
            result.reference = reference.check(against: bySID, candidates: candidates)
            if bySID == nil, case .matches = result.reference { result.certificate = reference.match(in: candidates) }
        }
        if let content, let digest {
            if let value = signer.signedAttribute(CMSOID.messageDigest), let octets = try? ASN1OctetString(asn1Any: value) {
                result.contentDigestMatches = Array(octets.bytes) == digest.digest(content)
            } else {
                result.contentDigestMatches = false
            }
        }
        guard let certificate = result.certificate else { return result }
        guard let scheme else {
            result.signatureValue = .unsupported("signature algorithm \(signer.signatureAlgorithm.algorithm)")
            return result
        }
        guard let signedBytes = signer.receivedSignedAttributes ?? (try? signer.signedAttributesForSigning()) else {
            result.signatureValue = .broken("no signed attributes")
            return result
        }
        result.signatureValue = scheme.verify(signature: signer.signature, over: signedBytes, subjectPublicKeyInfo: certificate.subjectPublicKeyInfo)
        // RFC 5652 §5.4 signs the DER encoding of the signed attributes; a file
        // may store them otherwise (BER, out of SET OF order: DSS-667's samples
        // were signed over the DER order and stored unsorted). Both are tried.
        if result.signatureValue != .intact, let der = try? signer.signedAttributesForSigning(), der != signedBytes,
            scheme.verify(signature: signer.signature, over: der, subjectPublicKeyInfo: certificate.subjectPublicKeyInfo) == .intact
        {
            result.signatureValue = .intact
        }
        return result
    }

    static func matchesSID(_ signer: SignerInfo, _ certificate: CertificateRecord) -> Bool {
        guard ArraySlice(certificate.serialNumber) == signer.serialNumber else { return false }
        var coder = DER.Serializer()
        guard (try? coder.serialize(signer.issuer)) != nil, let node = try? DER.parse(coder.serializedBytes),
            let issuer = try? DistinguishedName(derEncoded: node)
        else { return false }
        return issuer == certificate.issuer
    }
}
