/// An ATR with a mask: a card matches when `atr & mask == value & mask`, byte for
/// byte, and the lengths are equal. Written like pcsc-tools' table: `..` is a
/// wildcard byte, e.g. `3B FF 18 00 .. 81 31`.
public struct ATRPattern: Sendable, Hashable, CustomStringConvertible {
    public let value: [UInt8]
    public let mask: [UInt8]

    public init(value: [UInt8], mask: [UInt8]) {
        precondition(value.count == mask.count, "ATR pattern and mask differ in length")
        self.value = value
        self.mask = mask
    }

    /// Parses `3B 7F .. 00` where `..` (or `??`) is any byte and a single `.` in a
    /// byte (`3.`) is any nibble. Returns nil for malformed text.
    public init?(_ text: String) {
        var value: [UInt8] = []
        var mask: [UInt8] = []
        let tokens = text.split(whereSeparator: { $0 == " " || $0 == ":" })
        for token in tokens {
            guard token.count == 2 else { return nil }
            var v: UInt8 = 0
            var m: UInt8 = 0
            for ch in token {
                v <<= 4
                m <<= 4
                if ch == "." || ch == "?" { continue }
                guard let n = ch.hexDigitValue else { return nil }
                v |= UInt8(n)
                m |= 0x0F
            }
            value.append(v)
            mask.append(m)
        }
        guard !value.isEmpty else { return nil }
        self.init(value: value, mask: mask)
    }

    public func matches(_ atr: ATR) -> Bool {
        guard atr.bytes.count == value.count else { return false }
        for i in value.indices where atr.bytes[i] & mask[i] != value[i] & mask[i] {
            return false
        }
        return true
    }

    public var description: String {
        let digits = Array("0123456789ABCDEF")
        return zip(value, mask).map { v, m in
            let hi = m & 0xF0 == 0 ? "." : String(digits[Int(v >> 4)])
            let lo = m & 0x0F == 0 ? "." : String(digits[Int(v & 0x0F)])
            return hi + lo
        }.joined(separator: " ")
    }
}
