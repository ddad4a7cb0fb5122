import SwiftASN1

/// The ETSI commitment types (ETSI TS 119 172-1; OIDs 1.2.840.113549.1.9.16.6.x):
/// what the signer means by signing.
public enum CommitmentType: String, Sendable, CaseIterable, Codable {
    case proofOfOrigin = "origin"
    case proofOfReceipt = "receipt"
    case proofOfDelivery = "delivery"
    case proofOfSender = "sender"
    case proofOfApproval = "approval"
    case proofOfCreation = "creation"

    public var oid: ASN1ObjectIdentifier {
        let arc: UInt
        switch self {
        case .proofOfOrigin: arc = 1
        case .proofOfReceipt: arc = 2
        case .proofOfDelivery: arc = 3
        case .proofOfSender: arc = 4
        case .proofOfApproval: arc = 5
        case .proofOfCreation: arc = 6
        }
        return try! ASN1ObjectIdentifier(elements: [1, 2, 840, 113549, 1, 9, 16, 6, arc])
    }
}

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
