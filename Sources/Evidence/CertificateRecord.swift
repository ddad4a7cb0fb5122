import SignatureAlgorithms
import CMS
import Foundation
import SwiftASN1
import X509

/// A certificate as read from a signature: its DER and the fields a report
/// and a path need, even when swift-certificates refuses the certificate as
/// a whole (its RSA parser takes no key under 2048 bits, and a 2014 Polish
/// qualified certificate has RSA-1024). `certificate` is the full
/// swift-certificates value when it could be made.
public struct CertificateRecord: Sendable, Hashable {
    public let der: [UInt8]
    public let certificate: Certificate?
    public let subject: DistinguishedName
    public let issuer: DistinguishedName
    /// The serial number's content octets (big-endian, as encoded).
    public let serialNumber: [UInt8]
    public let notBefore: Date
    public let notAfter: Date
    public let extensions: Certificate.Extensions
    /// DER of the SubjectPublicKeyInfo.
    public let subjectPublicKeyInfo: [UInt8]
    /// DER of the tbsCertificate and the outer signature, for checking it
    /// when `certificate` is nil.
    public let tbsCertificate: [UInt8]
    public let signatureAlgorithm: ASN1ObjectIdentifier
    public let signature: [UInt8]
    /// The subject's and issuer's names as RFC 4514 text (swift-certificates'
    /// description), worked out once: reports show them for every document.
    public let subjectText: String
    public let issuerText: String

    /// Reads `der`, or takes the record already read from the same bytes.
    public init(der: [UInt8]) throws {
        self = try Self.read.value(MemoKey(der)) { try CertificateRecord(parsing: der) }
    }

    /// Certificates read so far, by their DER (see ``Memo``).
    static let read = Memo<MemoKey, CertificateRecord>(limit: 2048)

    private init(parsing der: [UInt8]) throws {
        self.der = der
        let root = try DER.parse(der)
        var fields: (tbs: ASN1Node, algorithm: ASN1ObjectIdentifier, signature: [UInt8])!
        fields = try DER.sequence(root, identifier: .sequence) { nodes in
            guard let tbs = nodes.next() else { throw ASN1Error.invalidASN1Object(reason: "certificate without tbsCertificate") }
            let algorithm = try DER.sequence(of: ASN1Any.self, identifier: .sequence, rootNode: nodes.next() ?? tbs)
            let oidNode = try ASN1ObjectIdentifier(asn1Any: algorithm.first ?? ASN1Any(erasing: ASN1Null()))
            let bits = try ASN1BitString(derEncoded: &nodes)
            return (tbs, oidNode, Array(bits.bytes))
        }
        tbsCertificate = Array(fields.tbs.encodedBytes)
        signatureAlgorithm = fields.algorithm
        signature = fields.signature
        var parsed: (DistinguishedName, DistinguishedName, [UInt8], Date, Date, Certificate.Extensions, [UInt8])!
        parsed = try DER.sequence(fields.tbs, identifier: .sequence) { nodes in
            var node = nodes.next()
            if let versionNode = node, versionNode.identifier == ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific) {
                node = nodes.next()
            }
            guard let serialNode = node else { throw ASN1Error.invalidASN1Object(reason: "no serial number") }
            let serial = Array(try ArraySlice<UInt8>(derEncoded: serialNode))
            _ = nodes.next()  // signature algorithm (checked against the outer one by swift-certificates)
            guard let issuerNode = nodes.next() else { throw ASN1Error.invalidASN1Object(reason: "no issuer") }
            let issuer = try DistinguishedName(derEncoded: issuerNode)
            guard let validityNode = nodes.next() else { throw ASN1Error.invalidASN1Object(reason: "no validity") }
            let (notBefore, notAfter) = try DER.sequence(validityNode, identifier: .sequence) { times in
                (try Self.time(times.next()), try Self.time(times.next()))
            }
            guard let subjectNode = nodes.next() else { throw ASN1Error.invalidASN1Object(reason: "no subject") }
            let subject = try DistinguishedName(derEncoded: subjectNode)
            guard let spki = nodes.next() else { throw ASN1Error.invalidASN1Object(reason: "no public key") }
            var extensions = try Certificate.Extensions([])
            while let next = nodes.next() {
                if next.identifier == ASN1Identifier(tagWithNumber: 3, tagClass: .contextSpecific) {
                    let list = try DER.explicitlyTagged(next, tagNumber: 3, tagClass: .contextSpecific) {
                        try DER.sequence(of: Certificate.Extension.self, identifier: .sequence, rootNode: $0)
                    }
                    extensions = try Certificate.Extensions(list)
                }
            }
            return (subject, issuer, serial, notBefore, notAfter, extensions, Array(spki.encodedBytes))
        }
        (subject, issuer, serialNumber, notBefore, notAfter, extensions, subjectPublicKeyInfo) = parsed
        subjectText = subject.description
        issuerText = issuer.description
        certificate = try? Certificate(derEncoded: der)
    }

    public init(_ certificate: Certificate) throws {
        var coder = DER.Serializer()
        try coder.serialize(certificate)
        try self.init(der: coder.serializedBytes)
    }

    private static func time(_ node: ASN1Node?) throws -> Date {
        guard let node else { throw ASN1Error.invalidASN1Object(reason: "no time") }
        return try ASN1Time.date(node: node)
    }

    /// The serial number as hex (uppercase), as reports show it.
    public var serialHex: String { serialNumber.hexString.uppercased() }

    /// Whether `other` issued this certificate: names match and the signature verifies.
    public func isIssued(by other: CertificateRecord) -> Bool {
        guard issuer == other.subject else { return false }
        if let certificate, let issuerCertificate = other.certificate {
            return issuerCertificate.publicKey.isValidSignature(certificate.signature, for: certificate)
        }
        guard let scheme = SignatureScheme(oid: signatureAlgorithm, parameters: nil, digest: nil) else { return false }
        return scheme.verify(signature: signature, over: tbsCertificate, subjectPublicKeyInfo: other.subjectPublicKeyInfo) == .intact
    }

    public var isSelfIssued: Bool { subject == issuer }
}
