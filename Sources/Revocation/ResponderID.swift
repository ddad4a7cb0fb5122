import SwiftASN1
import X509

/// `ResponderID ::= CHOICE { byName [1] Name, byKey [2] KeyHash }` (RFC 6960 §4.2.1):
/// who signed an OCSP response, by subject name or by the SHA-1 of its public key.
public enum ResponderID: DERParseable, DERSerializable, Hashable, Sendable {
    case byName(DistinguishedName)
    case byKey([UInt8])

    public init(derEncoded node: ASN1Node) throws {
        switch node.identifier {
        case ASN1Identifier(tagWithNumber: 1, tagClass: .contextSpecific):
            self = .byName(try DER.explicitlyTagged(node, tagNumber: 1, tagClass: .contextSpecific) { try DistinguishedName(derEncoded: $0) })
        case ASN1Identifier(tagWithNumber: 2, tagClass: .contextSpecific):
            self = .byKey(try DER.explicitlyTagged(node, tagNumber: 2, tagClass: .contextSpecific) { Array(try ASN1OctetString(derEncoded: $0).bytes) })
        default:
            throw ASN1Error.unexpectedFieldType(node.identifier)
        }
    }

    public func serialize(into coder: inout DER.Serializer) throws {
        switch self {
        case .byName(let name): try coder.serialize(name, explicitlyTaggedWithTagNumber: 1, tagClass: .contextSpecific)
        case .byKey(let hash):
            try coder.serialize(ASN1OctetString(contentBytes: ArraySlice(hash)), explicitlyTaggedWithTagNumber: 2, tagClass: .contextSpecific)
        }
    }

    /// Whether this ID names `certificate` (its subject, or the SHA-1 of its subjectPublicKey).
    public func identifies(_ certificate: Certificate) -> Bool {
        switch self {
        case .byName(let name): name == certificate.subject
        case .byKey(let hash): hash == SignatureCheck.sha1(SignatureCheck.publicKeyBits(certificate))
        }
    }
}
