import CMS
import SwiftASN1
import X509

/// An unsigned `OCSPRequest` (RFC 6960 §4.1.1): a TBSRequest with one
/// Request per CertID and an optional nonce extension (RFC 8954).
public struct OCSPRequest: DERImplicitlyTaggable, Hashable, Sendable {
    public static var defaultIdentifier: ASN1Identifier { .sequence }

    public var certIDs: [CertID]
    /// The nonce (the inner OCTET STRING's bytes), or nil for none.
    public var nonce: [UInt8]?

    public init(certIDs: [CertID], nonce: [UInt8]? = nil) {
        self.certIDs = certIDs
        self.nonce = nonce
    }

    /// A request about `certificate` issued by `issuer`, with a CertID in
    /// `hash` and, if `nonce` is true, a fresh 16-byte nonce.
    public init(certificate: Certificate, issuer: Certificate, hash: CertID.Hash = .sha1, nonce: Bool = true) {
        self.init(certIDs: [CertID(certificate: certificate, issuer: issuer, hash: hash)], nonce: nonce ? Self.randomNonce() : nil)
    }

    /// 16 random bytes, the first below 0x80 (RFC 8954 recommends 32 at most).
    public static func randomNonce() -> [UInt8] {
        var nonce = (0..<16).map { _ in UInt8.random(in: 0...255) }
        nonce[0] = (nonce[0] & 0x7F) | 0x01
        return nonce
    }

    public init(derEncoded node: ASN1Node, withIdentifier identifier: ASN1Identifier) throws {
        self = try DER.sequence(node, identifier: identifier) { nodes in
            guard let tbsNode = nodes.next() else { throw ASN1Error.invalidASN1Object(reason: "OCSPRequest: no TBSRequest") }
            let request = try DER.sequence(tbsNode, identifier: .sequence) { tbs -> OCSPRequest in
                _ = try DER.optionalExplicitlyTagged(&tbs, tagNumber: 0, tagClass: .contextSpecific) { try Int(derEncoded: $0) }
                _ = try DER.optionalExplicitlyTagged(&tbs, tagNumber: 1, tagClass: .contextSpecific) { try GeneralName(derEncoded: $0) }
                let ids = try DER.sequence(of: SingleRequest.self, identifier: .sequence, nodes: &tbs).map(\.certID)
                let extensions = try DER.optionalExplicitlyTagged(&tbs, tagNumber: 2, tagClass: .contextSpecific) {
                    try DER.sequence(of: Certificate.Extension.self, identifier: .sequence, rootNode: $0)
                } ?? []
                let nonce = extensions.first(where: { $0.oid == RevocationOID.ocspNonce }).map { OCSPRequest.nonceBytes($0.value) }
                return OCSPRequest(certIDs: ids, nonce: nonce)
            }
            // optionalSignature [0] is read past, not checked
            _ = nodes.next()
            return request
        }
    }

    public func serialize(into coder: inout DER.Serializer, withIdentifier identifier: ASN1Identifier) throws {
        try coder.appendConstructedNode(identifier: identifier) { coder in
            try coder.appendConstructedNode(identifier: .sequence) { coder in
                try coder.appendConstructedNode(identifier: .sequence) { coder in
                    for id in certIDs { try coder.serialize(SingleRequest(certID: id)) }
                }
                if let nonce {
                    var inner = DER.Serializer()
                    try inner.serialize(ASN1OctetString(contentBytes: ArraySlice(nonce)))
                    let ext = Certificate.Extension(oid: RevocationOID.ocspNonce, critical: false, value: ArraySlice(inner.serializedBytes))
                    try coder.serialize(explicitlyTaggedWithTagNumber: 2, tagClass: .contextSpecific) { coder in
                        try coder.appendConstructedNode(identifier: .sequence) { coder in try coder.serialize(ext) }
                    }
                }
            }
        }
    }

    /// What the cache files an answer under: the request without its nonce
    /// (a nonce differs on every request, so an answer filed with it could
    /// never be found again).
    public var cacheKey: [UInt8] { (try? OCSPRequest(certIDs: certIDs).derBytes()) ?? [] }

    /// The DER encoding (the body of an HTTP POST, `application/ocsp-request`).
    public func derBytes() throws -> [UInt8] {
        var coder = DER.Serializer()
        try coder.serialize(self)
        return coder.serializedBytes
    }

    /// A nonce extension's value: the OCTET STRING inside (RFC 8954), or the raw value from older responders.
    static func nonceBytes(_ value: ArraySlice<UInt8>) -> [UInt8] {
        if let inner = try? ASN1OctetString(derEncoded: value) { return Array(inner.bytes) }
        return Array(value)
    }

    /// `Request ::= SEQUENCE { reqCert CertID, singleRequestExtensions [0] EXPLICIT Extensions OPTIONAL }`
    struct SingleRequest: DERImplicitlyTaggable {
        static var defaultIdentifier: ASN1Identifier { .sequence }
        var certID: CertID

        init(certID: CertID) { self.certID = certID }

        init(derEncoded node: ASN1Node, withIdentifier identifier: ASN1Identifier) throws {
            self = try DER.sequence(node, identifier: identifier) { nodes in
                let id = try CertID(derEncoded: &nodes)
                _ = nodes.next()
                return SingleRequest(certID: id)
            }
        }

        func serialize(into coder: inout DER.Serializer, withIdentifier identifier: ASN1Identifier) throws {
            try coder.appendConstructedNode(identifier: identifier) { coder in try coder.serialize(certID) }
        }
    }
}
