import Foundation
import SwiftASN1

/// Dates from the two ASN.1 time types (RFC 5280's `Time ::= CHOICE {
/// utcTime, generalTime }`, CMS signing-time, OCSP and CRL times): the one
/// conversion every reader of certificates, signatures and revocation data uses.
public enum ASN1Time {
    public static func date(_ time: GeneralizedTime) -> Date {
        date(
            year: time.year, month: time.month, day: time.day, hours: time.hours, minutes: time.minutes,
            seconds: time.seconds, fraction: time.fractionalSeconds)
    }

    public static func date(_ time: UTCTime) -> Date {
        date(year: time.year, month: time.month, day: time.day, hours: time.hours, minutes: time.minutes, seconds: time.seconds)
    }

    /// A `Time` CHOICE node: UTCTime or GeneralizedTime.
    public static func date(node: ASN1Node) throws -> Date {
        switch node.identifier {
        case .utcTime: return date(try UTCTime(derEncoded: node))
        case .generalizedTime: return date(try GeneralizedTime(derEncoded: node))
        default: throw ASN1Error.unexpectedFieldType(node.identifier)
        }
    }

    public static func date(year: Int, month: Int, day: Int, hours: Int, minutes: Int, seconds: Int, fraction: Double = 0) -> Date {
        // days from the civil date (H. Hinnant's algorithm), proleptic Gregorian, UTC
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146097 + doe - 719468
        let total = Double(days * 86400 + hours * 3600 + minutes * 60 + seconds) + fraction
        return Date(timeIntervalSince1970: total)
    }
}
