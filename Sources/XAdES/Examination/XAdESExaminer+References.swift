import CLibXML2
import Evidence
import Foundation

extension XAdESExaminer {
    /// Resolves a same-document URI (`#id`, `#xpointer(id('id'))`) through
    /// the Id index; nil for anything else.
    static func lookupTarget(_ uri: String, index: IdentifierIndex) -> IdentifierIndex.Lookup? {
        if uri.hasPrefix("#xpointer(id(") {
            let inner = uri.dropFirst("#xpointer(id(".count).dropLast(2)
            let id = inner.trimmingCharacters(in: CharacterSet(charactersIn: "'\""))
            return index.lookup(id)
        }
        if uri.hasPrefix("#"), !uri.hasPrefix("#xpointer(") { return index.lookup(String(uri.dropFirst())) }
        return nil
    }

    /// Where a reference inside this signature may point: its KeyInfo, its
    /// SignatureValue (counter-signatures), one of its direct ds:Object
    /// children or what such an Object holds, but never an Object nested in
    /// another element (the wrapping trick that hides signed data).
    static func allowedInsideSignature(_ target: xmlNodePtr, signature: xmlNodePtr) -> Bool {
        var objects = 0
        var node: xmlNodePtr? = target
        var directObject = false
        while let current = node, current != signature {
            if current.isElement("Object", in: XMLName.dsig) {
                objects += 1
                directObject = current.pointee.parent == signature
            }
            node = current.pointee.parent
        }
        if objects == 0 { return target.pointee.parent == signature }
        return objects == 1 && directObject
    }

    static func examineReference(
        _ reference: xmlNodePtr, pipeline: TransformPipeline, index: IdentifierIndex, detached: [DetachedData], signature: xmlNodePtr
    ) -> ExaminedReference {
        let uri = reference.attribute("URI")
        let shownURI = uri.map { String($0.prefix(200)) } ?? "(brak URI)"
        let transforms = reference.child("Transforms", in: XMLName.dsig)?.elementChildren.filter { $0.isElement("Transform", in: XMLName.dsig) } ?? []
        let digestURI = reference.child("DigestMethod", in: XMLName.dsig)?.attribute("Algorithm") ?? ""
        var examined = ExaminedReference(kind: .data, uri: shownURI, scope: "", outcome: .intact)
        guard let algorithm = DigestAlgorithm(uri: digestURI) else {
            examined.outcome = .refused("DigestMethod \(digestURI.prefix(120))")
            return examined
        }
        // A DigestValue that is not base64 can match nothing: the data counts as changed.
        let expected = reference.child("DigestValue", in: XMLName.dsig).flatMap({ decodeBase64($0.textContent) }) ?? []
        let source: ReferenceSource
        do {
            source = try dereference(uri, index: index, detached: detached, signature: signature)
        } catch {
            switch error {
            case .notFound(let why): examined.outcome = .notFound(why)
            case .refused(let why): examined.outcome = .refused(why)
            }
            return examined
        }
        let start: ReferenceData
        switch source {
        case .file(let file):
            return digestDetached(file, transforms: transforms, algorithm: algorithm, expected: expected, pipeline: pipeline, into: examined)
        case .nodes(let data, target: nil):
            start = data
            examined.scope = pipeline.document.name
            examined.scopeKind = excludesSignatures(transforms) ? .wholeDocumentWithoutSignatures : .wholeDocument
            examined.name = pipeline.document.name
        case .nodes(let data, target: let target?):
            start = data
            if target.isElement("KeyInfo", in: XMLName.dsig) || target.isElement("SignatureValue", in: XMLName.dsig) {
                examined.kind = .signatureElement
            }
            examined.scope = scopeText(target, document: pipeline.document)
            if target.pointee.parent?.pointee.type == XML_DOCUMENT_NODE {
                examined.scopeKind = excludesSignatures(transforms) ? .wholeDocumentWithoutSignatures : .wholeDocument
            } else {
                examined.scopeKind = transforms.contains { $0.attribute("Algorithm") == XMLName.base64Transform } ? .embedded : .element
            }
        }
        do {
            let octets = try pipeline.run(start, transforms: transforms)
            examined.sha256 = DigestAlgorithm.sha256.digest(octets)
            examined.outcome = algorithm.digest(octets) == expected ? .intact : .digestMismatch
        } catch {
            switch error {
            case .notFound(let why): examined.outcome = .notFound(why)
            case .refused(let why): examined.outcome = .refused(why)
            }
        }
        return examined
    }

    /// What a reference's URI selects, before its transforms: a node-set of
    /// this document (only through an Id that occurs once, never an element
    /// hidden inside another part of the signature) or one of the files given
    /// (matched by name; nothing is fetched or opened).
    static func dereference(
        _ uri: String?, index: IdentifierIndex, detached: [DetachedData], signature: xmlNodePtr
    ) throws(ReferenceFailure) -> ReferenceSource {
        let shownURI = uri.map { String($0.prefix(200)) } ?? "(brak URI)"
        switch uri {
        case nil:
            throw .notFound("a reference without URI needs the application to say what it is")
        case ""?:
            return .nodes(.nodes(.document(excluding: nil, allSignatures: false, comments: false)), target: nil)
        case "#xpointer(/)"?:
            return .nodes(.nodes(.document(excluding: nil, allSignatures: false, comments: true)), target: nil)
        case let value? where value.hasPrefix("#"):
            guard let lookup = lookupTarget(value, index: index) else {
                throw .refused("URI \(shownURI): only #id and #xpointer(id('…')) are followed")
            }
            switch lookup {
            case .missing:
                throw .notFound("no element with Id \(shownURI.dropFirst())")
            case .duplicate(let count):
                throw .refused("\(count) elements share Id \(shownURI.dropFirst())")
            case .found(let target):
                if target.isInside(signature), !allowedInsideSignature(target, signature: signature) {
                    throw .notFound("\(shownURI) points at an element hidden inside another element of the signature")
                }
                return .nodes(.nodes(.subtree(target, comments: value.hasPrefix("#xpointer("))), target: target)
            }
        case let value?:
            let decoded = value.removingPercentEncoding ?? value
            let lastComponent = decoded.split(separator: "/").last.map(String.init) ?? decoded
            let lowered = decoded.lowercased()
            if lowered.hasPrefix("http:") || lowered.hasPrefix("https:") || lowered.hasPrefix("file:") || lowered.hasPrefix("ftp:") {
                if let file = detached.first(where: { $0.name == decoded || $0.name == lastComponent }) { return .file(file) }
                throw .notFound("\(shownURI) is never fetched; give the signed file with --detached")
            }
            guard let file = detached.first(where: { $0.name == decoded }) ?? detached.first(where: { $0.name == lastComponent })
                ?? (detached.count == 1 && references(in: signature) == 1 ? detached.first : nil)
            else {
                throw .notFound("\(shownURI): give the signed file with --detached")
            }
            return .file(file)
        }
    }

    static func references(in signature: xmlNodePtr) -> Int {
        signature.child("SignedInfo", in: XMLName.dsig)?.elementChildren.filter { element in
            element.isElement("Reference", in: XMLName.dsig) && !(element.attribute("URI") ?? "").hasPrefix("#")
        }.count ?? 0
    }

    static func digestDetached(
        _ file: DetachedData, transforms: [xmlNodePtr], algorithm: DigestAlgorithm, expected: [UInt8], pipeline: TransformPipeline,
        into examined: ExaminedReference
    ) -> ExaminedReference {
        var result = examined
        result.name = file.name
        result.scope = file.name
        result.scopeKind = .file
        do {
            if transforms.isEmpty {
                let digests = try file.digests([algorithm, .sha256])
                result.sha256 = digests[.sha256]
                result.outcome = digests[algorithm] == expected ? .intact : .digestMismatch
            } else {
                // Transforms over a detached file need its bytes: XML files of a bounded size only.
                let octets = try pipeline.run(.octets(try file.contents(limit: XMLParseLimits().maximumBytes)), transforms: transforms)
                result.sha256 = DigestAlgorithm.sha256.digest(octets)
                result.outcome = algorithm.digest(octets) == expected ? .intact : .digestMismatch
            }
        } catch let failure as ReferenceFailure {
            switch failure {
            case .notFound(let why): result.outcome = .notFound(why)
            case .refused(let why): result.outcome = .refused(why)
            }
        } catch {
            result.outcome = .notFound("\(file.name): \(error)")
        }
        return result
    }

    /// `<Zaswiadczenie Id="z1">`: what a #id reference covers.
    static func scopeText(_ element: xmlNodePtr, document: XMLDocument) -> String {
        let id = element.attribute("Id") ?? element.attribute("ID") ?? element.attribute("id") ?? ""
        return "<\(element.localName) Id=\"\(id)\"> (\(document.name))"
    }

    /// Whether the transforms take signatures out (enveloped-signature, the XPath filter, Filter 2.0).
    static func excludesSignatures(_ transforms: [xmlNodePtr]) -> Bool {
        transforms.contains { transform in
            [XMLName.envelopedSignature, XMLName.xpathFilter, XMLName.xpathFilter2].contains(transform.attribute("Algorithm") ?? "")
        }
    }
}
