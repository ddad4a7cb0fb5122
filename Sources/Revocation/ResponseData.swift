import CMS
import Foundation
import SwiftASN1
import X509

/// `ResponseData` (RFC 6960 §4.2.1): the signed part of a basic OCSP response.
public struct ResponseData: DERImplicitlyTaggable, Hashable, Sendable {
    public static var defaultIdentifier: ASN1Identifier { .sequence }

    /// 0 for v1, the only version defined.
    public var version: Int
    public var responderID: ResponderID
    public var producedAt: Date
    public var responses: [SingleResponse]
    public var extensions: [Certificate.Extension]

    public init(version: Int = 0, responderID: ResponderID, producedAt: Date, responses: [SingleResponse], extensions: [Certificate.Extension] = []) {
        self.version = version
        self.responderID = responderID
        self.producedAt = producedAt
        self.responses = responses
        self.extensions = extensions
    }

    /// The nonce extension's bytes, if present.
    public var nonce: [UInt8]? {
        extensions.first(where: { $0.oid == RevocationOID.ocspNonce }).map { OCSPRequest.nonceBytes($0.value) }
    }

    public init(derEncoded node: ASN1Node, withIdentifier identifier: ASN1Identifier) throws {
        self = try DER.sequence(node, identifier: identifier) { nodes in
            let version = try DER.decodeDefaultExplicitlyTagged(&nodes, tagNumber: 0, tagClass: .contextSpecific, defaultValue: 0)
            guard version == 0 else { throw ASN1Error.invalidASN1Object(reason: "ResponseData version \(version)") }
            guard let idNode = nodes.next() else { throw ASN1Error.invalidASN1Object(reason: "ResponseData: no responderID") }
            let responderID = try ResponderID(derEncoded: idNode)
            let producedAt = try GeneralizedTime(derEncoded: &nodes)
            let responses = try DER.sequence(of: SingleResponse.self, identifier: .sequence, nodes: &nodes)
            let extensions = try DER.optionalExplicitlyTagged(&nodes, tagNumber: 1, tagClass: .contextSpecific) {
                try DER.sequence(of: Certificate.Extension.self, identifier: .sequence, rootNode: $0)
            } ?? []
            return ResponseData(
                version: version, responderID: responderID, producedAt: ASN1Time.date(producedAt), responses: responses, extensions: extensions)
        }
    }

    public func serialize(into coder: inout DER.Serializer, withIdentifier identifier: ASN1Identifier) throws {
        try coder.appendConstructedNode(identifier: identifier) { coder in
            if version != 0 { try coder.serialize(version, explicitlyTaggedWithTagNumber: 0, tagClass: .contextSpecific) }
            try coder.serialize(responderID)
            try coder.serialize(try GeneralizedTime(producedAt))
            try coder.appendConstructedNode(identifier: .sequence) { coder in
                for response in responses { try coder.serialize(response) }
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
