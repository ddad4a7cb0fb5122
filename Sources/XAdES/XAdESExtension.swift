import CLibXML2
import Evidence
import Foundation

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

    static let xades141 = "http://uri.etsi.org/01903/v1.4.1#"
    static let located: Set<String> = ["UnsignedSignatureProperties"]

    public init(bytes: [UInt8], name: String, limits: XMLParseLimits = XMLParseLimits()) throws {
        document = try XMLDocument.parse(bytes: bytes, name: name, limits: limits, locating: Self.located)
        original = bytes
        guard let root = document.root else { throw XMLInputError(.empty, document: name) }
        if let encoding = document.pointer.pointee.encoding.map({ String(cString: $0) }), encoding.uppercased() != "UTF-8" {
            throw XAdESError(.cannotExtend, "\(name): \(encoding) (only UTF-8 files are extended in place)")
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

    /// The certificates, OCSP responses and CRLs the signature already
    /// carries as XML values (ds:KeyInfo, CertificateValues, RevocationValues,
    /// TimeStampValidationData), DER.
    public func carried(by id: String) throws -> (certificates: Set<[UInt8]>, ocspResponses: Set<[UInt8]>, crls: Set<[UInt8]>) {
        let target = try target(id)
        func values(_ local: String, under node: xmlNodePtr?) -> [[UInt8]] {
            node?.descendants { $0.localName == local }.compactMap { $0.textContent.base64DecodedIgnoringWhitespace } ?? []
        }
        let keyInfo = target.signature.child("KeyInfo", in: XMLName.dsig)
        let keyInfoCertificates = keyInfo?.descendants { $0.isElement("X509Certificate", in: XMLName.dsig) } ?? []
        return (Set(keyInfoCertificates.compactMap { $0.textContent.base64DecodedIgnoringWhitespace })
                    .union(values("EncapsulatedX509Certificate", under: target.unsigned)),
                Set(values("EncapsulatedOCSPValue", under: target.unsigned)),
                Set(values("EncapsulatedCRLValue", under: target.unsigned)))
    }

    /// Whether the signature has an archive time-stamp already.
    public func hasArchiveTimeStamp(_ id: String) throws -> Bool {
        try target(id).unsigned.elementChildren.contains { $0.localName == "ArchiveTimeStamp" }
    }

    // MARK: Adding

    /// Adds the values the signature does not carry yet: as
    /// xades:CertificateValues and xades:RevocationValues when it has
    /// neither (B-LT), else — data added after the signature reached B-LT or
    /// B-LTA — as one xades141:TimeStampValidationData. Returns whether
    /// anything was added.
    @discardableResult
    public func addValidationData(to id: String, certificates: [[UInt8]], ocspResponses: [[UInt8]], crls: [[UInt8]]) throws -> Bool {
        var target = try target(id)
        let present = try carried(by: id)
        let newCertificates = certificates.filter { !present.certificates.contains($0) }.uniqued()
        let newOCSP = ocspResponses.filter { !present.ocspResponses.contains($0) }.uniqued()
        let newCRLs = crls.filter { !present.crls.contains($0) }.uniqued()
        guard !(newCertificates.isEmpty && newOCSP.isEmpty && newCRLs.isEmpty) else { return false }
        let xades = target.unsigned.pointee.ns
        let hasValues = target.unsigned.elementChildren.contains {
            ["CertificateValues", "RevocationValues", "ArchiveTimeStamp", "TimeStampValidationData"].contains($0.localName)
        }
        let parent: xmlNodePtr
        if hasValues {
            parent = xmlNewNode(nil, "TimeStampValidationData")
            xmlSetNs(parent, namespace(Self.xades141, prefix: "xades141", on: parent, within: target.unsigned))
            xmlAddChild(target.unsigned, parent)
            target.added.append(parent)
        } else {
            parent = target.unsigned
        }
        func adopt(_ element: xmlNodePtr) {
            if parent == target.unsigned {
                xmlAddChild(target.unsigned, element)
                target.added.append(element)
            } else {
                xmlAddChild(parent, element)
            }
        }
        if !newCertificates.isEmpty {
            let values = xmlNewNode(xades, "CertificateValues")!
            for der in newCertificates { values.add("EncapsulatedX509Certificate", xades, text: Data(der).base64EncodedString()) }
            adopt(values)
        }
        if !newOCSP.isEmpty || !newCRLs.isEmpty || !hasValues {
            let values = xmlNewNode(xades, "RevocationValues")!
            if !newCRLs.isEmpty {
                let list = values.add("CRLValues", xades)
                for der in newCRLs { list.add("EncapsulatedCRLValue", xades, text: Data(der).base64EncodedString()) }
            }
            if !newOCSP.isEmpty {
                let list = values.add("OCSPValues", xades)
                for der in newOCSP { list.add("EncapsulatedOCSPValue", xades, text: Data(der).base64EncodedString()) }
            }
            adopt(values)
        }
        targets[id] = target
        return true
    }

    /// An archive time-stamp being made: its element is in the tree (without
    /// its token yet) and `digest` is the imprint to ask the TSA for.
    public struct PendingArchiveTimeStamp {
        public let signatureID: String
        public let algorithm: DigestAlgorithm
        public let digest: [UInt8]
        let element: xmlNodePtr
        /// The XAdES namespace of the signature (EncapsulatedTimeStamp's).
        let xades: xmlNsPtr?
    }

    /// Starts a xades141:ArchiveTimeStamp at the end of the signature's
    /// unsigned properties and computes its input as EN 319 132-1 §5.5.2.2
    /// defines it (the same code the examiner checks it with); `detached`
    /// are the files of a detached signature.
    public func prepareArchiveTimeStamp(
        for id: String, algorithm: DigestAlgorithm = .sha256, canonicalization: Canonicalization = .exclusive, detached: [DetachedData] = []
    ) throws -> PendingArchiveTimeStamp {
        var target = try target(id)
        let element = xmlNewNode(nil, "ArchiveTimeStamp")!
        xmlAddChild(target.unsigned, element)
        xmlSetNs(element, namespace(Self.xades141, prefix: "xades141", on: element, within: target.unsigned))
        element.set("Id", "ArchiveTimeStamp-" + UUID().uuidString.lowercased())
        let method = xmlNewNode(nil, "CanonicalizationMethod")!
        xmlAddChild(element, method)
        xmlSetNs(method, namespace(XMLName.dsig, prefix: "ds", on: method, within: element))
        method.set("Algorithm", canonicalization.uri)
        let input = ArchiveTimeStampInput(
            signature: target.signature, pipeline: TransformPipeline(document: document, signature: target.signature), index: index,
            detached: detached, unsignedProperties: target.unsigned, stamp: element)
        var hasher = algorithm.hasher()
        guard input.feed(&hasher) else {
            xmlUnlinkNode(element)
            xmlFreeNode(element)
            throw XAdESError(.cannotExtend, "\(document.name), \(id): the archive time-stamp's input cannot be computed (a reference cannot be followed; a detached signature needs its files)")
        }
        target.added.append(element)
        targets[id] = target
        return PendingArchiveTimeStamp(signatureID: id, algorithm: algorithm, digest: hasher.finalize(), element: element, xades: target.unsigned.pointee.ns)
    }

    /// Puts the TSA's token into the archive time-stamp.
    public func complete(_ pending: PendingArchiveTimeStamp, token: [UInt8]) {
        pending.element.add("EncapsulatedTimeStamp", pending.xades, text: Data(token).base64EncodedString())
    }

    /// The namespace `href` as seen from `context` (its own prefix if one is
    /// in scope there), else declared on `element`.
    func namespace(_ href: String, prefix: String, on element: xmlNodePtr, within context: xmlNodePtr) -> xmlNsPtr {
        if let found = xmlSearchNsByHref(document.pointer, context, href) { return found }
        return xmlNewNs(element, href, prefix)
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

extension Array where Element == [UInt8] {
    /// Each value once, first occurrence kept.
    func uniqued() -> [[UInt8]] {
        var seen = Set<[UInt8]>()
        return filter { seen.insert($0).inserted }
    }
}
