import CMS
import Foundation
import SwiftASN1
import X509

/// One entry of a CRL's revokedCertificates (RFC 5280 §5.1.2.6, §5.3):
/// serial, revocation date and the entry extensions that matter.
public struct RevokedCertificate: Sendable, Hashable {
    /// The serial's INTEGER content bytes, as encoded.
    public let serialNumber: ArraySlice<UInt8>
    public let revocationDate: Date
    /// reasonCode, if present (certificateHold: suspended; removeFromCRL: in delta CRLs).
    public let reason: CRLReason?
    public let invalidityDate: Date?
    /// Whether the entry carries a certificateIssuer extension (indirect CRLs only).
    public let hasCertificateIssuer: Bool

    public init(serialNumber: ArraySlice<UInt8>, revocationDate: Date, reason: CRLReason?, invalidityDate: Date?, hasCertificateIssuer: Bool = false) {
        self.serialNumber = serialNumber
        self.revocationDate = revocationDate
        self.reason = reason
        self.invalidityDate = invalidityDate
        self.hasCertificateIssuer = hasCertificateIssuer
    }

    /// Parses one entry `SEQUENCE { userCertificate, revocationDate, crlEntryExtensions OPTIONAL }`
    /// at `element` of `der`: read with ``DERScanner`` rather than a full
    /// swift-asn1 parse (a CRL has hundreds of thousands of them); the rare
    /// parts (invalidity date, an odd time encoding) go through swift-asn1.
    init(der: [UInt8], element: DERScanner.Element) throws {
        var fields = DERScanner(der, range: element.content)
        let serialElement = try fields.expect(0x02, "userCertificate")
        let serial = der[serialElement.content]
        guard !serial.isEmpty, serial.count == 1 || !(serial.first == 0 && serial[serial.startIndex + 1] & 0x80 == 0)
        else { throw DERScanner.Malformed(description: "serial at \(serialElement.start)") }
        guard let dateElement = try fields.next() else { throw DERScanner.Malformed(description: "revocationDate missing") }
        let date = try Self.time(der, dateElement)
        var reason: CRLReason?
        var invalidity: Date?
        var certificateIssuer = false
        if let extensionsElement = try fields.next() {
            guard extensionsElement.tag == 0x30 else { throw DERScanner.Malformed(description: "crlEntryExtensions") }
            var extensions = DERScanner(der, range: extensionsElement.content)
            while let ext = try extensions.next() {
                guard ext.tag == 0x30 else { throw DERScanner.Malformed(description: "extension at \(ext.start)") }
                var parts = DERScanner(der, range: ext.content)
                let oid = try parts.expect(0x06, "extnID")
                var critical = false
                if parts.peekTag() == 0x01 {
                    let flag = try parts.expect(0x01, "critical")
                    guard flag.content.count == 1, der[flag.contentStart] == 0xFF else {
                        throw DERScanner.Malformed(description: "critical flag at \(flag.start)")
                    }
                    critical = true
                }
                let value = try parts.expect(0x04, "extnValue")
                guard parts.atEnd else { throw DERScanner.Malformed(description: "extension at \(ext.start)") }
                switch der[oid.content] {
                case [0x55, 0x1D, 0x15]:
                    var inner = DERScanner(der, range: value.content)
                    let code = try inner.expect(0x0A, "reasonCode")
                    guard inner.atEnd, code.content.count == 1, let r = CRLReason(rawValue: Int(der[code.contentStart])) else {
                        throw DERScanner.Malformed(description: "reasonCode at \(code.start)")
                    }
                    reason = r
                case [0x55, 0x1D, 0x18]:
                    invalidity = ASN1Time.date(try GeneralizedTime(derEncoded: der[value.content]))
                case [0x55, 0x1D, 0x1D]:
                    certificateIssuer = true
                default:
                    if critical { throw DERScanner.Malformed(description: "unknown critical entry extension at \(ext.start)") }
                }
            }
        }
        guard fields.atEnd else { throw DERScanner.Malformed(description: "extra fields in entry at \(element.start)") }
        self.init(serialNumber: serial, revocationDate: date, reason: reason, invalidityDate: invalidity, hasCertificateIssuer: certificateIssuer)
    }

    /// A `Time`: UTCTime `YYMMDDHHMMSSZ` or GeneralizedTime `YYYYMMDDHHMMSSZ` read
    /// directly; another form (fractions) through swift-asn1, which also refuses what DER forbids.
    static func time(_ der: [UInt8], _ element: DERScanner.Element) throws -> Date {
        let content = der[element.content]
        let digits = content.dropLast()
        if content.last == 0x5A, digits.allSatisfy({ (0x30...0x39).contains($0) }),
            (element.tag == 0x17 && content.count == 13) || (element.tag == 0x18 && content.count == 15)
        {
            var values = digits.map { Int($0 - 0x30) }
            var year: Int
            if element.tag == 0x17 {
                year = values[0] * 10 + values[1]
                year += year >= 50 ? 1900 : 2000
                values.removeFirst(2)
            } else {
                year = values[0] * 1000 + values[1] * 100 + values[2] * 10 + values[3]
                values.removeFirst(4)
            }
            func two(_ i: Int) -> Int { values[i] * 10 + values[i + 1] }
            let (month, day, hours, minutes, seconds) = (two(0), two(2), two(4), two(6), two(8))
            let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
            let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
            guard (1...12).contains(month), (1...days[month - 1]).contains(day), hours < 24, minutes < 60, seconds < 60 else {
                throw DERScanner.Malformed(description: "time at \(element.start)")
            }
            return ASN1Time.date(year: year, month: month, day: day, hours: hours, minutes: minutes, seconds: seconds)
        }
        return try ASN1Time.date(node: DER.parse(der[element.whole]))
    }
}
