import SwiftASN1

/// One element of a CMS structure kept exactly as it came: its bytes, BER
/// or DER, are written back unchanged. SignedData holds its certificates,
/// CRLs and signer infos this way, so that adding a parallel signer (or
/// reading and writing another producer's BER file) never changes another
/// signer's bytes. `ASN1Any` is not enough: it writes BER input as DER.
public struct CMSElement: DERSerializable, Sendable, Hashable {
    /// The element's encoding, tag and length included.
    public let bytes: [UInt8]

    /// The element of a parsed node, as it came.
    public init(node: ASN1Node) {
        self.bytes = Array(node.encodedBytes)
    }

    /// Bytes that must form exactly one BER element.
    public init(bytes: [UInt8]) throws(CMSError) {
        do {
            let node = try BER.parse(bytes)
            guard node.encodedBytes.count == bytes.count else { throw CMSError(.malformed, "bytes after the element") }
        } catch let error as CMSError {
            throw error
        } catch {
            throw CMSError(.malformed, "element: \(parseFailure(error))")
        }
        self.bytes = bytes
    }

    /// Bytes this module has just written as one element.
    init(written bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// A value written as DER.
    public init<Value: DERSerializable>(erasing value: Value) throws {
        var coder = DER.Serializer()
        try coder.serialize(value)
        self.bytes = coder.serializedBytes
    }

    /// The element parsed again (BER rules, which DER satisfies).
    public func node() throws -> ASN1Node { try BER.parse(bytes) }

    public func serialize(into coder: inout DER.Serializer) throws {
        coder.serializeRawBytes(bytes)
    }
}
