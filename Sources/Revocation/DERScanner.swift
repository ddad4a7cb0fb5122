/// A minimal DER TLV walker over a byte array, for the one structure too big
/// for a full parse: a CRL's list of revoked certificates (tens of MB,
/// hundreds of thousands of entries). swift-asn1 builds a node for every
/// element of the whole input; this reads one element at a time, so that
/// each entry is then parsed on its own (small) bytes.
struct DERScanner {
    struct Element {
        let tag: UInt8
        /// Where the element's header starts.
        let start: Int
        let contentStart: Int
        let end: Int
        var content: Range<Int> { contentStart..<end }
        var whole: Range<Int> { start..<end }
    }

    struct Malformed: Error, CustomStringConvertible {
        let description: String
    }

    let bytes: [UInt8]
    private(set) var position: Int
    let end: Int

    init(_ bytes: [UInt8], range: Range<Int>) {
        self.bytes = bytes
        self.position = range.lowerBound
        self.end = range.upperBound
    }

    var atEnd: Bool { position >= end }

    /// The next element, nil at the end; single-byte tags and definite,
    /// minimally encoded lengths only (DER).
    mutating func next() throws(Malformed) -> Element? {
        guard position < end else { return nil }
        let start = position
        let tag = bytes[position]
        guard tag & 0x1F != 0x1F else { throw Malformed(description: "multi-byte tag at \(start)") }
        guard position + 1 < end else { throw Malformed(description: "truncated header at \(start)") }
        let first = bytes[position + 1]
        var cursor = position + 2
        var length = 0
        if first < 0x80 {
            length = Int(first)
        } else {
            let count = Int(first & 0x7F)
            guard count >= 1, count <= 4 else { throw Malformed(description: "length of \(count) bytes at \(start)") }
            guard cursor + count <= end else { throw Malformed(description: "truncated length at \(start)") }
            guard bytes[cursor] != 0 else { throw Malformed(description: "non-minimal length at \(start)") }
            for i in 0..<count { length = length << 8 | Int(bytes[cursor + i]) }
            guard length >= 0x80 else { throw Malformed(description: "non-minimal length at \(start)") }
            cursor += count
        }
        guard length <= end - cursor else { throw Malformed(description: "length \(length) beyond the end at \(start)") }
        position = cursor + length
        return Element(tag: tag, start: start, contentStart: cursor, end: cursor + length)
    }

    /// The next element, which must exist and carry `tag`.
    mutating func expect(_ tag: UInt8, _ what: String) throws(Malformed) -> Element {
        guard let element = try next() else { throw Malformed(description: "\(what) missing") }
        guard element.tag == tag else {
            throw Malformed(description: "\(what): tag 0x\(String(tag, radix: 16)) expected, 0x\(String(element.tag, radix: 16)) found")
        }
        return element
    }

    /// The next element's tag without consuming it.
    func peekTag() -> UInt8? { position < end ? bytes[position] : nil }
}
