import CMS
import SwiftASN1

/// `OCSPResponse ::= SEQUENCE { responseStatus, responseBytes [0] EXPLICIT ResponseBytes OPTIONAL }`
/// (RFC 6960 §4.2.1). Only id-pkix-ocsp-basic responses are decoded (`basic`);
/// another type keeps its OID and bytes.
public struct OCSPResponse: DERImplicitlyTaggable, Hashable, Sendable {
    public static var defaultIdentifier: ASN1Identifier { .sequence }

    /// `OCSPResponseStatus ::= ENUMERATED`.
    public enum Status: Int, Sendable, Hashable, CustomStringConvertible {
        case successful = 0
        case malformedRequest = 1
        case internalError = 2
        case tryLater = 3
        case sigRequired = 5
        case unauthorized = 6

        public var description: String {
            switch self {
            case .successful: "successful"
            case .malformedRequest: "malformedRequest"
            case .internalError: "internalError"
            case .tryLater: "tryLater"
            case .sigRequired: "sigRequired"
            case .unauthorized: "unauthorized"
            }
        }
    }

    public var status: Status
    /// responseBytes' responseType, if present.
    public var responseType: ASN1ObjectIdentifier?
    /// responseBytes' response (the OCTET STRING's content), if present.
    public var responseBytes: ArraySlice<UInt8>?
    /// The decoded basic response, when responseType is id-pkix-ocsp-basic.
    public var basic: BasicOCSPResponse?

    public init(derEncoded node: ASN1Node, withIdentifier identifier: ASN1Identifier) throws {
        self = try DER.sequence(node, identifier: identifier) { nodes in
            let raw = try Int(derEncoded: &nodes, withIdentifier: .enumerated)
            guard let status = Status(rawValue: raw) else { throw ASN1Error.invalidASN1Object(reason: "OCSPResponseStatus \(raw)") }
            let bytes = try DER.optionalExplicitlyTagged(&nodes, tagNumber: 0, tagClass: .contextSpecific) { node in
                try DER.sequence(node, identifier: .sequence) { inner in
                    (try ASN1ObjectIdentifier(derEncoded: &inner), try ASN1OctetString(derEncoded: &inner).bytes)
                }
            }
            var basic: BasicOCSPResponse?
            if let bytes, bytes.0 == RevocationOID.ocspBasic { basic = try BasicOCSPResponse(derEncoded: bytes.1) }
            return OCSPResponse(status: status, responseType: bytes?.0, responseBytes: bytes?.1, basic: basic)
        }
    }

    init(status: Status, responseType: ASN1ObjectIdentifier?, responseBytes: ArraySlice<UInt8>?, basic: BasicOCSPResponse?) {
        self.status = status
        self.responseType = responseType
        self.responseBytes = responseBytes
        self.basic = basic
    }

    public func serialize(into coder: inout DER.Serializer, withIdentifier identifier: ASN1Identifier) throws {
        try coder.appendConstructedNode(identifier: identifier) { coder in
            try status.rawValue.serialize(into: &coder, withIdentifier: .enumerated)
            if let responseType, let responseBytes {
                try coder.serialize(explicitlyTaggedWithTagNumber: 0, tagClass: .contextSpecific) { coder in
                    try coder.appendConstructedNode(identifier: .sequence) { coder in
                        try coder.serialize(responseType)
                        try coder.serialize(ASN1OctetString(contentBytes: responseBytes))
                    }
                }
            }
        }
    }

    /// Parses a DER OCSPResponse, refusing anything else with a ``RevocationError``.
    public static func parse(_ der: [UInt8]) throws(RevocationError) -> OCSPResponse {
        do { return try OCSPResponse(derEncoded: der) } catch {
            throw RevocationError(.ocspMalformed, parseFailure(error))
        }
    }
}
