import CMS
import Foundation
import SwiftASN1
import X509

/// What the trusted-list queries read of an end-entity certificate: names,
/// validity, extensions and the subject public key's bytes, read from the
/// TBSCertificate without decoding the key. swift-certificates'
/// `Certificate(derEncoded:)` refuses keys swift-crypto will not use (RSA
/// 1024, as in the Certum QCA certificates of 2014), yet such a
/// certificate's qualification at its signing time still has to be told.
public struct IssuedCertificate: Sendable, Hashable {
    public let issuer: DistinguishedName
    public let subject: DistinguishedName
    public let notBefore: Date
    public let notAfter: Date
    public let extensions: Certificate.Extensions
    /// The DER of the SubjectPublicKeyInfo.
    public let subjectPublicKeyInfo: [UInt8]

    /// The fields of a certificate swift-certificates has read.
    public init(_ certificate: Certificate) {
        issuer = certificate.issuer
        subject = certificate.subject
        notBefore = certificate.notValidBefore
        notAfter = certificate.notValidAfter
        extensions = certificate.extensions
        subjectPublicKeyInfo = Array(certificate.publicKey.subjectPublicKeyInfoBytes)
    }

    /// The fields read from a certificate's DER (any key algorithm or size).
    public init(derEncoded der: [UInt8]) throws {
        let root = try DER.parse(der)
        self = try DER.sequence(root, identifier: .sequence) { certificate in
            guard let tbs = certificate.next(), certificate.next() != nil, certificate.next() != nil, certificate.next() == nil else {
                throw ASN1Error.invalidASN1Object(reason: "not a certificate")
            }
            return try DER.sequence(tbs, identifier: .sequence) { nodes in
                _ = try DER.optionalExplicitlyTagged(&nodes, tagNumber: 0, tagClass: .contextSpecific) { try Int(derEncoded: $0) }
                _ = try ArraySlice<UInt8>(derEncoded: &nodes)  // serial number
                _ = try ASN1Any(derEncoded: &nodes)  // signature algorithm
                let issuer = try DistinguishedName(derEncoded: &nodes)
                guard let validity = nodes.next() else { throw ASN1Error.invalidASN1Object(reason: "no validity") }
                let (notBefore, notAfter) = try DER.sequence(validity, identifier: .sequence) { times in
                    guard let first = times.next(), let second = times.next(), times.next() == nil else {
                        throw ASN1Error.invalidASN1Object(reason: "a validity without two times")
                    }
                    return (try ASN1Time.date(node: first), try ASN1Time.date(node: second))
                }
                let subject = try DistinguishedName(derEncoded: &nodes)
                guard let spki = nodes.next() else { throw ASN1Error.invalidASN1Object(reason: "no subject public key") }
                let _: ASN1BitString? = try DER.optionalImplicitlyTagged(&nodes, tag: ASN1Identifier(tagWithNumber: 1, tagClass: .contextSpecific))
                let _: ASN1BitString? = try DER.optionalImplicitlyTagged(&nodes, tag: ASN1Identifier(tagWithNumber: 2, tagClass: .contextSpecific))
                let extensions = try DER.optionalExplicitlyTagged(&nodes, tagNumber: 3, tagClass: .contextSpecific) { node in
                    try DER.sequence(of: Certificate.Extension.self, identifier: .sequence, rootNode: node)
                } ?? []
                return IssuedCertificate(
                    issuer: issuer, subject: subject, notBefore: notBefore, notAfter: notAfter,
                    extensions: try Certificate.Extensions(extensions), subjectPublicKeyInfo: Array(spki.encodedBytes))
            }
        }
    }

    private init(
        issuer: DistinguishedName, subject: DistinguishedName, notBefore: Date, notAfter: Date, extensions: Certificate.Extensions,
        subjectPublicKeyInfo: [UInt8]
    ) {
        self.issuer = issuer
        self.subject = subject
        self.notBefore = notBefore
        self.notAfter = notAfter
        self.extensions = extensions
        self.subjectPublicKeyInfo = subjectPublicKeyInfo
    }

}
