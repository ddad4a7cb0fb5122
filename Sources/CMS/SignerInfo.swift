import SwiftASN1
import X509

/// `SignerInfo` (RFC 5652 §5.3), identified by issuer and serial number (version 1).
public struct SignerInfo: DERImplicitlyTaggable, Hashable, Sendable {
    public static var defaultIdentifier: ASN1Identifier { .sequence }

    /// DER of the signer certificate's issuer Name.
    public var issuer: ASN1Any
    /// The signer certificate's serial number (big-endian bytes).
    public var serialNumber: ArraySlice<UInt8>
    public var digestAlgorithm: AlgorithmIdentifier
    public var signedAttributes: [CMSAttribute]
    public var signatureAlgorithm: AlgorithmIdentifier
    public var signature: [UInt8]
    public var unsignedAttributes: [CMSAttribute]
    /// The signed attributes exactly as received, retagged as SET (0x31):
    /// what a verifier checks the signature over. Some producers store them
    /// out of DER order and sign them as stored; re-sorting would break a
    /// valid signature. Nil for a SignerInfo built here.
    public var receivedSignedAttributes: [UInt8]? = nil

    public init(
        certificate: Certificate, digestAlgorithm: AlgorithmIdentifier, signedAttributes: [CMSAttribute],
        signatureAlgorithm: AlgorithmIdentifier, signature: [UInt8] = [], unsignedAttributes: [CMSAttribute] = []
    ) throws {
        self.issuer = try ASN1Any(erasing: certificate.issuer)
        self.serialNumber = ArraySlice(certificate.serialNumber.bytes)
        self.digestAlgorithm = digestAlgorithm
        self.signedAttributes = signedAttributes
        self.signatureAlgorithm = signatureAlgorithm
        self.signature = signature
        self.unsignedAttributes = unsignedAttributes
    }

    public init(derEncoded node: ASN1Node, withIdentifier identifier: ASN1Identifier) throws {
        self = try DER.sequence(node, identifier: identifier) { nodes in
            let version = try Int(derEncoded: &nodes)
            guard version == 1 else { throw CMSError(.unsupported, "SignerInfo version \(version)") }
            guard let sid = nodes.next() else { throw CMSError(.malformed, "SignerInfo without sid") }
            let (issuer, serial) = try DER.sequence(sid, identifier: .sequence) { inner in
                guard let issuerNode = inner.next() else { throw CMSError(.malformed, "sid without issuer") }
                return (ASN1Any(derEncoded: issuerNode), try ArraySlice<UInt8>(derEncoded: &inner))
            }
            let digest = try AlgorithmIdentifier(derEncoded: &nodes)
            let signedPair: ([CMSAttribute], [UInt8])? = try DER.optionalImplicitlyTagged(
                &nodes, tagNumber: 0, tagClass: .contextSpecific
            ) { (node: ASN1Node) -> ([CMSAttribute], [UInt8]) in
                let attributes = try DER.set(of: CMSAttribute.self, identifier: node.identifier, rootNode: node)
                return (attributes, [0x31] + Array(node.encodedBytes.dropFirst()))
            }
            let signed = signedPair?.0 ?? []
            let signedEncoding = signedPair?.1
            let algorithm = try AlgorithmIdentifier(derEncoded: &nodes)
            let signature = try ASN1OctetString(derEncoded: &nodes)
            let unsigned = try DER.optionalImplicitlyTagged(&nodes, tagNumber: 1, tagClass: .contextSpecific) { node in
                try DER.set(of: CMSAttribute.self, identifier: node.identifier, rootNode: node)
            } ?? []
            var info = SignerInfo(
                issuer: issuer, serialNumber: serial, digestAlgorithm: digest, signedAttributes: signed,
                signatureAlgorithm: algorithm, signature: Array(signature.bytes))
            info.unsignedAttributes = unsigned
            info.receivedSignedAttributes = signedEncoding
            return info
        }
    }

    private init(
        issuer: ASN1Any, serialNumber: ArraySlice<UInt8>, digestAlgorithm: AlgorithmIdentifier,
        signedAttributes: [CMSAttribute], signatureAlgorithm: AlgorithmIdentifier, signature: [UInt8]
    ) {
        self.issuer = issuer
        self.serialNumber = serialNumber
        self.digestAlgorithm = digestAlgorithm
        self.signedAttributes = signedAttributes
        self.signatureAlgorithm = signatureAlgorithm
        self.signature = signature
        self.unsignedAttributes = []
    }

    public func serialize(into coder: inout DER.Serializer, withIdentifier identifier: ASN1Identifier) throws {
        try coder.appendConstructedNode(identifier: identifier) { coder in
            try coder.serialize(1)
            try coder.appendConstructedNode(identifier: .sequence) { coder in
                try coder.serialize(issuer)
                try coder.serialize(serialNumber)
            }
            try coder.serialize(digestAlgorithm)
            if !signedAttributes.isEmpty {
                try coder.serializeSetOf(signedAttributes, identifier: ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific))
            }
            try coder.serialize(signatureAlgorithm)
            try coder.serialize(ASN1OctetString(contentBytes: ArraySlice(signature)))
            if !unsignedAttributes.isEmpty {
                try coder.serializeSetOf(unsignedAttributes, identifier: ASN1Identifier(tagWithNumber: 1, tagClass: .contextSpecific))
            }
        }
    }

    /// The DER the signature is computed over: the signed attributes as a
    /// SET OF (tag 0x31), sorted as DER requires (RFC 5652 §5.4).
    public func signedAttributesForSigning() throws -> [UInt8] {
        var coder = DER.Serializer()
        try coder.serializeSetOf(signedAttributes, identifier: .set)
        return coder.serializedBytes
    }

    /// The value of a signed attribute, if present.
    public func signedAttribute(_ type: ASN1ObjectIdentifier) -> ASN1Any? {
        signedAttributes.first { $0.type == type }?.values.first
    }
}
