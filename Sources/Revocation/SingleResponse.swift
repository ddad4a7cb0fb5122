import CMS
import Foundation
import SwiftASN1
import X509

/// `SingleResponse` (RFC 6960 §4.2.1): one certificate's status, its
/// validity interval and extensions (kept, not interpreted).
public struct SingleResponse: DERImplicitlyTaggable, Hashable, Sendable {
    public static var defaultIdentifier: ASN1Identifier { .sequence }

    public var certID: CertID
    public var certStatus: CertStatus
    public var thisUpdate: Date
    public var nextUpdate: Date?
    public var extensions: [Certificate.Extension]

    public init(certID: CertID, certStatus: CertStatus, thisUpdate: Date, nextUpdate: Date?, extensions: [Certificate.Extension] = []) {
        self.certID = certID
        self.certStatus = certStatus
        self.thisUpdate = thisUpdate
        self.nextUpdate = nextUpdate
        self.extensions = extensions
    }

    public init(derEncoded node: ASN1Node, withIdentifier identifier: ASN1Identifier) throws {
        self = try DER.sequence(node, identifier: identifier) { nodes in
            let certID = try CertID(derEncoded: &nodes)
            guard let statusNode = nodes.next() else { throw ASN1Error.invalidASN1Object(reason: "SingleResponse: no certStatus") }
            let status = try CertStatus(derEncoded: statusNode)
            let thisUpdate = try GeneralizedTime(derEncoded: &nodes)
            let nextUpdate = try DER.optionalExplicitlyTagged(&nodes, tagNumber: 0, tagClass: .contextSpecific) {
                try GeneralizedTime(derEncoded: $0)
            }
            let extensions = try DER.optionalExplicitlyTagged(&nodes, tagNumber: 1, tagClass: .contextSpecific) {
                try DER.sequence(of: Certificate.Extension.self, identifier: .sequence, rootNode: $0)
            } ?? []
            return SingleResponse(
                certID: certID, certStatus: status, thisUpdate: ASN1Time.date(thisUpdate), nextUpdate: nextUpdate.map(ASN1Time.date),
                extensions: extensions)
        }
    }

    public func serialize(into coder: inout DER.Serializer, withIdentifier identifier: ASN1Identifier) throws {
        try coder.appendConstructedNode(identifier: identifier) { coder in
            try coder.serialize(certID)
            try coder.serialize(certStatus)
            try coder.serialize(try GeneralizedTime(thisUpdate))
            if let nextUpdate {
                try coder.serialize(try GeneralizedTime(nextUpdate), explicitlyTaggedWithTagNumber: 0, tagClass: .contextSpecific)
            }
            if !extensions.isEmpty {
                try coder.serialize(explicitlyTaggedWithTagNumber: 1, tagClass: .contextSpecific) { coder in
                    try coder.appendConstructedNode(identifier: .sequence) { coder in
                        for ext in extensions { try coder.serialize(ext) }
                    }
                }
            }
        }
    }
}
