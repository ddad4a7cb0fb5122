import SwiftASN1

/// `SignedData` (RFC 5652 §5.1) wrapped in its `ContentInfo`.
///
/// Existing certificates, CRLs and signer infos are kept as the bytes they
/// came in, so that adding a parallel signer never changes another's.
public struct SignedData: Sendable {
    public var version: Int
    public var digestAlgorithms: [AlgorithmIdentifier]
    public var contentType: ASN1ObjectIdentifier
    /// The encapsulated content, or nil for a detached signature.
    public var content: [UInt8]?
    public var certificates: [ASN1Any]
    public var crls: [ASN1Any]
    public var signerInfos: [ASN1Any]

    public init(
        version: Int = 1, digestAlgorithms: [AlgorithmIdentifier], contentType: ASN1ObjectIdentifier = CMSOID.data,
        content: [UInt8]?, certificates: [ASN1Any], crls: [ASN1Any] = [], signerInfos: [ASN1Any]
    ) {
        self.version = version
        self.digestAlgorithms = digestAlgorithms
        self.contentType = contentType
        self.content = content
        self.certificates = certificates
        self.crls = crls
        self.signerInfos = signerInfos
    }

    /// Reads a ContentInfo holding SignedData, in DER or BER (as other producers write it).
    public init(contentInfo bytes: [UInt8]) throws(CMSError) {
        let root = try Self.parseTolerantOfPadding(bytes)
        do {
            var top = try Self.children(root, .sequence)
            guard let typeNode = top.next(), let oid = try? ASN1ObjectIdentifier(berEncoded: typeNode) else {
                throw CMSError(.malformed, "no content type")
            }
            guard oid == CMSOID.signedData else { throw CMSError(.notSignedData, "content type \(oid)") }
            guard let explicit = top.next(), explicit.identifier == ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific),
                case .constructed(let wrapped) = explicit.content, let signedNode = Self.first(wrapped)
            else { throw CMSError(.malformed, "no SignedData") }
            var nodes = try Self.children(signedNode, .sequence)
            version = try Int(berEncoded: Self.next(&nodes))
            var algorithms: [AlgorithmIdentifier] = []
            var digestSet = try Self.children(Self.next(&nodes), .set)
            while let node = digestSet.next() { algorithms.append(try AlgorithmIdentifier(berEncoded: node)) }
            digestAlgorithms = algorithms
            var encap = try Self.children(Self.next(&nodes), .sequence)
            contentType = try ASN1ObjectIdentifier(berEncoded: Self.next(&encap))
            if let eContent = encap.next() {
                guard case .constructed(let inner) = eContent.content, let octets = Self.first(inner) else {
                    throw CMSError(.malformed, "eContent")
                }
                content = Self.octets(octets)
            } else {
                content = nil
            }
            var certificates: [ASN1Any] = []
            var crls: [ASN1Any] = []
            var signers: [ASN1Any] = []
            while let node = nodes.next() {
                switch node.identifier {
                case ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific):
                    if case .constructed(let items) = node.content { certificates = items.map { ASN1Any(berEncoded: $0) } }
                case ASN1Identifier(tagWithNumber: 1, tagClass: .contextSpecific):
                    if case .constructed(let items) = node.content { crls = items.map { ASN1Any(berEncoded: $0) } }
                case .set:
                    if case .constructed(let items) = node.content { signers = items.map { ASN1Any(berEncoded: $0) } }
                default:
                    throw CMSError(.malformed, "unexpected element in SignedData")
                }
            }
            self.certificates = certificates
            self.crls = crls
            self.signerInfos = signers
        } catch let error as CMSError {
            throw error
        } catch {
            throw CMSError(.malformed, "\(error)")
        }
    }

    /// The ContentInfo in DER. Sets are sorted as DER requires; elements
    /// kept from the input keep their bytes.
    public func serialize() throws -> [UInt8] {
        var coder = DER.Serializer()
        try coder.appendConstructedNode(identifier: .sequence) { coder in
            try coder.serialize(CMSOID.signedData)
            try coder.appendConstructedNode(identifier: ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific)) { coder in
                try coder.appendConstructedNode(identifier: .sequence) { coder in
                    try coder.serialize(version)
                    try coder.serializeSetOf(digestAlgorithms)
                    try coder.appendConstructedNode(identifier: .sequence) { coder in
                        try coder.serialize(contentType)
                        if let content {
                            try coder.appendConstructedNode(identifier: ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific)) { coder in
                                try coder.serialize(ASN1OctetString(contentBytes: ArraySlice(content)))
                            }
                        }
                    }
                    if !certificates.isEmpty {
                        try coder.serializeSetOf(certificates, identifier: ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific))
                    }
                    if !crls.isEmpty {
                        try coder.serializeSetOf(crls, identifier: ASN1Identifier(tagWithNumber: 1, tagClass: .contextSpecific))
                    }
                    try coder.serializeSetOf(signerInfos)
                }
            }
        }
        return coder.serializedBytes
    }

    /// The signer infos that parse as version-1 SignerInfo.
    public func parsedSignerInfos() -> [SignerInfo] {
        signerInfos.compactMap { any in
            var coder = DER.Serializer()
            guard (try? coder.serialize(any)) != nil, let node = try? DER.parse(coder.serializedBytes) else { return nil }
            return try? SignerInfo(derEncoded: node)
        }
    }

    // MARK: BER helpers

    /// Parses BER. Some producers pad the file with zero bytes after the
    /// structure (a fixed-size buffer written whole, seen in the wild): zeros
    /// after the structure (its end found in one pass by ``BERExtent``,
    /// definite or indefinite length) are ignored.
    static func parseTolerantOfPadding(_ bytes: [UInt8]) throws(CMSError) -> ASN1Node {
        if let length = BERExtent.ofFirstElement(bytes), length < bytes.count, bytes[length...].allSatisfy({ $0 == 0 }) {
            do { return try BER.parse(bytes[0..<length]) } catch { throw CMSError(.malformed, "\(error)") }
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
