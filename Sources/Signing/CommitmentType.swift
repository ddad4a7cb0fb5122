import SwiftASN1

/// The ETSI commitment types (ETSI TS 119 172-1): what the signer means by
/// signing. CAdES names them by OID (1.2.840.113549.1.9.16.6.x), XAdES by URI.
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

    /// The XAdES identifier (http://uri.etsi.org/01903/v1.2.2#ProofOfOrigin …).
    public var uri: String {
        let name: String
        switch self {
        case .proofOfOrigin: name = "ProofOfOrigin"
        case .proofOfReceipt: name = "ProofOfReceipt"
        case .proofOfDelivery: name = "ProofOfDelivery"
        case .proofOfSender: name = "ProofOfSender"
        case .proofOfApproval: name = "ProofOfApproval"
        case .proofOfCreation: name = "ProofOfCreation"
        }
        return "http://uri.etsi.org/01903/v1.2.2#" + name
    }
}
