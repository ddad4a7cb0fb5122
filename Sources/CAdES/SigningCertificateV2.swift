import SignatureAlgorithms
import CMS
import Signing
import SwiftASN1
import X509

/// `SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2 }` (RFC 5035),
/// with one ESSCertIDv2 { hashAlgorithm (absent for SHA-256), certHash, issuerSerial }.
struct SigningCertificateV2: DERImplicitlyTaggable {
    static var defaultIdentifier: ASN1Identifier { .sequence }

    let hashAlgorithm: ASN1ObjectIdentifier
    let certificateHash: [UInt8]
    let issuerSerial: IssuerSerial

    init(certificate: Certificate, der: [UInt8], hash: HashAlgorithm) {
        hashAlgorithm = hash.oid
        certificateHash = hash.digest(der)
        issuerSerial = IssuerSerial(of: certificate)
    }

    init(derEncoded node: ASN1Node, withIdentifier identifier: ASN1Identifier) throws {
        throw ASN1Error.invalidASN1Object(reason: "parsing SigningCertificateV2 is not needed")
    }

    func serialize(into coder: inout DER.Serializer, withIdentifier identifier: ASN1Identifier) throws {
        try coder.appendConstructedNode(identifier: identifier) { coder in
            try coder.appendConstructedNode(identifier: .sequence) { coder in
                // ESSCertIDv2
                try coder.appendConstructedNode(identifier: .sequence) { coder in
                    if hashAlgorithm != HashAlgorithm.sha256.oid {
                        try coder.serialize(AlgorithmIdentifier(algorithm: hashAlgorithm))
                    }
                    try coder.serialize(ASN1OctetString(contentBytes: ArraySlice(certificateHash)))
                    try coder.serialize(issuerSerial)
                }
            }
        }
    }
}
