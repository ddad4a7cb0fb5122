/// An Answer To Reset: the bytes a card sends when powered, which identify its kind.
public struct ATR: Sendable, Hashable, Codable, CustomStringConvertible {
    public let bytes: [UInt8]

    public init(bytes: [UInt8]) { self.bytes = bytes }

    /// Parses hex with or without spaces or colons: `3B 88 80 01`, `3b888001`, `3B:88`.
    public init?(hex: String) {
        guard let bytes = Hex.decode(hex), !bytes.isEmpty else { return nil }
        self.bytes = bytes
    }

    /// Upper-case hex, bytes separated by spaces, as pcsc-tools writes it.
    public var hex: String { Hex.encode(bytes, separator: " ") }

    public var description: String { hex }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let atr = ATR(hex: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not hex: \(text)"))
        }
        self = atr
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(hex)
    }
}

/// Hex helpers shared by the module.
public enum Hex {
    public static func encode(_ bytes: some Sequence<UInt8>, separator: String = "") -> String {
        let digits = Array("0123456789ABCDEF")
        return bytes.map { String([digits[Int($0 >> 4)], digits[Int($0 & 0x0F)]]) }.joined(separator: separator)
    }

    /// Decodes hex, ignoring spaces, colons and tabs; nil on any other character or an odd count.
    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        var out: [UInt8] = []
        var high: UInt8? = nil
        for ch in text.utf8 {
            let nibble: UInt8
            switch ch {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = ch - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = ch - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): nibble = ch - UInt8(ascii: "A") + 10
            case UInt8(ascii: " "), UInt8(ascii: ":"), UInt8(ascii: "\t"): continue
            default: return nil
            }
            if let h = high {
                out.append(h << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
        return high == nil ? out : nil
    }
}
