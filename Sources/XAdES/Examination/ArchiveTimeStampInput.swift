import CLibXML2
import Evidence
import Files
import Foundation

/// The octets an archive time-stamp stamps, rebuilt from the signature as it
/// is now, so that its message imprint can be compared (a certificate or a
/// revocation value changed after the time-stamp was made breaks it).
///
/// For xades141:ArchiveTimeStamp, EN 319 132-1 §5.5.2.2 (the same as TS 101
/// 903 v1.4.1 §8.2.1, "not distributed case"): the concatenation of
/// 1. each ds:Reference of ds:SignedInfo, in order, processed as XML-DSig
///    processes it for its digest; a result that is still a node-set is
///    canonicalized with the time-stamp's ds:CanonicalizationMethod;
/// 2. ds:SignedInfo, 3. ds:SignatureValue, 4. ds:KeyInfo when present;
/// 5. every child of UnsignedSignatureProperties before this time-stamp, in
///    document order (time-stamps, CertificateValues, RevocationValues,
///    TimeStampValidationData, earlier archive time-stamps, …);
/// 6. every ds:Object of the signature except the one holding
///    QualifyingProperties;
/// each element canonicalized with the time-stamp's CanonicalizationMethod
/// (C14N 1.0 when it names none).
///
/// For the older xades:ArchiveTimeStamp (TS 101 903 v1.3.2 §7.7.1) the
/// list is the same except in step 6: a ds:Object that a ds:Reference of
/// ds:SignedInfo points at (`#id`) is left out, its content being already
/// in step 1 (EU DSS reads it so too). Its explicit form (xades:Include,
/// the distributed case) is not rebuilt.
///
/// The octets go to a hasher piece by piece: nothing is concatenated, a
/// detached file without transforms is read in chunks.
struct ArchiveTimeStampInput {
    /// The hasher the canonicalizer's callbacks write into.
    final class Sink {
        var hasher: DigestHasher
        init(_ hasher: DigestHasher) { self.hasher = hasher }
    }

    let signature: xmlNodePtr
    let pipeline: TransformPipeline
    let index: IdentifierIndex
    let detached: [DetachedData]
    /// The xades:UnsignedSignatureProperties holding the time-stamp.
    let unsignedProperties: xmlNodePtr
    /// The ArchiveTimeStamp element.
    let stamp: xmlNodePtr

    /// Whether it is an EN 319 132-1 / v1.4.1 archive time-stamp (else TS 101 903 v1.3.2).
    var isXAdES141: Bool { stamp.namespaceURI == XAdESExaminer.xades141 }

    /// Gives the stamped octets to `hasher`; false when they cannot be rebuilt
    /// (a reference that cannot be followed, an unknown canonicalization, the
    /// explicit xades:Include form).
    func feed(_ hasher: inout DigestHasher) -> Bool {
        let sink = Sink(hasher)
        defer { hasher = sink.hasher }
        guard let method = canonicalizationMethod(),
            !stamp.elementChildren.contains(where: { $0.localName == "Include" }),
            let signedInfo = signature.child("SignedInfo", in: XMLName.dsig)
        else { return false }
        let write: (UnsafeRawBufferPointer) -> Void = { sink.hasher.update($0) }
        func element(_ node: xmlNodePtr) throws(ReferenceFailure) {
            try pipeline.canonicalize(.subtree(node, comments: true), method, into: write)
        }
        do {
            // 1. The references, as their digests see them.
            let references = signedInfo.elementChildren.filter { $0.isElement("Reference", in: XMLName.dsig) }
            guard references.count <= XAdESExaminer.maximumReferences else { return false }
            for reference in references {
                try referenceOctets(reference, method: method, into: sink)
            }
            // 2–4. SignedInfo, SignatureValue, KeyInfo.
            try element(signedInfo)
            guard let value = signature.child("SignatureValue", in: XMLName.dsig) else { return false }
            try element(value)
            if let keyInfo = signature.child("KeyInfo", in: XMLName.dsig) { try element(keyInfo) }
            // 5. The unsigned properties before this time-stamp.
            for property in unsignedProperties.elementChildren {
                if property == stamp { break }
                try element(property)
            }
            // 6. The other ds:Object elements.
            let referenced = Set(references.compactMap { referencedID($0.attribute("URI") ?? "") })
            for object in signature.elementChildren where object.isElement("Object", in: XMLName.dsig) {
                if holdsQualifyingProperties(object) { continue }
                if !isXAdES141, let id = object.attribute("Id") ?? object.attribute("ID") ?? object.attribute("id"),
                    referenced.contains(id)
                {
                    continue
                }
                try element(object)
            }
        } catch {
            return false
        }
        return true
    }

    /// The time-stamp's ds:CanonicalizationMethod (with exc-c14n's
    /// PrefixList), C14N 1.0 when absent; nil when it names another algorithm.
    func canonicalizationMethod() -> CanonicalizationMethod? {
        guard let element = stamp.child("CanonicalizationMethod", in: XMLName.dsig) else { return .implicit }
        guard var method = CanonicalizationMethod(uri: element.attribute("Algorithm") ?? "") else { return nil }
        method.inclusivePrefixes = pipeline.prefixList(element)
        return method
    }

    /// One reference's data after its transforms: octets as they are, a
    /// node-set canonicalized with `method`.
    func referenceOctets(_ reference: xmlNodePtr, method: CanonicalizationMethod, into sink: Sink) throws(ReferenceFailure) {
        let transforms = reference.child("Transforms", in: XMLName.dsig)?.elementChildren.filter { $0.isElement("Transform", in: XMLName.dsig) } ?? []
        let start: ReferenceData
        switch try XAdESExaminer.dereference(reference.attribute("URI"), index: index, detached: detached, signature: signature) {
        case .nodes(let data, _):
            start = data
        case .file(let file):
            if transforms.isEmpty {
                try stream(file, into: sink)
                return
            }
            do {
                start = .octets(try file.contents(limit: XMLParseLimits().maximumBytes))
            } catch {
                throw .notFound("\(file.name): \(error)")
            }
        }
        switch try pipeline.transform(start, transforms: transforms) {
        case .octets(let bytes): sink.hasher.update(bytes)
        case .nodes(let selection): try pipeline.canonicalize(selection, method) { sink.hasher.update($0) }
        }
    }

    /// A detached file's bytes, in chunks.
    func stream(_ file: DetachedData, into sink: Sink) throws(ReferenceFailure) {
        switch file.source {
        case .bytes(let bytes):
            sink.hasher.update(bytes)
        case .file(let input):
            do {
                _ = try input.forEachChunk { sink.hasher.update($0) }
            } catch {
                throw .notFound("\(file.name): \(error)")
            }
        }
    }

    /// The Id a same-document reference names (`#id`, `#xpointer(id('id'))`).
    func referencedID(_ uri: String) -> String? {
        if uri.hasPrefix("#xpointer(id(") {
            let inner = uri.dropFirst("#xpointer(id(".count).dropLast(2)
            return inner.trimmingCharacters(in: CharacterSet(charactersIn: "'\""))
        }
        if uri.hasPrefix("#"), !uri.hasPrefix("#xpointer(") { return String(uri.dropFirst()) }
        return nil
    }

    func holdsQualifyingProperties(_ object: xmlNodePtr) -> Bool {
        object.elementChildren.contains { child in
            child.localName == "QualifyingProperties" && XAdESExaminer.etsiNamespaces.contains(child.namespaceURI ?? "")
        }
    }
}
