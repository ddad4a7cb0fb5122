import SwiftASN1
import X509

/// The identity of a CA as a service entry is matched against it: its
/// name, its key identifier and, when known, its certificate.
public struct CAIdentity: Sendable {
    public let subject: DistinguishedName
    public let keyIdentifier: [UInt8]?
    /// The CA certificate's DER and SubjectPublicKeyInfo, when the certificate is known.
    public let der: [UInt8]?
    public let subjectPublicKeyInfo: [UInt8]?

    /// The CA named by its own certificate.
    public init(certificate: Certificate) {
        var serializer = DER.Serializer()
        let der = (try? serializer.serialize(certificate)) != nil ? serializer.serializedBytes : nil
        self.init(certificate: IssuedCertificate(certificate), der: der)
    }

    /// The CA named by its own certificate, read without its key.
    public init(certificate: IssuedCertificate, der: [UInt8]? = nil) {
        self.subject = certificate.subject
        self.keyIdentifier = CertificateTraits(certificate).subjectKeyIdentifier
        self.der = der
        self.subjectPublicKeyInfo = certificate.subjectPublicKeyInfo
    }

    /// The CA that issued `certificate`, known only by the certificate's
    /// issuer name and authority key identifier.
    public init(issuerOf certificate: IssuedCertificate) {
        self.subject = certificate.issuer
        self.keyIdentifier = CertificateTraits(certificate).authorityKeyIdentifier
        self.der = nil
        self.subjectPublicKeyInfo = nil
    }
}

extension ServiceInformation {
    /// Do this period's digital identities designate `ca`? By certificate
    /// (the same, or the same subject and key), or by `X509SKI` (with the
    /// `X509SubjectName`, when given and comparable, naming the same subject).
    public func identifies(_ ca: CAIdentity) -> Bool {
        var names: [String] = []
        var keyIdentifiers: [[UInt8]] = []
        for identity in digitalIdentities {
            switch identity {
            case .certificate(let listed):
                if let der = ca.der, listed.der == der { return true }
                guard let fields = listed.fields, fields.subject == ca.subject else { continue }
                if let key = ca.subjectPublicKeyInfo {
                    if fields.subjectPublicKeyInfo == key { return true }
                } else if ca.keyIdentifier == nil || listed.subjectKeyIdentifier == ca.keyIdentifier {
                    return true
                }
            case .subjectKeyIdentifier(let ski): keyIdentifiers.append(ski)
            case .subjectName(let name): names.append(name)
            case .other: continue
            }
        }
        guard let key = ca.keyIdentifier, keyIdentifiers.contains(key) else { return false }
        guard !names.isEmpty, let subject = DistinguishedNameText.normalized(ca.subject) else { return true }
        let comparable = names.compactMap(DistinguishedNameText.normalized(_:))
        return comparable.isEmpty || comparable.contains(subject)
    }

    /// Does this period designate the certificate itself (a TSA's or a
    /// responder's own certificate)?
    public func identifies(certificate: Certificate) -> Bool {
        identifies(CAIdentity(certificate: certificate))
    }
}

extension TrustService {
    /// Does the service (in any period of its history) designate `ca`?
    public func identifies(_ ca: CAIdentity) -> Bool {
        periods.contains { $0.identifies(ca) }
    }
}

/// Distinguished names compared loosely across their spellings in lists
/// (`SERIALNUMBER=…, CN=…` with spaces, `2.5.4.5=#13…` in hex, `OID.2.5.4.97=…`)
/// and in certificates: a sorted list of `oid=value`, values case-folded
/// and with white space collapsed. Nil when a part cannot be read.
enum DistinguishedNameText {
    static let aliases: [String: String] = [
        "CN": "2.5.4.3", "C": "2.5.4.6", "O": "2.5.4.10", "OU": "2.5.4.11", "L": "2.5.4.7", "ST": "2.5.4.8",
        "S": "2.5.4.8", "SERIALNUMBER": "2.5.4.5", "STREET": "2.5.4.9", "E": "1.2.840.113549.1.9.1",
        "EMAILADDRESS": "1.2.840.113549.1.9.1", "DC": "0.9.2342.19200300.100.1.25", "GIVENNAME": "2.5.4.42",
        "G": "2.5.4.42", "GN": "2.5.4.42", "SN": "2.5.4.4", "SURNAME": "2.5.4.4", "T": "2.5.4.12", "TITLE": "2.5.4.12",
        "ORGANIZATIONIDENTIFIER": "2.5.4.97", "POSTALCODE": "2.5.4.17", "UID": "0.9.2342.19200300.100.1.1",
    ]

    static func normalized(_ name: DistinguishedName) -> [String]? {
        var parts: [String] = []
        for rdn in name {
            for attribute in rdn {
                let value: String
                if let plain = String(attribute.value) {
                    value = plain
                } else {
                    var serializer = DER.Serializer()
                    guard (try? serializer.serialize(ASN1Any(attribute.value))) != nil,
                        let decoded = text(ofDER: serializer.serializedBytes)
                    else { return nil }
                    value = decoded
                }
                parts.append(attribute.type.description + "=" + fold(value))
            }
        }
        return parts.sorted()
    }

    static func normalized(_ text: String) -> [String]? {
        var parts: [String] = []
        for piece in split(text) {
            guard let equals = piece.firstIndex(of: "=") else { return nil }
            var type = piece[..<equals].trimmingSpaces().uppercased()
            if type.hasPrefix("OID.") { type.removeFirst(4) }
            let oid = aliases[type] ?? type
            guard oid.first.map({ $0.isNumber }) == true else { return nil }
            var value = String(piece[piece.index(after: equals)...]).trimmingSpaces()
            if value.hasPrefix("#") {
                guard let der = hex(value.dropFirst()), let decoded = self.text(ofDER: der) else { return nil }
                value = decoded
            } else if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 {
                value = String(value.dropFirst().dropLast())
            }
            parts.append(oid + "=" + fold(value))
        }
        return parts.isEmpty ? nil : parts.sorted()
    }

    /// Splits at `,` (and `+`) outside quotes, removing backslash escapes.
    static func split(_ text: String) -> [String] {
        var parts: [String] = []
        var current = ""
        var quoted = false
        var escaped = false
        for character in text {
            if escaped {
                current.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "\"" {
                quoted.toggle()
                current.append(character)
            } else if (character == "," || character == "+" || character == ";") && !quoted {
                parts.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        parts.append(current)
        return parts.filter { !$0.trimmingSpaces().isEmpty }
    }

    static func fold(_ value: String) -> String {
        value.lowercased().split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    static func hex(_ text: Substring) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        var index = 0
        while index < digits.count {
            guard let high = nibble(digits[index]), let low = nibble(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case 48...57: return c - 48
        case 65...70: return c - 55
        case 97...102: return c - 87
        default: return nil
        }
    }

    /// The characters of a DER string (Printable, UTF8, IA5, Teletex read as Latin-1, BMP).
    static func text(ofDER der: [UInt8]) -> String? {
        guard let node = try? DER.parse(der), case .primitive(let content) = node.content else { return nil }
        switch node.identifier.tagNumber {
        case 12, 19, 22, 26: return String(decoding: content, as: UTF8.self)
        case 20: return String(content.map { Character(Unicode.Scalar($0)) })
        case 30:
            let bytes = Array(content)
            guard bytes.count % 2 == 0 else { return nil }
            let units = stride(from: 0, to: bytes.count, by: 2).map { UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]) }
            return String(decoding: units, as: UTF16.self)
        default: return nil
        }
    }
}

extension StringProtocol {
    func trimmingSpaces() -> String {
        var value = self[...]
        while let first = value.first, first.isWhitespace { value.removeFirst() }
        while let last = value.last, last.isWhitespace { value.removeLast() }
        return String(value)
    }
}
