import CMS
import SwiftASN1

/// A SignerInfo exactly as its file encodes it (DER or another producer's
/// BER): its fields version … signature and each unsigned attribute kept as
/// bytes. The archive-time-stamp-v3 stamps these bytes, and adding an
/// unsigned attribute must leave every one of them as it was.
struct EncodedSignerInfo {
    /// One unsigned attribute as encoded.
    struct Attribute {
        let type: ASN1ObjectIdentifier
        /// The encoded attrType (tag and length included).
        let typeBytes: [UInt8]
        /// Each AttributeValue as encoded.
        let values: [[UInt8]]
        /// The whole Attribute as encoded.
        let bytes: [UInt8]
    }

    static let unsignedTag = ASN1Identifier(tagWithNumber: 1, tagClass: .contextSpecific)

    /// The fields version, sid, digestAlgorithm, signedAttrs, signatureAlgorithm and signature, each as encoded, in order.
    let fields: [[UInt8]]
    let unsignedAttributes: [Attribute]

    init(_ bytes: [UInt8]) throws(CMSError) {
        do {
            let root = try BER.parse(bytes)
            guard root.identifier == .sequence, case .constructed(let children) = root.content else {
                throw CMSError(.malformed, "SignerInfo is not a SEQUENCE")
            }
            var fields: [[UInt8]] = []
            var attributes: [Attribute] = []
            for child in children {
                guard child.identifier == Self.unsignedTag else {
                    fields.append(Array(child.encodedBytes))
                    continue
                }
                guard case .constructed(let members) = child.content else { throw CMSError(.malformed, "unsignedAttrs") }
                for member in members { attributes.append(try Self.attribute(member)) }
            }
            guard fields.count >= 5 else { throw CMSError(.malformed, "SignerInfo has \(fields.count) fields") }
            self.fields = fields
            self.unsignedAttributes = attributes
        } catch let error as CMSError {
            throw error
        } catch {
            throw CMSError(.malformed, "SignerInfo: \(parseFailure(error))")
        }
    }

    private static func attribute(_ node: ASN1Node) throws -> Attribute {
        guard node.identifier == .sequence, case .constructed(let parts) = node.content else {
            throw CMSError(.malformed, "unsigned attribute is not a SEQUENCE")
        }
        var iterator = parts.makeIterator()
        guard let typeNode = iterator.next(), let valuesNode = iterator.next(), iterator.next() == nil,
            valuesNode.identifier == .set, case .constructed(let values) = valuesNode.content
        else { throw CMSError(.malformed, "unsigned attribute is not { attrType, attrValues }") }
        return Attribute(
            type: try ASN1ObjectIdentifier(berEncoded: typeNode), typeBytes: Array(typeNode.encodedBytes),
            values: values.map { Array($0.encodedBytes) }, bytes: Array(node.encodedBytes))
    }

    /// The SignerInfo with a new unsigned attribute of one value (`value`,
    /// one encoded element, kept as it is) after the others: every field and
    /// every attribute already there keeps its bytes and its place (the SET
    /// is not re-sorted; EN 319 122-1 indexes the values, not their order).
    func appending(type: ASN1ObjectIdentifier, value: [UInt8]) throws -> [UInt8] {
        var coder = DER.Serializer()
        try coder.appendConstructedNode(identifier: .sequence) { coder in
            for field in fields { coder.serializeRawBytes(field) }
            try coder.appendConstructedNode(identifier: Self.unsignedTag) { coder in
                for existing in unsignedAttributes { coder.serializeRawBytes(existing.bytes) }
                try coder.appendConstructedNode(identifier: .sequence) { coder in
                    try coder.serialize(type)
                    coder.appendConstructedNode(identifier: .set) { coder in coder.serializeRawBytes(value) }
                }
            }
        }
        return coder.serializedBytes
    }
}
