import SwiftASN1

/// `CMSVersion ::= INTEGER { v0(0), v1(1), v2(2), v3(3), v4(4), v5(5) }` (RFC 5652 §10.2.5).
public enum CMSVersion: Int, Sendable, Hashable, Comparable, DERImplicitlyTaggable, BERImplicitlyTaggable {
    case v0 = 0, v1, v2, v3, v4, v5

    public static var defaultIdentifier: ASN1Identifier { .integer }

    public static func < (lhs: CMSVersion, rhs: CMSVersion) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(derEncoded node: ASN1Node, withIdentifier identifier: ASN1Identifier) throws {
        try self.init(Int(derEncoded: node, withIdentifier: identifier))
    }

    public init(berEncoded node: ASN1Node, withIdentifier identifier: ASN1Identifier) throws {
        try self.init(Int(berEncoded: node, withIdentifier: identifier))
    }

    private init(_ raw: Int) throws {
        guard let version = CMSVersion(rawValue: raw) else { throw Unknown(value: raw) }
        self = version
    }

    /// A version number RFC 5652 does not define.
    struct Unknown: Error { let value: Int }

    public func serialize(into coder: inout DER.Serializer, withIdentifier identifier: ASN1Identifier) throws {
        try rawValue.serialize(into: &coder, withIdentifier: identifier)
    }
}

/// `ContentInfo ::= SEQUENCE { contentType OID, content [0] EXPLICIT ANY }` (RFC 5652 §3).
public struct ContentInfo: DERImplicitlyTaggable, BERImplicitlyTaggable, Sendable, Hashable {
    public static var defaultIdentifier: ASN1Identifier { .sequence }
    static let contentTag = ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific)

    public var contentType: ASN1ObjectIdentifier
    /// The content as it came (its bytes are kept, BER included).
    public var content: CMSElement

    public init(contentType: ASN1ObjectIdentifier, content: CMSElement) {
        self.contentType = contentType
        self.content = content
    }

    public init(derEncoded node: ASN1Node, withIdentifier identifier: ASN1Identifier) throws {
        self = try DER.sequence(node, identifier: identifier) { nodes in
            let type = try ASN1ObjectIdentifier(derEncoded: &nodes)
            let content = try DER.explicitlyTagged(&nodes, tagNumber: 0, tagClass: .contextSpecific) { CMSElement(node: $0) }
            return ContentInfo(contentType: type, content: content)
        }
    }

    public init(berEncoded node: ASN1Node, withIdentifier identifier: ASN1Identifier) throws {
        self = try BER.sequence(node, identifier: identifier) { nodes in
            let type = try ASN1ObjectIdentifier(berEncoded: &nodes)
            let content = try BER.explicitlyTagged(&nodes, tagNumber: 0, tagClass: .contextSpecific) { CMSElement(node: $0) }
            return ContentInfo(contentType: type, content: content)
        }
    }

    public func serialize(into coder: inout DER.Serializer, withIdentifier identifier: ASN1Identifier) throws {
        try coder.appendConstructedNode(identifier: identifier) { coder in
            try coder.serialize(contentType)
            try coder.serialize(content, explicitlyTaggedWithTagNumber: 0, tagClass: .contextSpecific)
        }
    }
}

/// `EncapsulatedContentInfo ::= SEQUENCE { eContentType OID, eContent [0] EXPLICIT OCTET STRING OPTIONAL }`
/// (RFC 5652 §5.2). A BER OCTET STRING made of segments is read whole.
public struct EncapsulatedContentInfo: DERImplicitlyTaggable, BERImplicitlyTaggable, Sendable, Hashable {
    public static var defaultIdentifier: ASN1Identifier { .sequence }

    public var contentType: ASN1ObjectIdentifier
    /// The encapsulated content, or nil for a detached signature.
    public var content: [UInt8]?

    public init(contentType: ASN1ObjectIdentifier = CMSOID.data, content: [UInt8]?) {
        self.contentType = contentType
        self.content = content
    }

    public init(derEncoded node: ASN1Node, withIdentifier identifier: ASN1Identifier) throws {
        self = try DER.sequence(node, identifier: identifier) { nodes in
            let type = try ASN1ObjectIdentifier(derEncoded: &nodes)
            let content = try DER.optionalExplicitlyTagged(&nodes, tagNumber: 0, tagClass: .contextSpecific) {
                Array(try ASN1OctetString(derEncoded: $0).bytes)
            }
            return EncapsulatedContentInfo(contentType: type, content: content)
        }
    }

    public init(berEncoded node: ASN1Node, withIdentifier identifier: ASN1Identifier) throws {
        self = try BER.sequence(node, identifier: identifier) { nodes in
            let type = try ASN1ObjectIdentifier(berEncoded: &nodes)
            let content = try BER.optionalExplicitlyTagged(&nodes, tagNumber: 0, tagClass: .contextSpecific) { node -> [UInt8] in
                guard node.identifier == .octetString else { throw ASN1Error.unexpectedFieldType(node.identifier) }
                return SignedData.octets(node)
            }
            return EncapsulatedContentInfo(contentType: type, content: content)
        }
    }

    public func serialize(into coder: inout DER.Serializer, withIdentifier identifier: ASN1Identifier) throws {
        try coder.appendConstructedNode(identifier: identifier) { coder in
            try coder.serialize(contentType)
            if let content {
                try coder.serialize(ASN1OctetString(contentBytes: ArraySlice(content)), explicitlyTaggedWithTagNumber: 0, tagClass: .contextSpecific)
            }
        }
    }
}

/// `SignedData` (RFC 5652 §5.1), modelled like swift-certificates models CMS:
/// each part a type that reads itself from DER or BER and writes DER.
///
/// Certificates, CRLs and signer infos are kept as the bytes they came in
/// (``CMSElement``), so that adding a parallel signer never changes another's;
/// only the sets around them are written anew, in DER order.
public struct SignedData: DERImplicitlyTaggable, BERImplicitlyTaggable, Sendable, Hashable {
    public static var defaultIdentifier: ASN1Identifier { .sequence }
    static let certificatesTag = ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific)
    static let crlsTag = ASN1Identifier(tagWithNumber: 1, tagClass: .contextSpecific)

    public var version: CMSVersion
    public var digestAlgorithms: [AlgorithmIdentifier]
    public var encapContentInfo: EncapsulatedContentInfo
    public var certificates: [CMSElement]
    public var crls: [CMSElement]
    public var signerInfos: [CMSElement]

    /// The encapsulated content's type.
    public var contentType: ASN1ObjectIdentifier {
        get { encapContentInfo.contentType }
        set { encapContentInfo.contentType = newValue }
    }

    /// The encapsulated content, or nil for a detached signature.
    public var content: [UInt8]? {
        get { encapContentInfo.content }
        set { encapContentInfo.content = newValue }
    }

    public init(
        version: CMSVersion = .v1, digestAlgorithms: [AlgorithmIdentifier], contentType: ASN1ObjectIdentifier = CMSOID.data,
        content: [UInt8]?, certificates: [CMSElement], crls: [CMSElement] = [], signerInfos: [CMSElement]
    ) {
        self.version = version
        self.digestAlgorithms = digestAlgorithms
        self.encapContentInfo = EncapsulatedContentInfo(contentType: contentType, content: content)
        self.certificates = certificates
        self.crls = crls
        self.signerInfos = signerInfos
    }

    public init(derEncoded node: ASN1Node, withIdentifier identifier: ASN1Identifier) throws {
        self = try DER.sequence(node, identifier: identifier) { nodes in
            let version = try CMSVersion(derEncoded: &nodes)
            let algorithms = try DER.set(of: AlgorithmIdentifier.self, identifier: .set, nodes: &nodes)
            let encap = try EncapsulatedContentInfo(derEncoded: &nodes)
            let certificates = try DER.optionalImplicitlyTagged(&nodes, tagNumber: 0, tagClass: .contextSpecific) { try Self.members($0) }
            let crls = try DER.optionalImplicitlyTagged(&nodes, tagNumber: 1, tagClass: .contextSpecific) { try Self.members($0) }
            let signers = try Self.members(Self.next(&nodes, .set))
            return SignedData(
                version: version, digestAlgorithms: algorithms, encap: encap, certificates: certificates ?? [], crls: crls ?? [], signerInfos: signers)
        }
    }

    public init(berEncoded node: ASN1Node, withIdentifier identifier: ASN1Identifier) throws {
        self = try BER.sequence(node, identifier: identifier) { nodes in
            let version = try CMSVersion(berEncoded: &nodes)
            let algorithms = try BER.set(of: AlgorithmIdentifier.self, identifier: .set, nodes: &nodes)
            let encap = try EncapsulatedContentInfo(berEncoded: &nodes)
            let certificates = try BER.optionalImplicitlyTagged(&nodes, tagNumber: 0, tagClass: .contextSpecific) { try Self.members($0) }
            let crls = try BER.optionalImplicitlyTagged(&nodes, tagNumber: 1, tagClass: .contextSpecific) { try Self.members($0) }
            let signers = try Self.members(Self.next(&nodes, .set))
            return SignedData(
                version: version, digestAlgorithms: algorithms, encap: encap, certificates: certificates ?? [], crls: crls ?? [], signerInfos: signers)
        }
    }

    private init(
        version: CMSVersion, digestAlgorithms: [AlgorithmIdentifier], encap: EncapsulatedContentInfo, certificates: [CMSElement], crls: [CMSElement],
        signerInfos: [CMSElement]
    ) {
        self.version = version
        self.digestAlgorithms = digestAlgorithms
        self.encapContentInfo = encap
        self.certificates = certificates
        self.crls = crls
        self.signerInfos = signerInfos
    }

    /// The elements of an implicitly tagged SET, each as the bytes it came in.
    private static func members(_ node: ASN1Node) throws -> [CMSElement] {
        guard case .constructed(let items) = node.content else { throw ASN1Error.unexpectedFieldType(node.identifier) }
        return items.map { CMSElement(node: $0) }
    }

    /// The next node, which must carry `identifier`.
    private static func next(_ nodes: inout ASN1NodeCollection.Iterator, _ identifier: ASN1Identifier) throws -> ASN1Node {
        guard let node = nodes.next() else { throw ASN1Error.invalidASN1Object(reason: "SignedData ends early") }
        guard node.identifier == identifier else { throw ASN1Error.unexpectedFieldType(node.identifier) }
        return node
    }

    /// DER. Sets are sorted as DER requires; elements kept from the input keep their bytes.
    public func serialize(into coder: inout DER.Serializer, withIdentifier identifier: ASN1Identifier) throws {
        try coder.appendConstructedNode(identifier: identifier) { coder in
            try coder.serialize(version)
            try coder.serializeSetOf(digestAlgorithms)
            try coder.serialize(encapContentInfo)
            if !certificates.isEmpty { try coder.serializeSetOf(certificates, identifier: Self.certificatesTag) }
            if !crls.isEmpty { try coder.serializeSetOf(crls, identifier: Self.crlsTag) }
            try coder.serializeSetOf(signerInfos)
        }
    }

    // MARK: In a ContentInfo

    /// Reads a ContentInfo holding SignedData, in DER or BER (as other
    /// producers write it), zero padding after it allowed.
    public init(contentInfo bytes: [UInt8]) throws(CMSError) {
        let root = try Self.parseTolerantOfPadding(bytes)
        // ContentInfo read from the tree already parsed: its content's node is
        // used as it is (parsing the content's bytes again cost a second parse
        // of the whole file).
        let contentType: ASN1ObjectIdentifier
        let content: ASN1Node
        do {
            (contentType, content) = try BER.sequence(root, identifier: .sequence) { nodes in
                let type = try ASN1ObjectIdentifier(berEncoded: &nodes)
                return (type, try BER.explicitlyTagged(&nodes, tagNumber: 0, tagClass: .contextSpecific) { $0 })
            }
        } catch { throw CMSError(.malformed, "ContentInfo: \(parseFailure(error))") }
        guard contentType == CMSOID.signedData else { throw CMSError(.notSignedData, "content type \(contentType)") }
        do {
            self = try SignedData(berEncoded: content)  // the content as it came (BER allowed)
        } catch let unknown as CMSVersion.Unknown {
            throw CMSError(.unsupported, "SignedData version \(unknown.value)")
        } catch {
            throw CMSError(.malformed, "SignedData: \(parseFailure(error))")
        }
    }

    /// The ContentInfo holding this SignedData, in DER (elements kept from
    /// the input keep their bytes, even when those are BER).
    public func serialize() throws -> [UInt8] {
        var inner = DER.Serializer()
        try inner.serialize(self)
        let info = ContentInfo(contentType: CMSOID.signedData, content: CMSElement(written: inner.serializedBytes))
        var coder = DER.Serializer()
        try coder.serialize(info)
        return coder.serializedBytes
    }

    /// The signer infos that parse as version-1 SignerInfo.
    public func parsedSignerInfos() -> [SignerInfo] {
        signerInfos.compactMap(Self.signerInfo)
    }

    /// The place (in file order) of the first signer info that parses and
    /// satisfies `match`; signer infos that do not parse keep their places.
    public func signerIndex(where match: (SignerInfo) -> Bool) -> Int? {
        signerInfos.firstIndex { element in Self.signerInfo(element).map(match) ?? false }
    }

    /// One signer info as a version-1 SignerInfo, nil when it does not parse.
    static func signerInfo(_ element: CMSElement) -> SignerInfo? {
        if let node = try? DER.parse(element.bytes) { return try? SignerInfo(derEncoded: node) }
        // Another producer's BER signer info: read through its DER form.
        guard let ber = try? element.node(), let der = try? CMSElement(erasing: ASN1Any(berEncoded: ber)), let node = try? DER.parse(der.bytes)
        else { return nil }
        return try? SignerInfo(derEncoded: node)
    }

    // MARK: BER helpers

    /// Parses BER. Some producers pad the file with zero bytes after the
    /// structure (a fixed-size buffer written whole, seen in the wild): zeros
    /// after the structure (its end found in one pass by ``BERExtent``,
    /// definite or indefinite length) are ignored.
    static func parseTolerantOfPadding(_ bytes: [UInt8]) throws(CMSError) -> ASN1Node {
        if let length = BERExtent.ofFirstElement(bytes), length < bytes.count, bytes[length...].allSatisfy({ $0 == 0 }) {
            do { return try BER.parse(bytes[0..<length]) } catch { throw CMSError(.malformed, parseFailure(error)) }
        }
        var end = bytes.count
        var firstError: Error? = nil
        while end >= 2, bytes.count - end <= 256 {  // a bounded retry: never one parse per padding pair (quadratic)
            do { return try BER.parse(bytes[0..<end]) } catch {
                if firstError == nil { firstError = error }
                guard bytes[end - 1] == 0, bytes[end - 2] == 0 else { break }
                end -= 2
            }
        }
        throw CMSError(.malformed, "\(firstError.map { "\($0)" } ?? "empty")")
    }

    /// The total size of the first element when its length is definite.
    static func definiteLength(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 2, bytes[0] & 0x1F != 0x1F else { return nil }
        let first = bytes[1]
        if first < 0x80 { return 2 + Int(first) }
        let count = Int(first & 0x7F)
        guard count > 0, count <= 4, bytes.count >= 2 + count else { return nil }
        let length = bytes[2..<(2 + count)].reduce(0) { $0 << 8 | Int($1) }
        return 2 + count + length
    }

    static func first(_ nodes: ASN1NodeCollection) -> ASN1Node? {
        var iterator = nodes.makeIterator()
        return iterator.next()
    }

    static func children(_ node: ASN1Node, _ identifier: ASN1Identifier) throws -> ASN1NodeCollection.Iterator {
        guard node.identifier == identifier, case .constructed(let nodes) = node.content else {
            throw CMSError(.malformed, "expected \(identifier)")
        }
        return nodes.makeIterator()
    }

    static func next(_ nodes: inout ASN1NodeCollection.Iterator) throws -> ASN1Node {
        guard let node = nodes.next() else { throw CMSError(.malformed, "structure ends early") }
        return node
    }

    /// The bytes of an OCTET STRING, primitive or (BER) constructed of segments.
    static func octets(_ node: ASN1Node) -> [UInt8] {
        switch node.content {
        case .primitive(let bytes): return Array(bytes)
        case .constructed(let parts): return parts.flatMap { octets($0) }
        }
    }
}
