import Signing
import SwiftASN1

/// `CommitmentTypeIndication ::= SEQUENCE { commitmentTypeId OID, … }` (RFC 5126 §5.11.1).
struct CommitmentTypeIndication: DERImplicitlyTaggable {
    static var defaultIdentifier: ASN1Identifier { .sequence }
    let type: CommitmentType

    init(_ type: CommitmentType) { self.type = type }

    init(derEncoded node: ASN1Node, withIdentifier identifier: ASN1Identifier) throws {
        let oid = try DER.sequence(node, identifier: identifier) { nodes in
            let oid = try ASN1ObjectIdentifier(derEncoded: &nodes)
            while nodes.next() != nil {}
            return oid
        }
        guard let type = CommitmentType.allCases.first(where: { $0.oid == oid }) else {
            throw ASN1Error.invalidASN1Object(reason: "unknown commitment type \(oid)")
        }
        self.type = type
    }

    func serialize(into coder: inout DER.Serializer, withIdentifier identifier: ASN1Identifier) throws {
        try coder.appendConstructedNode(identifier: identifier) { try $0.serialize(type.oid) }
    }
}
