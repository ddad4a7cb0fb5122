import CMS
import SwiftASN1
import X509

/// `SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2 }` (RFC 5035),
/// with one ESSCertIDv2 { hashAlgorithm (absent for SHA-256), certHash, issuerSerial }.
struct SigningCertificateV2: DERImplicitlyTaggable {
    static var defaultIdentifier: ASN1Identifier { .sequence }

    let hashAlgorithm: ASN1ObjectIdentifier
    let certificateHash: [UInt8]
    let issuer: DistinguishedName
    let serialNumber: ArraySlice<UInt8>

    init(certificate: Certificate, der: [UInt8], hash: DigestAlgorithm) {
        hashAlgorithm = hash.oid
        certificateHash = hash.digest(der)
        issuer = certificate.issuer
        serialNumber = ArraySlice(certificate.serialNumber.bytes)
    }

    init(derEncoded node: ASN1Node, withIdentifier identifier: ASN1Identifier) throws {
        throw ASN1Error.invalidASN1Object(reason: "parsing SigningCertificateV2 is not needed")
    }

    func serialize(into coder: inout DER.Serializer, withIdentifier identifier: ASN1Identifier) throws {
        try coder.appendConstructedNode(identifier: identifier) { coder in
            try coder.appendConstructedNode(identifier: .sequence) { coder in
                // ESSCertIDv2
                try coder.appendConstructedNode(identifier: .sequence) { coder in
                    if hashAlgorithm != DigestAlgorithm.sha256.oid {
                        try coder.serialize(AlgorithmIdentifier(algorithm: hashAlgorithm))
                    }
                    try coder.serialize(ASN1OctetString(contentBytes: ArraySlice(certificateHash)))
                    // IssuerSerial { issuer GeneralNames { [4] directoryName }, serialNumber }
                    try coder.appendConstructedNode(identifier: .sequence) { coder in
                        try coder.appendConstructedNode(identifier: .sequence) { coder in
                            try coder.appendConstructedNode(identifier: ASN1Identifier(tagWithNumber: 4, tagClass: .contextSpecific)) { coder in
                                try coder.serialize(issuer)
                            }
                        }
                        try coder.serialize(serialNumber)
                    }
                }
            }
        }
    }
}
