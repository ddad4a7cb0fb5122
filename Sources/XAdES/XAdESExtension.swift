import CLibXML2
import Evidence
import Foundation
import Signing

/// Grows the unsigned properties of the signatures of a signed XML file to
/// the long-term levels of EN 319 132-1 (§5.5: B-LT's xades:CertificateValues
/// and xades:RevocationValues; B-LTA's xades141:ArchiveTimeStamp, and
/// xades141:TimeStampValidationData for data added after an archive
/// time-stamp), for signatures made by Podpis and by anyone else.
///
/// The file is never re-serialized: the new elements are built with libxml2
/// in the parsed tree (so that an archive time-stamp's input is computed on
/// exactly what the result holds), then only they are written out and
/// inserted before the end tag of the extended signature's
/// xades:UnsignedSignatureProperties, at the offset libxml2's parser
/// reported. Every other byte — other signatures, the document, this
/// signature's signed part — stays as it was.
public final class XAdESExtension {
    public let document: XMLDocument
    let original: [UInt8]
    let index: IdentifierIndex

    /// One signature that can be extended.
    struct Target {
        let signature: xmlNodePtr
        /// Its xades:UnsignedSignatureProperties.
        let unsigned: xmlNodePtr
        /// The byte offset of that element's end tag in `original`.
        let insertAt: Int
        var added: [xmlNodePtr] = []
    }
    var targets: [String: Target] = [:]
    /// The top-level signatures' ids in document order (the examiner's ids: the Id attribute, else "S-n").
    public private(set) var signatureIDs: [String] = []
    /// The signatures that cannot be extended, with the reason.
    public private(set) var unextendable: [String: String] = [:]

    static let located: Set<String> = ["UnsignedSignatureProperties"]

    public init(bytes: [UInt8], name: String, limits: XMLParseLimits = XMLParseLimits()) throws {
        document = try XMLDocument.parse(bytes: bytes, name: name, limits: limits, locating: Self.located)
        original = bytes
        guard let root = document.root else { throw XMLInputError(.empty, document: name) }
        // The inserted elements are written in UTF-8 (base64 and ASCII names): files in UTF-8 or plain ASCII take them as they are.
        if let encoding = document.pointer.pointee.encoding.map({ String(cString: $0) }),
            !["UTF-8", "UTF8", "US-ASCII", "ASCII"].contains(encoding.uppercased())
        {
            throw XAdESError(.cannotExtend, "\(name): \(encoding) (only UTF-8 and ASCII files are extended in place)")
        }
        index = IdentifierIndex(root)
        let all = root.descendants { $0.isElement("Signature", in: XMLName.dsig) }
        let topLevel = all.filter { signature in !signature.hasAncestor { $0.isElement("CounterSignature", in: XMLName.xades) } }
        for (number, signature) in topLevel.prefix(XAdESExaminer.maximumSignatures).enumerated() {
            let id = signature.attribute("Id") ?? "S-\(number + 1)"
            signatureIDs.append(id)
            guard let unsigned = Self.unsignedSignatureProperties(of: signature) else {
                unextendable[id] = "no xades:UnsignedSignatureProperties (a B-B signature: time-stamp it first, level B-T)"
                continue
            }
            guard let end = document.elementEnds[unsigned], let start = Self.endTagStart(in: bytes, endingAt: end, name: unsigned) else {
                unextendable[id] = "the end of xades:UnsignedSignatureProperties cannot be located in the file"
                continue
            }
            targets[id] = Target(signature: signature, unsigned: unsigned, insertAt: start)
        }
    }

    /// ds:Object / xades:QualifyingProperties / xades:UnsignedProperties / xades:UnsignedSignatureProperties.
    static func unsignedSignatureProperties(of signature: xmlNodePtr) -> xmlNodePtr? {
        for object in signature.elementChildren where object.isElement("Object", in: XMLName.dsig) {
            for properties in object.elementChildren
            where properties.localName == "QualifyingProperties" && XAdESExaminer.etsiNamespaces.contains(properties.namespaceURI ?? "") {
                let unsigned = properties.elementChildren.first { $0.localName == "UnsignedProperties" && $0.namespaceURI == properties.namespaceURI }
                return unsigned?.elementChildren.first { $0.localName == "UnsignedSignatureProperties" && $0.namespaceURI == properties.namespaceURI }
            }
        }
        return nil
    }

    /// Where the end tag (`</prefix:Name S? >`) ending just before `end` begins; nil unless it is exactly that.
    static func endTagStart(in bytes: [UInt8], endingAt end: Int, name element: xmlNodePtr) -> Int? {
        guard end > 0, end <= bytes.count, bytes[end - 1] == UInt8(ascii: ">"),
            let open = bytes[..<(end - 1)].lastIndex(of: UInt8(ascii: "<")), open + 1 < end, bytes[open + 1] == UInt8(ascii: "/")
        else { return nil }
        let prefix = element.pointee.ns?.pointee.prefix.map { String(cString: $0) + ":" } ?? ""
        let written = String(decoding: bytes[(open + 2)..<(end - 1)], as: UTF8.self).trimmingTrailingWhitespace()
        return written == prefix + element.localName ? open : nil
    }

    func target(_ id: String) throws -> Target {
        if let target = targets[id] { return target }
        throw XAdESError(.cannotExtend, "\(document.name), \(id): \(unextendable[id] ?? "no such signature")")
    }

    // MARK: What a signature carries

    func elements(_ target: Target) -> LongTermElements {
        LongTermElements(document: document, signature: target.signature, unsigned: target.unsigned)
    }

    /// The certificates, OCSP responses and CRLs the signature already
    /// carries as XML values (ds:KeyInfo, CertificateValues, RevocationValues,
    /// TimeStampValidationData), DER.
    public func carried(by id: String) throws -> (certificates: Set<[UInt8]>, ocspResponses: Set<[UInt8]>, crls: Set<[UInt8]>) {
        elements(try target(id)).carried()
    }

    /// Whether the signature has an archive time-stamp already.
    public func hasArchiveTimeStamp(_ id: String) throws -> Bool {
        try target(id).unsigned.elementChildren.contains { $0.localName == "ArchiveTimeStamp" }
    }

    // MARK: Adding

    /// Adds the values the signature does not carry yet (``LongTermElements/addValidationData``).
    /// Returns whether anything was added.
    @discardableResult
    public func addValidationData(to id: String, _ values: ValidationValues) throws -> Bool {
        var target = try target(id)
        let added = elements(target).addValidationData(values)
        target.added += added
        targets[id] = target
        return !added.isEmpty
    }

    /// An archive time-stamp being made: its element is in the tree (without
    /// its token yet) and `digest` is the imprint to ask the TSA for.
    public struct PendingArchiveTimeStamp {
        public let signatureID: String
        public let algorithm: DigestAlgorithm
        public let digest: [UInt8]
        let pending: LongTermElements.PendingArchiveTimeStamp
    }

    /// Starts a xades141:ArchiveTimeStamp at the end of the signature's
    /// unsigned properties (``LongTermElements/startArchiveTimeStamp``);
    /// `detached` are the files of a detached signature.
    public func prepareArchiveTimeStamp(
        for id: String, algorithm: DigestAlgorithm = .sha256, canonicalization: Canonicalization = .exclusive, detached: [DetachedData] = []
    ) throws -> PendingArchiveTimeStamp {
        var target = try target(id)
        guard let pending = elements(target).startArchiveTimeStamp(algorithm: algorithm, canonicalization: canonicalization, index: index, detached: detached) else {
            throw XAdESError(.cannotExtend, "\(document.name), \(id): the archive time-stamp's input cannot be computed (a reference cannot be followed; a detached signature needs its files)")
        }
        target.added.append(pending.element)
        targets[id] = target
        return PendingArchiveTimeStamp(signatureID: id, algorithm: algorithm, digest: pending.digest, pending: pending)
    }

    /// Puts the TSA's token into the archive time-stamp.
    public func complete(_ pending: PendingArchiveTimeStamp, token: [UInt8]) {
        pending.pending.complete(token: token)
    }

    // MARK: Result

    /// The original bytes with the new elements inserted.
    public func serialized() -> [UInt8] {
        let insertions = targets.values.filter { !$0.added.isEmpty }.sorted { $0.insertAt < $1.insertAt }
        var result: [UInt8] = []
        result.reserveCapacity(original.count + insertions.count * 8192)
        var position = 0
        for target in insertions {
            result += original[position..<target.insertAt]
            for element in target.added { result += Self.dump(element, in: document.pointer) }
            position = target.insertAt
        }
        result += original[position...]
        return result
    }

    static func dump(_ node: xmlNodePtr, in document: xmlDocPtr) -> [UInt8] {
        guard let buffer = xmlBufferCreate() else { return [] }
        defer { xmlBufferFree(buffer) }
        xmlNodeDump(buffer, document, node, 0, 0)
        guard let content = xmlBufferContent(buffer) else { return [] }
        return Array(UnsafeBufferPointer(start: content, count: Int(xmlBufferLength(buffer))))
    }
}
