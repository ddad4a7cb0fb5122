import SwiftASN1

extension ASN1ObjectIdentifier {
    /// The dotted form read from the DER subidentifiers. (SwiftASN1 1.7's
    /// `description` splits a first subidentifier of 80 or more wrongly:
    /// 2.999 comes out as 26.39.)
    public var dotted: String {
        var coder = DER.Serializer()
        guard (try? coder.serialize(self)) != nil else { return description }
        let der = coder.serializedBytes
        guard der.count >= 2 else { return description }
        // Short-form length: OIDs are far below 128 bytes.
        var subidentifiers: [UInt] = []
        var value: UInt = 0
        for byte in der.dropFirst(2) {
            value = value << 7 | UInt(byte & 0x7F)
            if byte & 0x80 == 0 {
                subidentifiers.append(value)
                value = 0
            }
        }
        guard let first = subidentifiers.first else { return description }
        let head: [UInt] = first < 40 ? [0, first] : first < 80 ? [1, first - 40] : [2, first - 80]
        return (head + subidentifiers.dropFirst()).map(String.init).joined(separator: ".")
    }
}
