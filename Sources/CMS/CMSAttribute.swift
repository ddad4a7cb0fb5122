import SwiftASN1

/// `Attribute ::= SEQUENCE { attrType OID, attrValues SET OF AttributeValue }` (RFC 5652 §5.3).
public struct CMSAttribute: DERImplicitlyTaggable, BERImplicitlyTaggable, Hashable, Sendable {
    public static var defaultIdentifier: ASN1Identifier { .sequence }

    public var type: ASN1ObjectIdentifier
    public var values: [ASN1Any]

    public init(type: ASN1ObjectIdentifier, values: [ASN1Any]) {
        self.type = type
        self.values = values
    }

    /// An attribute with one value.
    public init<Value: DERSerializable>(type: ASN1ObjectIdentifier, value: Value) throws {
        self.init(type: type, values: [try ASN1Any(erasing: value)])
    }

    public init(derEncoded node: ASN1Node, withIdentifier identifier: ASN1Identifier) throws {
        self = try DER.sequence(node, identifier: identifier) { nodes in
            let type = try ASN1ObjectIdentifier(derEncoded: &nodes)
            let values = try DER.set(of: ASN1Any.self, identifier: .set, nodes: &nodes)
            return CMSAttribute(type: type, values: values)
        }
    }

    public init(berEncoded node: ASN1Node, withIdentifier identifier: ASN1Identifier) throws {
        self = try BER.sequence(node, identifier: identifier) { nodes in
            let type = try ASN1ObjectIdentifier(berEncoded: &nodes)
            let values = try BER.set(of: ASN1Any.self, identifier: .set, nodes: &nodes)
            return CMSAttribute(type: type, values: values)
        }
    }

    public func serialize(into coder: inout DER.Serializer, withIdentifier identifier: ASN1Identifier) throws {
        try coder.appendConstructedNode(identifier: identifier) { coder in
            try coder.serialize(type)
            try coder.serializeSetOf(values)
        }
    }
}
