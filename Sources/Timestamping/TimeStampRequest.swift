import CMS
import SwiftASN1

/// `MessageImprint ::= SEQUENCE { hashAlgorithm AlgorithmIdentifier, hashedMessage OCTET STRING }`.
public struct MessageImprint: DERImplicitlyTaggable, Hashable, Sendable {
    public static var defaultIdentifier: ASN1Identifier { .sequence }
    public var hashAlgorithm: AlgorithmIdentifier
    public var hashedMessage: [UInt8]

    public init(hashAlgorithm: AlgorithmIdentifier, hashedMessage: [UInt8]) {
        self.hashAlgorithm = hashAlgorithm
        self.hashedMessage = hashedMessage
    }

    public init(derEncoded node: ASN1Node, withIdentifier identifier: ASN1Identifier) throws {
        self = try DER.sequence(node, identifier: identifier) { nodes in
            let algorithm = try AlgorithmIdentifier(derEncoded: &nodes)
            let hash = try ASN1OctetString(derEncoded: &nodes)
            return MessageImprint(hashAlgorithm: algorithm, hashedMessage: Array(hash.bytes))
        }
    }

    public func serialize(into coder: inout DER.Serializer, withIdentifier identifier: ASN1Identifier) throws {
        try coder.appendConstructedNode(identifier: identifier) { coder in
            try coder.serialize(hashAlgorithm)
            try coder.serialize(ASN1OctetString(contentBytes: ArraySlice(hashedMessage)))
        }
    }
}

/// `TimeStampReq` (RFC 3161 §2.4.1): version 1, the imprint, a nonce, and a
/// request for the TSA's certificate in the answer.
public struct TimeStampRequest: DERImplicitlyTaggable, Hashable, Sendable {
    public static var defaultIdentifier: ASN1Identifier { .sequence }
    public var messageImprint: MessageImprint
    public var policy: ASN1ObjectIdentifier?
    /// Positive, big-endian.
    public var nonce: [UInt8]
    public var certificateRequested: Bool

    public init(messageImprint: MessageImprint, policy: ASN1ObjectIdentifier? = nil, nonce: [UInt8], certificateRequested: Bool = true) {
        self.messageImprint = messageImprint
        self.policy = policy
        self.nonce = nonce
        self.certificateRequested = certificateRequested
    }

    public init(derEncoded node: ASN1Node, withIdentifier identifier: ASN1Identifier) throws {
        self = try DER.sequence(node, identifier: identifier) { nodes in
            _ = try Int(derEncoded: &nodes)
            let imprint = try MessageImprint(derEncoded: &nodes)
            var policy: ASN1ObjectIdentifier? = nil
            var nonce: [UInt8] = []
            var certReq = false
            while let node = nodes.next() {
                switch node.identifier {
                case .objectIdentifier: policy = try ASN1ObjectIdentifier(derEncoded: node)
                case .integer: nonce = Array(try ArraySlice<UInt8>(derEncoded: node))
                case .boolean: certReq = try Bool(derEncoded: node)
                default: break
                }
            }
            return TimeStampRequest(messageImprint: imprint, policy: policy, nonce: nonce, certificateRequested: certReq)
        }
    }

    public func serialize(into coder: inout DER.Serializer, withIdentifier identifier: ASN1Identifier) throws {
        try coder.appendConstructedNode(identifier: identifier) { coder in
            try coder.serialize(1)
            try coder.serialize(messageImprint)
            if let policy { try coder.serialize(policy) }
            try coder.serialize(ArraySlice(nonce))
            if certificateRequested { try coder.serialize(true) }
        }
    }
}
