/// A JSON object of string values only (`{"a":"x","b":"y"}`), parsed from
/// bytes into byte arrays: for bodies carrying a PIN, which must never pass
/// through a String or a parser's internal copies that cannot be wiped.
/// Anything else (nested values, numbers, duplicate keys) is nil.
enum FlatJSON {
    static func parse(_ bytes: [UInt8]) -> [String: [UInt8]]? {
        var index = 0
        func skipSpace() { while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 } }
        func expect(_ byte: UInt8) -> Bool {
            skipSpace()
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }
        func string() -> [UInt8]? {
            guard expect(0x22) else { return nil }
            var out: [UInt8] = []
            out.reserveCapacity(64)
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                switch byte {
                case 0x22: return out
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
                        guard index + 4 <= bytes.count, let value = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16),
                            let scalar = Unicode.Scalar(value)
                        else { return nil }
                        index += 4
                        out.append(contentsOf: Array(String(Character(scalar)).utf8))
                    default: return nil
                    }
                case 0..<0x20: return nil
                default: out.append(byte)
                }
            }
            return nil
        }
        guard expect(0x7B) else { return nil }
        var fields: [String: [UInt8]] = [:]
        skipSpace()
        if index < bytes.count, bytes[index] == 0x7D {
            index += 1
        } else {
            while true {
                guard let key = string(), expect(0x3A), let value = string() else { return nil }
                let name = String(decoding: key, as: UTF8.self)
                guard fields[name] == nil else { return nil }
                fields[name] = value
                if expect(0x2C) { continue }
                guard expect(0x7D) else { return nil }
                break
            }
        }
        skipSpace()
        return index == bytes.count ? fields : nil
    }
}
