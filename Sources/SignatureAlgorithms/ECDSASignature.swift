import SwiftASN1

/// Conversions between the two encodings of an ECDSA signature: raw `r || s`
/// (PKCS#11, XML-DSig) and DER `SEQUENCE { r INTEGER, s INTEGER }` (CMS, X.509).
public enum ECDSASignature {
    /// DER from raw `r || s` (both halves the same length).
    public static func der(fromRaw raw: [UInt8]) throws -> [UInt8] {
        guard raw.count % 2 == 0, !raw.isEmpty else { throw ASN1Error.invalidASN1Object(reason: "odd raw ECDSA signature") }
        let half = raw.count / 2
        var serializer = DER.Serializer()
        try serializer.appendConstructedNode(identifier: .sequence) { coder in
            try coder.serialize(IntegerBytes(Array(raw[..<half])))
            try coder.serialize(IntegerBytes(Array(raw[half...])))
        }
        return serializer.serializedBytes
    }

    /// Raw `r || s`, each half padded to `componentLength` (32 for P-256).
    public static func raw(fromDER der: [UInt8], componentLength: Int) throws -> [UInt8] {
        let node = try DER.parse(der)
        guard case .constructed(let nodes) = node.content else { throw ASN1Error.invalidASN1Object(reason: "not a SEQUENCE") }
        var iterator = nodes.makeIterator()
        guard let rNode = iterator.next(), let sNode = iterator.next(), iterator.next() == nil else {
            throw ASN1Error.invalidASN1Object(reason: "ECDSA-Sig-Value needs r and s")
        }
        let r = stripLeadingZeros(Array(try ArraySlice<UInt8>(derEncoded: rNode)))
        let s = stripLeadingZeros(Array(try ArraySlice<UInt8>(derEncoded: sNode)))
        guard r.count <= componentLength, s.count <= componentLength else {
            throw ASN1Error.invalidASN1Object(reason: "ECDSA component longer than the curve")
        }
        return [UInt8](repeating: 0, count: componentLength - r.count) + r
            + [UInt8](repeating: 0, count: componentLength - s.count) + s
    }
}

/// An unsigned big-endian integer to serialise as a DER INTEGER.
private struct IntegerBytes: DERSerializable {
    let bytes: [UInt8]
    init(_ bytes: [UInt8]) { self.bytes = stripLeadingZeros(bytes) }
    func serialize(into coder: inout DER.Serializer) throws {
        var content = bytes
        if let first = content.first, first & 0x80 != 0 { content.insert(0, at: 0) }
        coder.appendPrimitiveNode(identifier: .integer) { $0.append(contentsOf: content) }
    }
}

/// A big-endian unsigned integer without its leading zero bytes (one zero left for zero).
package func stripLeadingZeros(_ bytes: [UInt8]) -> [UInt8] {
    var slice = bytes[...]
    while slice.count > 1, slice.first == 0 { slice = slice.dropFirst() }
    return Array(slice)
}
