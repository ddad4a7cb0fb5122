import SwiftASN1
import X509

/// `IssuerSerial ::= SEQUENCE { issuer GeneralNames, serialNumber CertificateSerialNumber }`
/// (RFC 5035), with the issuer as one directoryName: how CAdES' ESSCertIDv2
/// and XAdES' IssuerSerialV2 name a certificate.
public struct IssuerSerial: DERImplicitlyTaggable, Sendable {
    public static var defaultIdentifier: ASN1Identifier { .sequence }

    public let issuer: DistinguishedName
    public let serialNumber: ArraySlice<UInt8>

    public init(of certificate: Certificate) {
        issuer = certificate.issuer
        serialNumber = ArraySlice(certificate.serialNumber.bytes)
    }

    public init(derEncoded node: ASN1Node, withIdentifier identifier: ASN1Identifier) throws {
        (issuer, serialNumber) = try DER.sequence(node, identifier: identifier) { nodes in
            guard let generalNames = nodes.next() else {
                throw ASN1Error.invalidASN1Object(reason: "IssuerSerial: no issuer")
            }
            let directoryName = try DER.sequence(generalNames, identifier: .sequence) { names in
                guard let name = names.next(), names.next() == nil else {
                    throw ASN1Error.invalidASN1Object(reason: "IssuerSerial: expected one directoryName")
                }
                return try DER.explicitlyTagged(name, tagNumber: 4, tagClass: .contextSpecific) {
                    try DistinguishedName(derEncoded: $0)
                }
            }
            let serial = try ArraySlice<UInt8>(derEncoded: &nodes)
            return (directoryName, serial)
        }
    }

    public func serialize(into coder: inout DER.Serializer, withIdentifier identifier: ASN1Identifier) throws {
        try coder.appendConstructedNode(identifier: identifier) { coder in
            try coder.appendConstructedNode(identifier: .sequence) { coder in
                try coder.appendConstructedNode(identifier: ASN1Identifier(tagWithNumber: 4, tagClass: .contextSpecific)) { coder in
                    try coder.serialize(issuer)
                }
            }
            try coder.serialize(serialNumber)
        }
    }

    /// The DER encoding.
    public func derBytes() throws -> [UInt8] {
        var coder = DER.Serializer()
        try coder.serialize(self)
        return coder.serializedBytes
    }
}
