import CMS
import SwiftASN1
import X509

/// `BasicOCSPResponse` (RFC 6960 §4.2.1): the response data, its signature
/// and the certificates the responder sent (a delegated responder's own).
/// The exact bytes of `tbsResponseData` are kept: the signature covers them.
public struct BasicOCSPResponse: DERImplicitlyTaggable, Hashable, Sendable {
    public static var defaultIdentifier: ASN1Identifier { .sequence }

    public var responseData: ResponseData
    /// The DER of ResponseData as received (what the signature covers).
    public var tbsResponseData: ArraySlice<UInt8>
    public var signatureAlgorithm: AlgorithmIdentifier
    public var signature: ASN1BitString
    public var certificates: [Certificate]

    public init(derEncoded node: ASN1Node, withIdentifier identifier: ASN1Identifier) throws {
        self = try DER.sequence(node, identifier: identifier) { nodes in
            guard let tbsNode = nodes.next() else { throw ASN1Error.invalidASN1Object(reason: "BasicOCSPResponse: empty") }
            let data = try ResponseData(derEncoded: tbsNode)
            let algorithm = try AlgorithmIdentifier(derEncoded: &nodes)
            let signature = try ASN1BitString(derEncoded: &nodes)
            let certificates = try DER.optionalExplicitlyTagged(&nodes, tagNumber: 0, tagClass: .contextSpecific) {
                try DER.sequence(of: Certificate.self, identifier: .sequence, rootNode: $0)
            } ?? []
            return BasicOCSPResponse(
                responseData: data, tbsResponseData: tbsNode.encodedBytes, signatureAlgorithm: algorithm, signature: signature,
                certificates: certificates)
        }
    }

    init(responseData: ResponseData, tbsResponseData: ArraySlice<UInt8>, signatureAlgorithm: AlgorithmIdentifier, signature: ASN1BitString, certificates: [Certificate]) {
        self.responseData = responseData
        self.tbsResponseData = tbsResponseData
        self.signatureAlgorithm = signatureAlgorithm
        self.signature = signature
        self.certificates = certificates
    }

    public func serialize(into coder: inout DER.Serializer, withIdentifier identifier: ASN1Identifier) throws {
        try coder.appendConstructedNode(identifier: identifier) { coder in
            coder.serializeRawBytes(tbsResponseData)
            try coder.serialize(signatureAlgorithm)
            try coder.serialize(signature)
            if !certificates.isEmpty {
                try coder.serialize(explicitlyTaggedWithTagNumber: 0, tagClass: .contextSpecific) { coder in
                    try coder.appendConstructedNode(identifier: .sequence) { coder in
                        for certificate in certificates { try coder.serialize(certificate) }
                    }
                }
            }
        }
    }
}
