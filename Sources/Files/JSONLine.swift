#if canImport(Glibc)
import Glibc
#endif

/// One line of JSON built directly as bytes, for the journal and the audit
/// trail written once per document: the same bytes Foundation's JSONEncoder
/// writes with `.sortedKeys` and `.withoutEscapingSlashes` (the caller puts
/// the keys in sorted order and leaves out nil ones), at a fraction of its
/// cost. Tests compare the two.
public struct JSONLine: Sendable {
    public private(set) var bytes: [UInt8]

    public init(capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Bytes copied as they are (punctuation, keys known to need no escaping).
    public mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    public mutating func raw(_ more: [UInt8]) {
        bytes.append(contentsOf: more)
    }

    /// `"key":` for a key that needs no escaping, after a comma unless first.
    public mutating func key(_ key: StaticString, first: Bool = false) {
        if !first { bytes.append(UInt8(ascii: ",")) }
        bytes.append(UInt8(ascii: "\""))
        key.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
    }

    /// A JSON string: quotes, backslashes and control characters escaped as
    /// JSONEncoder does (\b \f \n \r \t, else \u00xx); everything else,
    /// slashes and non-ASCII included, as UTF-8.
    public mutating func string(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { utf8 in
            var start = 0
            for index in 0..<utf8.count {
                let byte = utf8[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<index]))
                start = index + 1
                bytes.append(UInt8(ascii: "\\"))
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(byte)
                case 0x08: bytes.append(UInt8(ascii: "b"))
                case 0x0C: bytes.append(UInt8(ascii: "f"))
                case 0x0A: bytes.append(UInt8(ascii: "n"))
                case 0x0D: bytes.append(UInt8(ascii: "r"))
                case 0x09: bytes.append(UInt8(ascii: "t"))
                default:
                    let hex = Array("0123456789abcdef".utf8)
                    bytes.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]])
                }
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<utf8.count]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    public mutating func int<T: BinaryInteger>(_ value: T) {
        bytes.append(contentsOf: String(value).utf8)
    }

    public mutating func bool(_ value: Bool) {
        value ? raw("true") : raw("false")
    }

    /// `"key":"value"` after a comma unless first; nothing at all for nil
    /// (as the synthesized Encodable leaves nil fields out).
    public mutating func field(_ key: StaticString, _ value: String?, first: Bool = false) {
        guard let value else { return }
        self.key(key, first: first)
        string(value)
    }

    /// `"key":number`, or nothing for nil.
    public mutating func field<T: BinaryInteger>(_ key: StaticString, _ value: T?, first: Bool = false) {
        guard let value else { return }
        self.key(key, first: first)
        int(value)
    }

    /// `"key":true|false`, or nothing for nil.
    public mutating func field(_ key: StaticString, _ value: Bool?, first: Bool = false) {
        guard let value else { return }
        self.key(key, first: first)
        bool(value)
    }

    /// A time as JSONEncoder's `.iso8601` writes it: `"2026-11-23T17:00:00Z"`
    /// (UTC, whole seconds).
    public mutating func iso8601(secondsSince1970 seconds: Double) {
        var time = time_t(seconds.rounded(.down))
        var parts = tm()
        gmtime_r(&time, &parts)
        func digits(_ value: Int32, _ count: Int) {
            var divisor: Int32 = 1
            for _ in 1..<count { divisor *= 10 }
            var value = value
            while divisor > 0 {
                bytes.append(UInt8(ascii: "0") + UInt8(value / divisor))
                value %= divisor
                divisor /= 10
            }
        }
        bytes.append(UInt8(ascii: "\""))
        digits(parts.tm_year + 1900, 4)
        bytes.append(UInt8(ascii: "-"))
        digits(parts.tm_mon + 1, 2)
        bytes.append(UInt8(ascii: "-"))
        digits(parts.tm_mday, 2)
        bytes.append(UInt8(ascii: "T"))
        digits(parts.tm_hour, 2)
        bytes.append(UInt8(ascii: ":"))
        digits(parts.tm_min, 2)
        bytes.append(UInt8(ascii: ":"))
        digits(parts.tm_sec, 2)
        bytes.append(UInt8(ascii: "Z"))
        bytes.append(UInt8(ascii: "\""))
    }
}
