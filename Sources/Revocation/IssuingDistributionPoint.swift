import SwiftASN1

/// The issuingDistributionPoint CRL extension (RFC 5280 §5.2.5): the CRL's
/// scope. The distribution point's name is kept as its DER.
public struct IssuingDistributionPoint: DERImplicitlyTaggable, Hashable, Sendable {
    public static var defaultIdentifier: ASN1Identifier { .sequence }

    /// DistributionPointName ([0] of the extension), its DER, if present.
    public var distributionPoint: ArraySlice<UInt8>?
    public var onlyContainsUserCerts: Bool
    public var onlyContainsCACerts: Bool
    /// onlySomeReasons' bits (ReasonFlags), if present: the CRL covers only those reasons.
    public var onlySomeReasons: ASN1BitString?
    public var indirectCRL: Bool
    public var onlyContainsAttributeCerts: Bool

    public init(
        distributionPoint: ArraySlice<UInt8>? = nil, onlyContainsUserCerts: Bool = false, onlyContainsCACerts: Bool = false,
        onlySomeReasons: ASN1BitString? = nil, indirectCRL: Bool = false, onlyContainsAttributeCerts: Bool = false
    ) {
        self.distributionPoint = distributionPoint
        self.onlyContainsUserCerts = onlyContainsUserCerts
        self.onlyContainsCACerts = onlyContainsCACerts
        self.onlySomeReasons = onlySomeReasons
        self.indirectCRL = indirectCRL
        self.onlyContainsAttributeCerts = onlyContainsAttributeCerts
    }

    static func tag(_ number: UInt) -> ASN1Identifier { ASN1Identifier(tagWithNumber: number, tagClass: .contextSpecific) }

    public init(derEncoded node: ASN1Node, withIdentifier identifier: ASN1Identifier) throws {
        self = try DER.sequence(node, identifier: identifier) { nodes in
            var point = IssuingDistributionPoint()
            var last = -1
            while let child = nodes.next() {
                guard child.identifier.tagClass == .contextSpecific, child.identifier.tagNumber <= 5, Int(child.identifier.tagNumber) > last
                else { throw ASN1Error.unexpectedFieldType(child.identifier) }
                last = Int(child.identifier.tagNumber)
                switch child.identifier.tagNumber {
                case 0: point.distributionPoint = child.encodedBytes
                case 1: point.onlyContainsUserCerts = try Bool(derEncoded: child, withIdentifier: Self.tag(1))
                case 2: point.onlyContainsCACerts = try Bool(derEncoded: child, withIdentifier: Self.tag(2))
                case 3: point.onlySomeReasons = try ASN1BitString(derEncoded: child, withIdentifier: Self.tag(3))
                case 4: point.indirectCRL = try Bool(derEncoded: child, withIdentifier: Self.tag(4))
                default: point.onlyContainsAttributeCerts = try Bool(derEncoded: child, withIdentifier: Self.tag(5))
                }
            }
            return point
        }
    }

    public func serialize(into coder: inout DER.Serializer, withIdentifier identifier: ASN1Identifier) throws {
        try coder.appendConstructedNode(identifier: identifier) { coder in
            if let distributionPoint { coder.serializeRawBytes(distributionPoint) }
            if onlyContainsUserCerts { try true.serialize(into: &coder, withIdentifier: Self.tag(1)) }
            if onlyContainsCACerts { try true.serialize(into: &coder, withIdentifier: Self.tag(2)) }
            if let onlySomeReasons { try onlySomeReasons.serialize(into: &coder, withIdentifier: Self.tag(3)) }
            if indirectCRL { try true.serialize(into: &coder, withIdentifier: Self.tag(4)) }
            if onlyContainsAttributeCerts { try true.serialize(into: &coder, withIdentifier: Self.tag(5)) }
        }
    }
}
