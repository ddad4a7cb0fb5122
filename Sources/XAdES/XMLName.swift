import CLibXML2
#if canImport(Glibc)
import Glibc
#endif

/// Namespaces and fixed strings of XML-DSig and XAdES, as libxml2 wants them.
enum XMLName {
    static let dsig = "http://www.w3.org/2000/09/xmldsig#"
    static let xades = "http://uri.etsi.org/01903/v1.3.2#"
    static let signedPropertiesType = "http://uri.etsi.org/01903#SignedProperties"
    static let envelopedSignature = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
    static let xpathFilter = "http://www.w3.org/TR/1999/REC-xpath-19991116"
    static let xpathFilter2 = "http://www.w3.org/2002/06/xmldsig-filter2"
    static let base64Transform = "http://www.w3.org/2000/09/xmldsig#base64"
    /// Keeps every node outside any ds:Signature: parallel signatures stay valid.
    static let notInSignature = "not(ancestor-or-self::ds:Signature)"
}

/// Small, explicit helpers over libxml2's tree.
extension UnsafeMutablePointer where Pointee == xmlNode {
    var localName: String { pointee.name.map { String(cString: $0) } ?? "" }
    var namespaceURI: String? { pointee.ns?.pointee.href.map { String(cString: $0) } }
    var isElement: Bool { pointee.type == XML_ELEMENT_NODE }

    /// Compares the C strings in place (no String made: called for every
    /// node of a document while canonicalizing).
    func isElement(_ name: String, in namespace: String) -> Bool {
        guard isElement, let local = pointee.name, let href = pointee.ns?.pointee.href else { return false }
        return name.withCString { strcmp($0, UnsafeRawPointer(local).assumingMemoryBound(to: CChar.self)) == 0 }
            && namespace.withCString { strcmp($0, UnsafeRawPointer(href).assumingMemoryBound(to: CChar.self)) == 0 }
    }

    /// Element children in document order.
    var elementChildren: [xmlNodePtr] {
        var result: [xmlNodePtr] = []
        var child = pointee.children
        while let node = child {
            if node.isElement { result.append(node) }
            child = node.pointee.next
        }
        return result
    }

    func child(_ name: String, in namespace: String) -> xmlNodePtr? {
        elementChildren.first { $0.isElement(name, in: namespace) }
    }

    /// Every descendant element (depth first), including self.
    func descendants(where match: (xmlNodePtr) -> Bool) -> [xmlNodePtr] {
        var result: [xmlNodePtr] = []
        var stack: [xmlNodePtr] = [self]
        while let node = stack.popLast() {
            if match(node) { result.append(node) }
            stack.append(contentsOf: node.elementChildren.reversed())
        }
        return result
    }

    func attribute(_ name: String) -> String? {
        guard let value = xmlGetProp(self, name) else { return nil }
        defer { podpis_xml_free(value) }
        return String(cString: value)
    }

    var textContent: String {
        guard let value = xmlNodeGetContent(self) else { return "" }
        defer { podpis_xml_free(value) }
        return String(cString: value)
    }

    /// Is `ancestor` this node or one of its ancestors?
    func isInside(_ ancestor: xmlNodePtr) -> Bool {
        var node: xmlNodePtr? = self
        while let current = node {
            if current == ancestor { return true }
            node = current.pointee.parent
        }
        return false
    }

    /// Appends a child element in a namespace, with optional text (escaped).
    @discardableResult
    func add(_ name: String, _ namespace: xmlNsPtr?, text: String? = nil) -> xmlNodePtr {
        if let text {
            return xmlNewTextChild(self, namespace, name, text)
        }
        return xmlNewChild(self, namespace, name, nil)
    }

    func set(_ attribute: String, _ value: String) {
        xmlSetProp(self, attribute, value)
    }
}
