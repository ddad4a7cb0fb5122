import Foundation

extension StringProtocol {
    /// The bytes of base64 text as XML Schema's base64Binary and PEM carry
    /// it: the alphabet, with XML whitespace (space, tab, CR, LF) anywhere
    /// in between; nil for anything else (no other character is skipped).
    /// Works on the UTF-8 bytes: Unicode character properties per character
    /// cost more than the decoding itself.
    public var base64DecodedIgnoringWhitespace: [UInt8]? {
        func decode(_ text: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
            var compact = Data(count: text.count)
            let kept = compact.withUnsafeMutableBytes { (out: UnsafeMutableRawBufferPointer) -> Int in
                var kept = 0
                for byte in text where byte != 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D {
                    out[kept] = byte
                    kept += 1
                }
                return kept
            }
            compact.count = kept
            return Data(base64Encoded: compact).map { [UInt8]($0) }
        }
        if let decoded = utf8.withContiguousStorageIfAvailable(decode) { return decoded }
        return Array(utf8).withUnsafeBufferPointer(decode)
    }
}
