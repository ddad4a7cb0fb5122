import CMS
import Foundation
import SwiftASN1

/// `CertStatus ::= CHOICE { good [0] IMPLICIT NULL, revoked [1] IMPLICIT RevokedInfo, unknown [2] IMPLICIT UnknownInfo }`
/// (RFC 6960 §4.2.1), with RevokedInfo's time and optional reason.
public enum CertStatus: DERParseable, DERSerializable, Hashable, Sendable {
    case good
    case revoked(time: Date, reason: CRLReason?)
    case unknown

    static let goodTag = ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific)
    static let revokedTag = ASN1Identifier(tagWithNumber: 1, tagClass: .contextSpecific)
    static let unknownTag = ASN1Identifier(tagWithNumber: 2, tagClass: .contextSpecific)

    public init(derEncoded node: ASN1Node) throws {
        switch node.identifier {
        case Self.goodTag:
            _ = try ASN1Null(derEncoded: node, withIdentifier: Self.goodTag)
            self = .good
        case Self.unknownTag:
            _ = try ASN1Null(derEncoded: node, withIdentifier: Self.unknownTag)
            self = .unknown
        case Self.revokedTag:
            self = try DER.sequence(node, identifier: Self.revokedTag) { nodes in
                let time = try GeneralizedTime(derEncoded: &nodes)
                let reason = try DER.optionalExplicitlyTagged(&nodes, tagNumber: 0, tagClass: .contextSpecific) {
                    try CRLReason(enumerated: $0)
                }
                return .revoked(time: ASN1Time.date(time), reason: reason)
            }
        default:
            throw ASN1Error.unexpectedFieldType(node.identifier)
        }
    }

    public func serialize(into coder: inout DER.Serializer) throws {
        switch self {
        case .good: ASN1Null().serialize(into: &coder, withIdentifier: Self.goodTag)
        case .unknown: ASN1Null().serialize(into: &coder, withIdentifier: Self.unknownTag)
        case .revoked(let time, let reason):
            try coder.appendConstructedNode(identifier: Self.revokedTag) { coder in
                try coder.serialize(try GeneralizedTime(time))
                if let reason {
                    try coder.serialize(explicitlyTaggedWithTagNumber: 0, tagClass: .contextSpecific) { coder in
                        try reason.rawValue.serialize(into: &coder, withIdentifier: .enumerated)
                    }
                }
            }
        }
    }
}

extension GeneralizedTime {
    /// The time at whole seconds, UTC.
    init(_ date: Date) throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        try self.init(
            year: c.year ?? 1970, month: c.month ?? 1, day: c.day ?? 1, hours: c.hour ?? 0, minutes: c.minute ?? 0,
            seconds: c.second ?? 0, fractionalSeconds: 0)
    }
}
