import Foundation
import SignatureAlgorithms
import SwiftASN1
import X509

/// The text of a name's attribute values as a person reads them.
///
/// swift-certificates gives the text of PrintableString, UTF8String and
/// IA5String values only, and prints any other value as the bytes of an
/// `ASN1Any`. Real subjects carry more: X.520's `postalAddress` is a
/// SEQUENCE OF DirectoryString (Certum writes it so), and older certificates
/// use BMPString, TeletexString or UniversalString.
enum DirectoryText {
    /// The value's text; a value that holds no text is RFC 4514's `#` and hex of its DER.
    static func text(_ value: RelativeDistinguishedName.Attribute.Value) -> String {
        if let string = String(value) { return string }
        var serializer = DER.Serializer()
        guard (try? serializer.serialize(ASN1Any(value))) != nil else { return "#" }
        let der = serializer.serializedBytes
        if let node = try? DER.parse(der), let text = text(node) { return text }
        return "#" + der.hexString
    }

    /// A DirectoryString of any kind, or a SEQUENCE of them (a postal
    /// address, its lines joined by ", ").
    static func text(_ node: ASN1Node) -> String? {
        if node.identifier == .sequence, case .constructed(let children) = node.content {
            let lines = children.map { text($0) }
            guard !lines.isEmpty, lines.allSatisfy({ $0 != nil }) else { return nil }
            return lines.compactMap { $0 }.joined(separator: ", ")
        }
        guard case .primitive(let bytes) = node.content else { return nil }
        switch node.identifier {
        case .utf8String, .printableString, .ia5String, .numericString, .visibleString:
            return String(validating: bytes, as: UTF8.self)
        case .bmpString:
            guard bytes.count % 2 == 0 else { return nil }
            let units = stride(from: bytes.startIndex, to: bytes.endIndex, by: 2).map { UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]) }
            return String(validating: units, as: UTF16.self)
        case .universalString:
            guard bytes.count % 4 == 0 else { return nil }
            var scalars = String.UnicodeScalarView()
            for index in stride(from: bytes.startIndex, to: bytes.endIndex, by: 4) {
                let value = bytes[index..<(index + 4)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
                guard let scalar = Unicode.Scalar(value) else { return nil }
                scalars.append(scalar)
            }
            return String(scalars)
        case .teletexString:
            // T.61 in practice carries Latin-1.
            return String(bytes.map { Character(Unicode.Scalar($0)) })
        default:
            return nil
        }
    }

    /// The name with every value that is not a plain string replaced by its
    /// text, so that its RFC 4514 rendering shows words, not bytes.
    static func readable(_ name: DistinguishedName) -> DistinguishedName {
        DistinguishedName(name.map { rdn in
            RelativeDistinguishedName(rdn.map { attribute in
                String(attribute.value) != nil ? attribute : .init(type: attribute.type, utf8String: text(attribute.value))
            })
        })
    }
}
