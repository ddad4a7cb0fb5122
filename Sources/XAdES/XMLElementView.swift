import CLibXML2

/// A read-only view of one element of a parsed ``XMLDocument``, for modules
/// that read outside XML (trusted lists) without touching libxml2's
/// pointers. The view keeps its document alive; nothing in it can change
/// the tree.
public struct XMLElementView: @unchecked Sendable {
    /// The document the element belongs to (kept alive by the view).
    public let document: XMLDocument
    let node: xmlNodePtr

    init(document: XMLDocument, node: xmlNodePtr) {
        self.document = document
        self.node = node
    }

    /// The element's local name (without prefix).
    public var localName: String { node.localName }

    /// The element's namespace URI; nil when it has none.
    public var namespaceURI: String? { node.namespaceURI }

    /// Is this element `name` in `namespace`?
    public func isNamed(_ name: String, in namespace: String?) -> Bool {
        localName == name && namespaceURI == namespace
    }

    /// An attribute without a namespace (`attribute("uri")`), or in the
    /// namespace given (`attribute("lang", in: XMLElementView.xmlNamespace)`).
    public func attribute(_ name: String, in namespace: String? = nil) -> String? {
        let value: UnsafeMutablePointer<xmlChar>?
        if let namespace {
            value = xmlGetNsProp(node, name, namespace)
        } else {
            value = xmlGetNoNsProp(node, name)
        }
        guard let value else { return nil }
        defer { podpis_xml_free(value) }
        return String(cString: value)
    }

    /// The `xml:lang` attribute.
    public var language: String? { attribute("lang", in: Self.xmlNamespace) }

    /// The namespace of `xml:` attributes.
    public static let xmlNamespace = "http://www.w3.org/XML/1998/namespace"

    /// The element children, in document order.
    public var children: [XMLElementView] {
        node.elementChildren.map { XMLElementView(document: document, node: $0) }
    }

    /// The element children named `name` in `namespace` (nil: no namespace).
    public func children(named name: String, in namespace: String?) -> [XMLElementView] {
        children.filter { $0.isNamed(name, in: namespace) }
    }

    /// The first element child named `name` in `namespace`.
    public func firstChild(named name: String, in namespace: String?) -> XMLElementView? {
        var child = node.pointee.children
        while let current = child {
            if current.isElement, current.localName == name, current.namespaceURI == namespace {
                return XMLElementView(document: document, node: current)
            }
            child = current.pointee.next
        }
        return nil
    }

    /// The text content of the element and its descendants, with leading
    /// and trailing white space removed.
    public var text: String {
        var value = node.textContent[...]
        while let first = value.first, first.isWhitespace { value.removeFirst() }
        while let last = value.last, last.isWhitespace { value.removeLast() }
        return String(value)
    }

    /// The line of the element in its document (for messages).
    public var line: Int { Int(xmlGetLineNo(node)) }
}

extension XMLDocument {
    /// The document element, as a read-only view.
    public var rootElement: XMLElementView? {
        root.map { XMLElementView(document: self, node: $0) }
    }
}
