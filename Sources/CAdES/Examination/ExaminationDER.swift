import CMS
import Foundation
import SwiftASN1

/// Small DER helpers for reading attribute values of others' signatures.
enum ExaminationDER {
    /// The DER of an attribute value.
    static func bytes(_ value: ASN1Any) -> [UInt8]? {
        var coder = DER.Serializer()
        guard (try? coder.serialize(value)) != nil else { return nil }
        return coder.serializedBytes
    }

    /// An attribute value parsed again as a node.
    static func node(_ value: ASN1Any) -> ASN1Node? {
        guard let bytes = bytes(value) else { return nil }
        return try? DER.parse(bytes)
    }

    static func bytes(_ oid: ASN1ObjectIdentifier) -> [UInt8] {
        var coder = DER.Serializer()
        try? coder.serialize(oid)
        return coder.serializedBytes
    }

    /// A signing-time value: UTCTime or GeneralizedTime (RFC 5652 §11.3).
    static func time(_ value: ASN1Any) -> Date? {
        guard let node = node(value) else { return nil }
        return try? ASN1Time.date(node: node)
    }
}
