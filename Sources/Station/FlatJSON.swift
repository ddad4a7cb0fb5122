import PKCS11

/// A JSON object of string values only (`{"a":"x","b":"y"}`), parsed from
/// bytes into byte arrays: for bodies carrying a PIN, which must never pass
/// through a String or a parser's internal copies that cannot be wiped.
/// Anything else (nested values, numbers, duplicate keys) is nil.
///
/// A value's bytes are written into one array reserved up front for the
/// longest value the rest of the input could hold, so it never grows (a
/// reallocation would leave a copy behind); on every failure the values
/// read so far are wiped with ``Wipe`` before nil is returned.
public enum FlatJSON {
    public static func parse(_ bytes: [UInt8]) -> [String: [UInt8]]? {
        parse(bytes, wipe: { Wipe.bytes(&$0) })
    }

    /// `wipe` is called on every value array given up (tests watch it).
    static func parse(_ bytes: [UInt8], wipe: (inout [UInt8]) -> Void) -> [String: [UInt8]]? {
        var index = 0
        func skipSpace() { while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 } }
        func expect(_ byte: UInt8) -> Bool {
            skipSpace()
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }
        /// A string's bytes; `out` is reserved for everything left of the
        /// input (an escape never yields more bytes than it takes).
        func string() -> [UInt8]? {
            guard expect(0x22) else { return nil }
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count - index)
            if let end = scan(into: &out) {
                index = end
                return out
            }
            wipe(&out)
            return nil
        }
        func scan(into out: inout [UInt8]) -> Int? {
            var index = index
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                switch byte {
                case 0x22: return index
                case 0x5C:
                    guard index < bytes.count else { return nil }
                    let escaped = bytes[index]
                    index += 1
                    switch escaped {
                    case 0x22, 0x5C, 0x2F: out.append(escaped)
                    case 0x62: out.append(0x08)
                    case 0x66: out.append(0x0C)
                    case 0x6E: out.append(0x0A)
                    case 0x72: out.append(0x0D)
                    case 0x74: out.append(0x09)
                    case 0x75:
                        guard index + 4 <= bytes.count, let value = hexValue(bytes[index..<index + 4]),
                            let scalar = Unicode.Scalar(value)
                        else { return nil }
                        index += 4
                        // Encoded straight into `out`: no String holds the character.
                        UTF8.encode(scalar) { out.append($0) }
                    default: return nil
                    }
                case 0..<0x20: return nil
                default: out.append(byte)
                }
            }
            return nil
        }
        var fields: [String: [UInt8]] = [:]
        func fail() -> [String: [UInt8]]? {
            for key in Array(fields.keys) { wipe(&fields[key]!) }
            fields.removeAll()
            return nil
        }
        guard expect(0x7B) else { return nil }
        skipSpace()
        if index < bytes.count, bytes[index] == 0x7D {
            index += 1
        } else {
            while true {
                guard let key = string(), expect(0x3A) else { return fail() }
                guard var value = string() else { return fail() }
                let name = String(decoding: key, as: UTF8.self)
                guard fields[name] == nil else {
                    wipe(&value)
                    return fail()
                }
                fields[name] = value
                if expect(0x2C) { continue }
                guard expect(0x7D) else { return fail() }
                break
            }
        }
        skipSpace()
        return index == bytes.count ? fields : fail()
    }

    /// Four hex digits of a `\u` escape, without making a String of them.
    private static func hexValue(_ digits: ArraySlice<UInt8>) -> UInt32? {
        var value: UInt32 = 0
        for digit in digits {
            let nibble: UInt8
            switch digit {
            case 0x30...0x39: nibble = digit - 0x30
            case 0x41...0x46: nibble = digit - 0x41 + 10
            case 0x61...0x66: nibble = digit - 0x61 + 10
            default: return nil
            }
            value = value << 4 | UInt32(nibble)
        }
        return value
    }
}
