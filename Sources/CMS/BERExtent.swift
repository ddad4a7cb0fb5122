/// Where the first BER element of some bytes ends, found by walking its
/// tag-length headers once (linear in the input): definite lengths are
/// skipped, indefinite ones followed down to their end-of-contents octets,
/// at most 50 levels deep (as deep as SwiftASN1 parses). Nil when the
/// headers do not describe a complete element. Lets a parser tell padding
/// after a signature from the signature itself without trying every length.
enum BERExtent {
    static let maximumDepth = 50

    static func ofFirstElement(_ bytes: [UInt8]) -> Int? {
        element(bytes, at: 0, depth: 1)
    }

    /// The offset just past the element starting at `start`.
    private static func element(_ bytes: [UInt8], at start: Int, depth: Int) -> Int? {
        guard depth <= maximumDepth else { return nil }
        var index = start
        guard index < bytes.count else { return nil }
        let identifier = bytes[index]
        index += 1
        if identifier & 0x1F == 0x1F {  // high tag number: base-128, last byte without the top bit
            var tagBytes = 0
            while true {
                guard index < bytes.count, tagBytes < 8 else { return nil }
                let byte = bytes[index]
                index += 1
                tagBytes += 1
                if byte & 0x80 == 0 { break }
            }
        }
        guard index < bytes.count else { return nil }
        let first = bytes[index]
        index += 1
        if first == 0x80 {  // indefinite: constructed only, children up to 00 00
            guard identifier & 0x20 != 0 else { return nil }
            while true {
                guard index + 1 < bytes.count else { return nil }
                if bytes[index] == 0, bytes[index + 1] == 0 { return index + 2 }
                guard let next = element(bytes, at: index, depth: depth + 1) else { return nil }
                index = next
            }
        }
        var length = 0
        if first < 0x80 {
            length = Int(first)
        } else {
            let count = Int(first & 0x7F)
            guard count <= 4, index + count <= bytes.count else { return nil }
            for byte in bytes[index..<(index + count)] { length = length << 8 | Int(byte) }
            index += count
        }
        guard length <= bytes.count - index else { return nil }
        return index + length
    }
}
