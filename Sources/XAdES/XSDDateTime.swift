import CMS
import Foundation

/// `xsd:dateTime` as XAdES properties and trusted lists write it
/// (`2023-09-19T08:23:09Z`, optional fraction, `Z` or `±hh:mm`, no zone read
/// as UTC), parsed without a formatter: the one reader of the type.
public enum XSDDateTime {
    public static func parse(_ text: String) -> Date? {
        let s = Array(text.utf8)
        guard s.count >= 19, s[4] == UInt8(ascii: "-"), s[7] == UInt8(ascii: "-"), s[10] == UInt8(ascii: "T"),
            s[13] == UInt8(ascii: ":"), s[16] == UInt8(ascii: ":"),
            let year = number(s, 0, 4), let month = number(s, 5, 2), let day = number(s, 8, 2),
            let hour = number(s, 11, 2), let minute = number(s, 14, 2), let second = number(s, 17, 2),
            (1...12).contains(month), (1...31).contains(day), hour <= 24, minute < 60, second < 61
        else { return nil }
        var index = 19
        var fraction = 0.0
        if index < s.count, s[index] == UInt8(ascii: ".") {
            index += 1
            var scale = 0.1
            let start = index
            while index < s.count, (48...57).contains(s[index]) {
                fraction += Double(s[index] - 48) * scale
                scale /= 10
                index += 1
            }
            if index == start { return nil }
        }
        var offset = 0
        if index < s.count {
            switch s[index] {
            case UInt8(ascii: "Z"):
                index += 1
            case UInt8(ascii: "+"), UInt8(ascii: "-"):
                guard s.count == index + 6, s[index + 3] == UInt8(ascii: ":"),
                    let h = number(s, index + 1, 2), let m = number(s, index + 4, 2), h <= 14, m < 60
                else { return nil }
                offset = (h * 60 + m) * 60 * (s[index] == UInt8(ascii: "+") ? 1 : -1)
                index += 6
            default: return nil
            }
        }
        guard index == s.count else { return nil }
        let local = ASN1Time.date(year: year, month: month, day: day, hours: hour, minutes: minute, seconds: second, fraction: fraction)
        return local.addingTimeInterval(TimeInterval(-offset))
    }

    private static func number(_ s: [UInt8], _ start: Int, _ count: Int) -> Int? {
        var value = 0
        for i in start..<start + count {
            guard (48...57).contains(s[i]) else { return nil }
            value = value * 10 + Int(s[i] - 48)
        }
        return value
    }
}
