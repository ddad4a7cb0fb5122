import CLibXML2

/// The canonicalization algorithms of XML-DSig, all done by libxml2.
public enum Canonicalization: String, Sendable, CaseIterable, Codable {
    case inclusive = "c14n"
    case inclusiveWithComments = "c14n-with-comments"
    case exclusive = "exc-c14n"
    case exclusiveWithComments = "exc-c14n-with-comments"

    public var uri: String {
        switch self {
        case .inclusive: return "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
        case .inclusiveWithComments: return "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments"
        case .exclusive: return "http://www.w3.org/2001/10/xml-exc-c14n#"
        case .exclusiveWithComments: return "http://www.w3.org/2001/10/xml-exc-c14n#WithComments"
        }
    }

    public init?(uri: String) {
        guard let match = Self.allCases.first(where: { $0.uri == uri }) else { return nil }
        self = match
    }

    var mode: Int32 {
        switch self {
        case .inclusive, .inclusiveWithComments: return Int32(XML_C14N_1_0.rawValue)
        case .exclusive, .exclusiveWithComments: return Int32(XML_C14N_EXCLUSIVE_1_0.rawValue)
        }
    }

    public var withComments: Bool { self == .inclusiveWithComments || self == .exclusiveWithComments }
}

/// Which nodes of a document are canonicalized: the XPath node-set a
/// reference or SignedInfo stands for.
enum NodeSelection {
    /// An element and everything below it (`#id` references, SignedInfo,
    /// SignedProperties, SignatureValue): comments excluded as XML-DSig
    /// says for `#id`; included for `#xpointer(id('…'))`.
    case subtree(xmlNodePtr, comments: Bool)
    /// The whole document (`URI=""`, no comments; or `#xpointer(/)` with
    /// them) minus one signature (the enveloped-signature transform) or
    /// minus every ds:Signature (the XPath filter parallel signatures use).
    case document(excluding: xmlNodePtr?, allSignatures: Bool, comments: Bool)
    /// Every node of the document (comments as asked): libxml2 needs no
    /// visibility callback at all.
    case all(comments: Bool)
    /// What a reference of a signature made by others selects after its
    /// node-set transforms: the subtree under `apex` (or the whole document),
    /// minus the subtrees in `excluding` and, with `allSignatures`, minus
    /// every ds:Signature.
    case filtered(apex: xmlNodePtr?, excluding: [xmlNodePtr], allSignatures: Bool, comments: Bool)
}

/// A canonicalization as a signature names it, C14N 1.1 included (Podpis
/// signs with ``Canonicalization``; others' signatures may use any of these).
struct CanonicalizationMethod {
    let mode: Int32
    let comments: Bool
    /// exc-c14n's InclusiveNamespaces PrefixList.
    var inclusivePrefixes: [String] = []

    init?(uri: String) {
        switch uri {
        case "http://www.w3.org/TR/2001/REC-xml-c14n-20010315": (mode, comments) = (Int32(XML_C14N_1_0.rawValue), false)
        case "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments": (mode, comments) = (Int32(XML_C14N_1_0.rawValue), true)
        case "http://www.w3.org/2006/12/xml-c14n11": (mode, comments) = (Int32(XML_C14N_1_1.rawValue), false)
        case "http://www.w3.org/2006/12/xml-c14n11#WithComments": (mode, comments) = (Int32(XML_C14N_1_1.rawValue), true)
        case "http://www.w3.org/2001/10/xml-exc-c14n#": (mode, comments) = (Int32(XML_C14N_EXCLUSIVE_1_0.rawValue), false)
        case "http://www.w3.org/2001/10/xml-exc-c14n#WithComments": (mode, comments) = (Int32(XML_C14N_EXCLUSIVE_1_0.rawValue), true)
        default: return nil
        }
    }

    /// Inclusive C14N 1.0 without comments: what a node-set becomes when no
    /// transform made octets of it (XML-DSig §4.3.3.2).
    static let implicit = CanonicalizationMethod(uri: "http://www.w3.org/TR/2001/REC-xml-c14n-20010315")!
}

/// Streams the canonical form of a node-set to a sink, in libxml2's chunks.
enum Canonicalizer {
    final class Context {
        let selection: NodeSelection
        let sink: (UnsafeRawBufferPointer) -> Void
        init(selection: NodeSelection, sink: @escaping (UnsafeRawBufferPointer) -> Void) {
            self.selection = selection
            self.sink = sink
        }

        func isVisible(_ node: xmlNodePtr, parent: xmlNodePtr?) -> Bool {
            // Namespace nodes arrive as xmlNs*: judge them by their element.
            let element: xmlNodePtr?
            if node.pointee.type == XML_NAMESPACE_DECL {
                element = parent
            } else {
                if node.pointee.type == XML_COMMENT_NODE, !commentsIncluded { return false }
                element = node
            }
            guard let element else { return false }
            switch selection {
            case .subtree(let apex, _):
                return element.isInside(apex)
            case .all:
                return true
            case .filtered(let apex, let excluding, let allSignatures, _):
                if let apex, !element.isInside(apex) { return false }
                if excluding.isEmpty, !allSignatures { return true }
                // Signatures count from the apex down: a reference to an element
                // inside a signature (a counter-signed SignatureValue) is filtered
                // within that element, as other verifiers do.
                var current: xmlNodePtr? = element
                while let node = current, node.pointee.type != XML_DOCUMENT_NODE {
                    if excluding.contains(node) { return false }
                    if allSignatures, node.isElement("Signature", in: XMLName.dsig) { return false }
                    if let apex, node == apex { break }
                    current = node.pointee.parent
                }
                if let apex, !excluding.isEmpty {
                    var above = apex.pointee.parent
                    while let node = above, node.pointee.type != XML_DOCUMENT_NODE {
                        if excluding.contains(node) { return false }
                        above = node.pointee.parent
                    }
                }
                return true
            case .document(let excluded, let allSignatures, _):
                var current: xmlNodePtr? = element
                while let node = current, node.pointee.type != XML_DOCUMENT_NODE {
                    if let excluded, node == excluded { return false }
                    if allSignatures, node.isElement("Signature", in: XMLName.dsig) { return false }
                    current = node.pointee.parent
                }
                return true
            }
        }

        var commentsIncluded: Bool {
            switch selection {
            case .document(_, _, let comments), .subtree(_, let comments), .all(let comments), .filtered(_, _, _, let comments):
                return comments
            }
        }
    }

    static func canonicalize(
        _ document: XMLDocument, _ selection: NodeSelection, method: Canonicalization,
        into sink: @escaping (UnsafeRawBufferPointer) -> Void
    ) throws(XAdESError) {
        try canonicalize(document, selection, mode: method.mode, into: sink)
    }

    /// Canonicalizes with any mode of libxml2 (C14N 1.0, 1.1, exclusive with
    /// its inclusive prefixes).
    static func canonicalize(
        _ document: XMLDocument, _ selection: NodeSelection, mode: Int32, inclusivePrefixes: [String] = [],
        into sink: @escaping (UnsafeRawBufferPointer) -> Void
    ) throws(XAdESError) {
        let context = Context(selection: selection, sink: sink)
        let opaque = Unmanaged.passRetained(context).toOpaque()
        defer { Unmanaged<Context>.fromOpaque(opaque).release() }
        guard let buffer = xmlOutputBufferCreateIO(
            { ioContext, bytes, length in
                guard let ioContext, let bytes, length > 0 else { return 0 }
                let context = Unmanaged<Context>.fromOpaque(ioContext).takeUnretainedValue()
                context.sink(UnsafeRawBufferPointer(start: bytes, count: Int(length)))
                return length
            }, nil, opaque, nil)
        else { throw XAdESError(.canonicalization, "no output buffer") }
        let visible: xmlC14NIsVisibleCallback? = { userData, node, parent in
            guard let userData, let node else { return 0 }
            let context = Unmanaged<Context>.fromOpaque(userData).takeUnretainedValue()
            return context.isVisible(node, parent: parent) ? 1 : 0
        }
        let everything: Bool
        if case .all = selection { everything = true } else { everything = false }
        // exc-c14n's PrefixList as a NULL-terminated array of C strings.
        let prefixes: [UnsafeMutablePointer<xmlChar>?] = inclusivePrefixes.map { xmlStrdup($0) } + [nil]
        defer { for prefix in prefixes { podpis_xml_free(prefix) } }
        let result = prefixes.withUnsafeBufferPointer { list in
            xmlC14NExecute(
                document.pointer, everything ? nil : visible, everything ? nil : opaque, mode,
                inclusivePrefixes.isEmpty ? nil : UnsafeMutablePointer(mutating: list.baseAddress),
                context.commentsIncluded ? 1 : 0, buffer)
        }
        let closed = xmlOutputBufferClose(buffer)
        guard result >= 0, closed >= 0 else { throw XAdESError(.canonicalization, "xmlC14NExecute: \(result)") }
    }

    /// The document without `node` (a signature just added, not yet signed),
    /// as if it were not there: `node` is unlinked while libxml2
    /// canonicalizes the rest with no visibility callback, then put back
    /// where it was. For documents with no other signature, where this is
    /// the node-set of the enveloped-signature transform and of the XPath
    /// filter alike.
    static func canonicalize(
        _ document: XMLDocument, without node: xmlNodePtr, comments: Bool, method: Canonicalization,
        into sink: @escaping (UnsafeRawBufferPointer) -> Void
    ) throws(XAdESError) {
        let parent = node.pointee.parent
        let next = node.pointee.next
        xmlUnlinkNode(node)
        defer {
            if let next {
                xmlAddPrevSibling(next, node)
            } else {
                xmlAddChild(parent, node)
            }
        }
        try canonicalize(document, .all(comments: comments), method: method, into: sink)
    }

    /// The canonical bytes (for small node-sets such as SignedInfo).
    static func bytes(_ document: XMLDocument, _ selection: NodeSelection, method: Canonicalization) throws(XAdESError) -> [UInt8] {
        final class Collector { var bytes: [UInt8] = [] }
        let collector = Collector()
        try canonicalize(document, selection, method: method) { collector.bytes.append(contentsOf: $0) }
        return collector.bytes
    }
}
