import CLibXML2
import Evidence
import Foundation
import SignatureAlgorithms

/// The data a reference stands for while its transforms run: a node-set of
/// the document or octets (XML-DSig §4.3.3.2).
enum ReferenceData {
    case nodes(NodeSelection)
    case octets([UInt8])
}

/// Why a reference could not be followed: each case becomes one
/// ``ExaminedReference/Outcome``.
enum ReferenceFailure: Error {
    case notFound(String)
    case refused(String)
}

/// Runs a reference's transforms over the data its URI selects, allowing only
/// what EN 319 132 signatures need: enveloped-signature, the C14N family,
/// base64, the XPath filter `not(ancestor-or-self::ds:Signature)` and XPath
/// Filter 2.0 subtracting signatures. No XSLT, no other XPath, nothing
/// fetched: detached data comes only from the files given.
struct TransformPipeline {
    let document: XMLDocument
    /// The ds:Signature holding the reference (what enveloped-signature removes).
    let signature: xmlNodePtr
    static let maximumTransforms = 8

    /// The octets a reference digest is computed over: the transforms' result,
    /// a node-set made octets with C14N 1.0 (XML-DSig §4.3.3.2).
    func run(_ start: ReferenceData, transforms: [xmlNodePtr]) throws(ReferenceFailure) -> [UInt8] {
        let data = try transform(start, transforms: transforms)
        switch data {
        case .octets(let bytes): return bytes
        case .nodes: return try canonicalize(data, .implicit)
        }
    }

    /// The transforms' result as they leave it, a node-set or octets (an
    /// archive time-stamp canonicalizes a node-set with its own method).
    func transform(_ start: ReferenceData, transforms: [xmlNodePtr]) throws(ReferenceFailure) -> ReferenceData {
        guard transforms.count <= Self.maximumTransforms else { throw .refused("more than \(Self.maximumTransforms) transforms") }
        var data = start
        for transform in transforms {
            let algorithm = transform.attribute("Algorithm") ?? ""
            switch algorithm {
            case XMLName.envelopedSignature:
                data = .nodes(try exclude(data, node: signature, allSignatures: false))
            case XMLName.xpathFilter:
                let xpath = transform.child("XPath", in: XMLName.dsig)
                let expression = normalized(xpath?.textContent ?? "")
                guard let xpath, expression == "not(ancestor-or-self::\(dsigPrefix(xpath, in: expression)):Signature)" else {
                    throw .refused("XPath transform \"\(expression.prefix(80))\" (only \(XMLName.notInSignature) is run)")
                }
                data = .nodes(try exclude(data, node: nil, allSignatures: true))
            case XMLName.xpathFilter2:
                data = .nodes(try filter2(data, transform))
            case XMLName.base64Transform:
                data = .octets(try base64(data))
            default:
                guard var method = CanonicalizationMethod(uri: algorithm) else {
                    throw .refused("transform \(algorithm.prefix(120))")
                }
                method.inclusivePrefixes = prefixList(transform)
                data = .octets(try canonicalize(data, method))
            }
        }
        return data
    }

    func canonicalize(_ data: ReferenceData, _ method: CanonicalizationMethod) throws(ReferenceFailure) -> [UInt8] {
        switch data {
        case .octets(let bytes):
            // Octets into a C14N transform: parsed as XML first (XML-DSig §4.3.3.2).
            guard let parsed = try? XMLDocument.parse(bytes: bytes, name: document.name) else {
                throw .refused("octets given to a canonicalization are not XML")
            }
            return try TransformPipeline(document: parsed, signature: signature).canonicalize(.nodes(.all(comments: method.comments)), method)
        case .nodes(let selection):
            final class Collector { var bytes: [UInt8] = [] }
            let collector = Collector()
            try canonicalize(selection, method) { collector.bytes.append(contentsOf: $0) }
            return collector.bytes
        }
    }

    /// Streams the canonical form of a node-set of this document to `sink`
    /// (comments kept only when the selection and the method both keep them).
    func canonicalize(
        _ selection: NodeSelection, _ method: CanonicalizationMethod, into sink: @escaping (UnsafeRawBufferPointer) -> Void
    ) throws(ReferenceFailure) {
        let adjusted = Self.withComments(selection, method.comments)
        do {
            try Canonicalizer.canonicalize(document, adjusted, mode: method.mode, inclusivePrefixes: method.inclusivePrefixes, into: sink)
        } catch {
            throw .refused("canonicalization: \(error.detail)")
        }
    }

    /// Comments survive only when the selection kept them and the method keeps them.
    static func withComments(_ selection: NodeSelection, _ keep: Bool) -> NodeSelection {
        switch selection {
        case .subtree(let apex, let comments): return .subtree(apex, comments: comments && keep)
        case .document(let excluded, let all, let comments): return .document(excluding: excluded, allSignatures: all, comments: comments && keep)
        case .all(let comments): return .all(comments: comments && keep)
        case .filtered(let apex, let excluding, let all, let comments):
            return .filtered(apex: apex, excluding: excluding, allSignatures: all, comments: comments && keep)
        }
    }

    func exclude(_ data: ReferenceData, node: xmlNodePtr?, allSignatures: Bool) throws(ReferenceFailure) -> NodeSelection {
        guard case .nodes(let selection) = data else { throw .refused("a node-set transform after octets") }
        let extra = node.map { [$0] } ?? []
        switch selection {
        case .subtree(let apex, let comments):
            return .filtered(apex: apex, excluding: extra, allSignatures: allSignatures, comments: comments)
        case .all(let comments):
            return .filtered(apex: nil, excluding: extra, allSignatures: allSignatures, comments: comments)
        case .document(let excluded, let all, let comments):
            return .filtered(apex: nil, excluding: (excluded.map { [$0] } ?? []) + extra, allSignatures: all || allSignatures, comments: comments)
        case .filtered(let apex, let excluding, let all, let comments):
            return .filtered(apex: apex, excluding: excluding + extra, allSignatures: all || allSignatures, comments: comments)
        }
    }

    /// XPath Filter 2.0, limited to subtracting signatures: the forms
    /// producers use for enveloped signatures.
    func filter2(_ data: ReferenceData, _ transform: xmlNodePtr) throws(ReferenceFailure) -> NodeSelection {
        var selection = data
        let filters = transform.elementChildren.filter { $0.isElement("XPath", in: XMLName.xpathFilter2) }
        guard !filters.isEmpty else { throw .refused("XPath Filter 2.0 without an XPath") }
        for filter in filters {
            let kind = filter.attribute("Filter") ?? ""
            let expression = normalized(filter.textContent)
            guard kind == "subtract" else { throw .refused("XPath Filter 2.0 \(kind) \"\(expression.prefix(80))\"") }
            let p = dsigPrefix(filter, in: expression)
            switch expression {
            case "/descendant::\(p):Signature", "//\(p):Signature", "/descendant-or-self::\(p):Signature",
                "/descendant::*[name()='\(p):Signature']", "//*[name()='\(p):Signature']":
                selection = .nodes(try exclude(selection, node: nil, allSignatures: true))
            case "here()/ancestor::\(p):Signature[1]":
                selection = .nodes(try exclude(selection, node: signature, allSignatures: false))
            default:
                throw .refused("XPath Filter 2.0 subtract \"\(expression.prefix(80))\"")
            }
        }
        guard case .nodes(let result) = selection else { throw .refused("XPath Filter 2.0 over octets") }
        return result
    }

    func base64(_ data: ReferenceData) throws(ReferenceFailure) -> [UInt8] {
        let text: String
        switch data {
        case .octets(let bytes): text = String(decoding: bytes, as: UTF8.self)
        case .nodes(let selection):
            guard case .subtree(let apex, _) = selection else { throw .refused("base64 over a document node-set") }
            text = apex.textContent
        }
        guard let decoded = text.base64DecodedIgnoringWhitespace else { throw .refused("base64 transform: not base64") }
        return decoded
    }

    func prefixList(_ transform: xmlNodePtr) -> [String] {
        guard let inclusive = transform.child("InclusiveNamespaces", in: "http://www.w3.org/2001/10/xml-exc-c14n#") else { return [] }
        return (inclusive.attribute("PrefixList") ?? "").split(whereSeparator: { $0.isWhitespace }).map(String.init)
    }

    /// The prefix the expression uses for Signature, when the XPath element
    /// binds it to the XML-DSig namespace ("ds" when it binds none: never matches then).
    func dsigPrefix(_ element: xmlNodePtr, in expression: String) -> String {
        guard let range = expression.range(of: ":Signature") else { return "ds" }
        let before = expression[..<range.lowerBound]
        let prefix = String(before.reversed().prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }.reversed())
        guard !prefix.isEmpty, let ns = xmlSearchNs(element.pointee.doc, element, prefix),
            let href = ns.pointee.href, String(cString: href) == XMLName.dsig
        else { return "ds" }
        return prefix
    }

    /// White space collapsed, and the `ds` prefix as written (the expressions
    /// are compared as text; any other prefix is refused by the comparison).
    func normalized(_ expression: String) -> String {
        expression.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }
}
