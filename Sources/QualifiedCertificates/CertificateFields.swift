import Foundation
import SwiftASN1
import X509

/// The fields of a certificate that its facts are made of, read from the
/// TBSCertificate (RFC 5280 §4.1) without reading its public key.
///
/// swift-certificates' `Certificate(derEncoded:)` parses the key too, and
/// refuses what swift-crypto will not use, such as a 1024-bit RSA key: real
/// qualified certificates of the last decade (Certum QCA, 2014) have one and
/// would vanish from every listing. Their holder, issuer, dates and
/// QCStatements are still worth showing, so this reads them on their own.
struct CertificateFields {
    let serialNumber: [UInt8]
    let issuer: DistinguishedName
    let notBefore: Date
    let notAfter: Date
    let subject: DistinguishedName
    let extensions: Certificate.Extensions

    init(certificate: Certificate) {
        serialNumber = Array(certificate.serialNumber.bytes)
        issuer = certificate.issuer
        notBefore = certificate.notValidBefore
        notAfter = certificate.notValidAfter
        subject = certificate.subject
        extensions = certificate.extensions
    }

    /// Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }
    /// TBSCertificate ::= SEQUENCE { version [0] EXPLICIT DEFAULT v1, serialNumber, signature,
    ///   issuer, validity, subject, subjectPublicKeyInfo, issuerUniqueID [1] IMPLICIT OPTIONAL,
    ///   subjectUniqueID [2] IMPLICIT OPTIONAL, extensions [3] EXPLICIT OPTIONAL }
    init(der: [UInt8]) throws {
        let root = try DER.parse(der)
        self = try DER.sequence(root, identifier: .sequence) { certificate in
            guard let tbs = certificate.next(), certificate.next() != nil, certificate.next() != nil else {
                throw ASN1Error.invalidASN1Object(reason: "a certificate without its TBSCertificate, algorithm and signature")
            }
            return try DER.sequence(tbs, identifier: .sequence) { nodes in
                _ = try DER.optionalExplicitlyTagged(&nodes, tagNumber: 0, tagClass: .contextSpecific) { try Int(derEncoded: $0) }
                let serial = try ArraySlice<UInt8>(derEncoded: &nodes)
                _ = try ASN1Any(derEncoded: &nodes)  // signature AlgorithmIdentifier
                let issuer = try DistinguishedName(derEncoded: &nodes)
                guard let validityNode = nodes.next() else { throw ASN1Error.invalidASN1Object(reason: "a certificate without validity") }
                let (notBefore, notAfter) = try DER.sequence(validityNode, identifier: .sequence) { validity in
                    guard let notBefore = validity.next(), let notAfter = validity.next(), validity.next() == nil else {
                        throw ASN1Error.invalidASN1Object(reason: "a validity without two times")
                    }
                    return (try Self.date(notBefore), try Self.date(notAfter))
                }
                let subject = try DistinguishedName(derEncoded: &nodes)
                _ = try ASN1Any(derEncoded: &nodes)  // subjectPublicKeyInfo, not read
                let _: ASN1BitString? = try DER.optionalImplicitlyTagged(&nodes, tag: ASN1Identifier(tagWithNumber: 1, tagClass: .contextSpecific))
                let _: ASN1BitString? = try DER.optionalImplicitlyTagged(&nodes, tag: ASN1Identifier(tagWithNumber: 2, tagClass: .contextSpecific))
                let extensions = try DER.optionalExplicitlyTagged(&nodes, tagNumber: 3, tagClass: .contextSpecific) { node in
                    try DER.sequence(of: Certificate.Extension.self, identifier: .sequence, rootNode: node)
                } ?? []
                return CertificateFields(
                    serialNumber: Array(serial), issuer: issuer, notBefore: notBefore, notAfter: notAfter, subject: subject,
                    extensions: try Certificate.Extensions(extensions))
            }
        }
    }

    private init(
        serialNumber: [UInt8], issuer: DistinguishedName, notBefore: Date, notAfter: Date, subject: DistinguishedName,
        extensions: Certificate.Extensions
    ) {
        self.serialNumber = serialNumber
        self.issuer = issuer
        self.notBefore = notBefore
        self.notAfter = notAfter
        self.subject = subject
        self.extensions = extensions
    }

    /// Time ::= CHOICE { utcTime UTCTime, generalTime GeneralizedTime }, in UTC.
    static func date(_ node: ASN1Node) throws -> Date {
        var components = DateComponents()
        var fraction = 0.0
        switch node.identifier {
        case UTCTime.defaultIdentifier:
            let time = try UTCTime(derEncoded: node)
            (components.year, components.month, components.day) = (time.year, time.month, time.day)
            (components.hour, components.minute, components.second) = (time.hours, time.minutes, time.seconds)
        case GeneralizedTime.defaultIdentifier:
            let time = try GeneralizedTime(derEncoded: node)
            (components.year, components.month, components.day) = (time.year, time.month, time.day)
            (components.hour, components.minute, components.second) = (time.hours, time.minutes, time.seconds)
            fraction = time.fractionalSeconds
        default:
            throw ASN1Error.unexpectedFieldType(node.identifier)
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0)!
        guard let date = calendar.date(from: components) else {
            throw ASN1Error.invalidASN1Object(reason: "a time that is no date")
        }
        return date.addingTimeInterval(fraction)
    }
}
