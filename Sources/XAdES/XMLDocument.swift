import CLibXML2
import Files
import Foundation

/// An XML document held by libxml2, freed with its owner. Parsed only by
/// ``XMLDocument/parse(file:name:limits:)`` or
/// ``XMLDocument/parse(bytes:name:limits:)``: no network, no DTD, no entity
/// expansion, and limits on size, depth and node count.
public final class XMLDocument: @unchecked Sendable {
    let pointer: xmlDocPtr
    /// The name the user knows the document by (used in messages).
    public let name: String
    /// For the elements the parse was asked to locate (by local name): the
    /// byte offset just after each one's end tag, as libxml2's parser read
    /// it. An extension inserts new elements there and leaves every other
    /// byte of the file as it was.
    var elementEnds: [xmlNodePtr: Int] = [:]

    init(owning pointer: xmlDocPtr, name: String) {
        self.pointer = pointer
        self.name = name
    }

    deinit { xmlFreeDoc(pointer) }

    /// An empty UTF-8 document (for enveloping and detached signatures).
    static func empty(name: String) -> XMLDocument {
        xmlInitParser()
        let doc = xmlNewDoc("1.0")!
        doc.pointee.encoding = UnsafePointer(xmlStrdup("UTF-8"))
        return XMLDocument(owning: doc, name: name)
    }

    /// Parses a file, streaming it into the parser.
    public static func parse(file: InputFile, name: String? = nil, limits: XMLParseLimits = XMLParseLimits()) throws -> XMLDocument {
        let parser = XMLPushParser(name: name ?? file.path, limits: limits)
        _ = try file.forEachChunk { chunk in try parser.feed(chunk) }
        return try parser.finish()
    }

    /// Parses bytes held in memory; with `locating`, records where the
    /// elements of those local names end (``elementEnds``).
    public static func parse(bytes: [UInt8], name: String, limits: XMLParseLimits = XMLParseLimits(), locating: Set<String> = []) throws -> XMLDocument {
        let parser = XMLPushParser(name: name, limits: limits)
        parser.state.locating = locating
        var offset = 0
        repeat {
            let end = min(bytes.count, offset + (1 << 20))
            try bytes[offset..<end].withUnsafeBytes { chunk in try parser.feed(chunk) }
            offset = end
        } while offset < bytes.count
        return try parser.finish()
    }

    /// The document element.
    var root: xmlNodePtr? { xmlDocGetRootElement(pointer) }

    /// The document as bytes, in its own encoding (UTF-8 unless it declared another).
    public func serialized() -> [UInt8] {
        var memory: UnsafeMutablePointer<xmlChar>? = nil
        var size: Int32 = 0
        if pointer.pointee.encoding == nil {
            xmlDocDumpMemoryEnc(pointer, &memory, &size, "UTF-8")
        } else {
            xmlDocDumpMemory(pointer, &memory, &size)
        }
        defer { podpis_xml_free(memory) }
        guard let memory, size > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: memory, count: Int(size)))
    }
}

/// libxml2's push parser with SAX hooks that refuse DTDs and entities as
/// soon as they are declared and count depth and nodes as elements open.
final class XMLPushParser {
    /// What the SAX hooks found; reached from C through the context's `_private`.
    final class State {
        let limits: XMLParseLimits
        var nodes = 0
        var doctype: String?
        var refusal: XMLInputError.Kind?
        var refusalDetail = ""
        /// Local names whose end offsets are recorded, and the offsets.
        var locating: Set<String> = []
        var ends: [xmlNodePtr: Int] = [:]
        init(limits: XMLParseLimits) { self.limits = limits }
    }

    let name: String
    let limits: XMLParseLimits
    let state: State
    private var context: xmlParserCtxtPtr?
    private var total = 0
    private var firstByte: UInt8?

    init(name: String, limits: XMLParseLimits) {
        xmlInitParser()
        self.name = name
        self.limits = limits
        self.state = State(limits: limits)
    }

    deinit {
        if let context {
            if let doc = context.pointee.myDoc { xmlFreeDoc(doc) }
            xmlFreeParserCtxt(context)
        }
    }

    private func makeContext() -> xmlParserCtxtPtr? {
        var handler = xmlSAXHandler()
        xmlSAXVersion(&handler, 2)
        handler.internalSubset = { ctx, name, externalID, systemID in
            guard let (ctxt, state) = XMLPushParser.state(ctx) else { return }
            state.doctype = name.map { String(cString: $0) } ?? ""
            if externalID != nil || systemID != nil {
                state.refuse(.externalEntity, systemID.map { "DTD \(String(cString: $0))" } ?? "external DTD", ctxt)
            }
        }
        handler.entityDecl = { ctx, name, type, publicID, systemID, _ in
            guard let (ctxt, state) = XMLPushParser.state(ctx) else { return }
            let entity = name.map { String(cString: $0) } ?? "?"
            if systemID != nil || publicID != nil {
                let target = systemID.map { String(cString: $0) } ?? ""
                state.refuse(.externalEntity, "ENTITY \(entity) SYSTEM \(target)", ctxt)
            } else {
                state.refuse(.entityDeclaration, "ENTITY \(entity)", ctxt)
            }
        }
        handler.unparsedEntityDecl = { ctx, name, _, _, _ in
            guard let (ctxt, state) = XMLPushParser.state(ctx) else { return }
            state.refuse(.externalEntity, "ENTITY \(name.map { String(cString: $0) } ?? "?") NDATA", ctxt)
        }
        handler.elementDecl = { ctx, _, _, _ in
            guard let (ctxt, state) = XMLPushParser.state(ctx) else { return }
            state.refuse(.doctype, "ELEMENT", ctxt)
        }
        handler.attributeDecl = { ctx, _, _, _, _, _, tree in
            if let tree { xmlFreeEnumeration(tree) }
            guard let (ctxt, state) = XMLPushParser.state(ctx) else { return }
            state.refuse(.doctype, "ATTLIST", ctxt)
        }
        handler.notationDecl = { ctx, _, _, _ in
            guard let (ctxt, state) = XMLPushParser.state(ctx) else { return }
            state.refuse(.doctype, "NOTATION", ctxt)
        }
        handler.startElementNs = { ctx, localname, prefix, uri, nbNamespaces, namespaces, nbAttributes, nbDefaulted, attributes in
            guard let (ctxt, state) = XMLPushParser.state(ctx) else { return }
            let depth = Int(ctxt.pointee.nodeNr) + 1
            state.nodes += 1 + Int(nbAttributes)
            if depth > state.limits.maximumDepth {
                state.refuse(.tooDeep, "> \(state.limits.maximumDepth)", ctxt)
                return
            }
            if state.nodes > state.limits.maximumNodes {
                state.refuse(.tooManyNodes, "> \(state.limits.maximumNodes)", ctxt)
                return
            }
            xmlSAX2StartElementNs(ctx, localname, prefix, uri, nbNamespaces, namespaces, nbAttributes, nbDefaulted, attributes)
        }
        if !state.locating.isEmpty {
            handler.endElementNs = { ctx, localname, prefix, uri in
                if let (ctxt, state) = XMLPushParser.state(ctx), let node = ctxt.pointee.node, let localname,
                    state.locating.contains(String(cString: localname))
                {
                    // The parser stands just after the end tag's '>'.
                    state.ends[node] = Int(xmlByteConsumed(ctxt))
                }
                xmlSAX2EndElementNs(ctx, localname, prefix, uri)
            }
        }
        guard let ctxt = xmlCreatePushParserCtxt(&handler, nil, nil, 0, name) else { return nil }
        // No NOENT (no substitution), no DTDLOAD/DTDATTR, no network, no XInclude.
        xmlCtxtUseOptions(ctxt, Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOWARNING.rawValue | XML_PARSE_NOERROR.rawValue))
        ctxt.pointee._private = Unmanaged.passUnretained(state).toOpaque()
        return ctxt
    }

    static func state(_ ctx: UnsafeMutableRawPointer?) -> (xmlParserCtxtPtr, State)? {
        guard let ctx else { return nil }
        let ctxt = ctx.assumingMemoryBound(to: xmlParserCtxt.self)
        guard let opaque = ctxt.pointee._private else { return nil }
        return (ctxt, Unmanaged<State>.fromOpaque(opaque).takeUnretainedValue())
    }

    func feed(_ chunk: UnsafeRawBufferPointer) throws(XMLInputError) {
        guard chunk.count > 0 else { return }
        if context == nil {
            context = makeContext()
            guard context != nil else { throw XMLInputError(.malformed, document: name, detail: "libxml2: no parser context") }
        }
        if firstByte == nil {
            firstByte = Self.firstSignificantByte(of: chunk)
        }
        total += chunk.count
        if total > limits.maximumBytes {
            throw XMLInputError(.tooLarge, document: name, detail: "> \(limits.maximumBytes / (1 << 20)) MiB")
        }
        if state.refusal != nil || context!.pointee.instate == XML_PARSER_EOF { return }
        _ = xmlParseChunk(context, chunk.baseAddress!.assumingMemoryBound(to: CChar.self), Int32(chunk.count), 0)
        if let refusal = state.refusal { throw XMLInputError(refusal, document: name, detail: state.refusalDetail) }
    }

    /// The first byte after a UTF-8 BOM and white space: `<` for any XML document.
    static func firstSignificantByte(of chunk: UnsafeRawBufferPointer) -> UInt8? {
        var index = 0
        if chunk.count >= 3, chunk[0] == 0xEF, chunk[1] == 0xBB, chunk[2] == 0xBF { index = 3 }
        while index < chunk.count, [0x20, 0x09, 0x0A, 0x0D].contains(chunk[index]) { index += 1 }
        return index < chunk.count ? chunk[index] : nil
    }

    func finish() throws(XMLInputError) -> XMLDocument {
        guard let context, total > 0 else { throw XMLInputError(.empty, document: name) }
        if let firstByte, firstByte != UInt8(ascii: "<"), firstByte != 0xFE, firstByte != 0xFF, firstByte != 0 {
            throw XMLInputError(.notXML, document: name)
        }
        if state.refusal == nil { _ = xmlParseChunk(context, nil, 0, 1) }
        if let refusal = state.refusal { throw XMLInputError(refusal, document: name, detail: state.refusalDetail) }
        if let doctype = state.doctype { throw XMLInputError(.doctype, document: name, detail: "DOCTYPE \(doctype)") }
        let error = context.pointee.lastError
        guard context.pointee.wellFormed != 0, let doc = context.pointee.myDoc, xmlDocGetRootElement(doc) != nil else {
            let message = error.message.map { String(cString: $0).trimmingTrailingWhitespace().replacingOccurrences(of: "\n", with: "; ") } ?? "?"
            let detail = "line \(error.line): \(message)"
            switch Int(error.code) {
            case Int(XML_ERR_DOCUMENT_EMPTY.rawValue): throw XMLInputError(.empty, document: name)
            case Int(XML_ERR_DOCUMENT_START.rawValue): throw XMLInputError(.notXML, document: name, detail: detail)
            case Int(XML_ERR_INVALID_CHAR.rawValue), Int(XML_ERR_INVALID_ENCODING.rawValue):
                if message.contains("UTF-8") || message.contains("encoding") {
                    throw XMLInputError(.notUTF8, document: name, detail: detail)
                }
                throw XMLInputError(.malformed, document: name, detail: detail)
            case Int(XML_ERR_UNDECLARED_ENTITY.rawValue):
                throw XMLInputError(.entityDeclaration, document: name, detail: detail)
            default:
                throw XMLInputError(.malformed, document: name, detail: detail)
            }
        }
        context.pointee.myDoc = nil
        let document = XMLDocument(owning: doc, name: name)
        document.elementEnds = state.ends
        return document
    }
}

extension XMLPushParser.State {
    func refuse(_ kind: XMLInputError.Kind, _ detail: String, _ ctxt: xmlParserCtxtPtr) {
        if refusal == nil {
            refusal = kind
            refusalDetail = detail
        }
        xmlStopParser(ctxt)
    }
}

extension String {
    func trimmingTrailingWhitespace() -> String {
        var s = self
        while let last = s.last, last.isWhitespace { s.removeLast() }
        return s
    }
}
