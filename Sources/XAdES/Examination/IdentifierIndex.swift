import CLibXML2

/// Every Id of a document (attributes named Id, ID or id, as XML-DSig
/// producers use them without a DTD), with how often each occurs. A
/// reference resolves only through an Id that occurs exactly once: with two
/// elements of one Id, "the first match" is how signature wrapping works.
struct IdentifierIndex {
    private var elements: [String: [xmlNodePtr]] = [:]

    init(_ root: xmlNodePtr) {
        for element in root.descendants(where: { $0.isElement }) {
            var attribute = element.pointee.properties
            while let current = attribute {
                if current.pointee.ns == nil, let name = current.pointee.name.map({ String(cString: $0) }),
                    name == "Id" || name == "ID" || name == "id"
                {
                    let value = (xmlNodeGetContent(UnsafeMutableRawPointer(current).assumingMemoryBound(to: xmlNode.self))).map { pointer in
                        defer { podpis_xml_free(pointer) }
                        return String(cString: pointer)
                    } ?? ""
                    elements[value, default: []].append(element)
                }
                attribute = current.pointee.next
            }
        }
    }

    enum Lookup {
        case found(xmlNodePtr)
        case missing
        case duplicate(Int)
    }

    func lookup(_ id: String) -> Lookup {
        guard let nodes = elements[id] else { return .missing }
        return nodes.count == 1 ? .found(nodes[0]) : .duplicate(nodes.count)
    }
}
