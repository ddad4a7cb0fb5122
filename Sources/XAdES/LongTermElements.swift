import CLibXML2
import Evidence
import Foundation
import Signing

/// The long-term elements of one signature's
/// xades:UnsignedSignatureProperties (EN 319 132-1 §5.5), built in
/// libxml2's tree: for signatures being made (``SignatureAssembly``, B-LT and
/// B-LTA in one go) and for signatures extended (``XAdESExtension``), one code.
struct LongTermElements {
    let document: XMLDocument
    let signature: xmlNodePtr
    /// The signature's xades:UnsignedSignatureProperties.
    let unsigned: xmlNodePtr

    static let xades141 = "http://uri.etsi.org/01903/v1.4.1#"

    /// The certificates, OCSP responses and CRLs the signature already
    /// carries as XML values (ds:KeyInfo, CertificateValues, RevocationValues,
    /// TimeStampValidationData), DER.
    func carried() -> (certificates: Set<[UInt8]>, ocspResponses: Set<[UInt8]>, crls: Set<[UInt8]>) {
        func values(_ local: String, under node: xmlNodePtr?) -> [[UInt8]] {
            node?.descendants { $0.localName == local }.compactMap { $0.textContent.base64DecodedIgnoringWhitespace } ?? []
        }
        let keyInfo = signature.child("KeyInfo", in: XMLName.dsig)
        let keyInfoCertificates = keyInfo?.descendants { $0.isElement("X509Certificate", in: XMLName.dsig) } ?? []
        return (Set(keyInfoCertificates.compactMap { $0.textContent.base64DecodedIgnoringWhitespace })
                    .union(values("EncapsulatedX509Certificate", under: unsigned)),
                Set(values("EncapsulatedOCSPValue", under: unsigned)),
                Set(values("EncapsulatedCRLValue", under: unsigned)))
    }

    /// Adds the values the signature does not carry yet: as
    /// xades:CertificateValues and xades:RevocationValues when it has
    /// neither (B-LT), else — data added after the signature reached B-LT or
    /// B-LTA — as one xades141:TimeStampValidationData. Returns the elements
    /// added to UnsignedSignatureProperties (none when nothing was new).
    func addValidationData(_ values: ValidationValues) -> [xmlNodePtr] {
        let present = carried()
        let newCertificates = values.certificates.filter { !present.certificates.contains($0) }.uniqued()
        let newOCSP = values.ocspResponses.filter { !present.ocspResponses.contains($0) }.uniqued()
        let newCRLs = values.crls.filter { !present.crls.contains($0) }.uniqued()
        guard !(newCertificates.isEmpty && newOCSP.isEmpty && newCRLs.isEmpty) else { return [] }
        let xades = unsigned.pointee.ns
        let hasValues = unsigned.elementChildren.contains {
            ["CertificateValues", "RevocationValues", "ArchiveTimeStamp", "TimeStampValidationData"].contains($0.localName)
        }
        var added: [xmlNodePtr] = []
        let parent: xmlNodePtr
        if hasValues {
            parent = xmlNewNode(nil, "TimeStampValidationData")
            xmlSetNs(parent, namespace(Self.xades141, prefix: "xades141", on: parent, within: unsigned))
            xmlAddChild(unsigned, parent)
            added.append(parent)
        } else {
            parent = unsigned
        }
        func adopt(_ element: xmlNodePtr) {
            xmlAddChild(parent, element)
            if parent == unsigned { added.append(element) }
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
        return added
    }

    /// An archive time-stamp being made: its element is in the tree without
    /// its token yet; `digest` is the imprint to ask the TSA for.
    struct PendingArchiveTimeStamp {
        let element: xmlNodePtr
        let digest: [UInt8]
        /// The XAdES namespace of the signature (EncapsulatedTimeStamp's).
        let xades: xmlNsPtr?

        /// Puts the TSA's token in.
        func complete(token: [UInt8]) {
            element.add("EncapsulatedTimeStamp", xades, text: Data(token).base64EncodedString())
        }
    }

    /// Starts a xades141:ArchiveTimeStamp at the end of the unsigned
    /// properties and computes its input as EN 319 132-1 §5.5.2.2 defines it
    /// (the examiner's ``ArchiveTimeStampInput``: one code makes and checks
    /// it); nil, the element removed again, when a reference cannot be
    /// followed (a detached signature's files not given).
    func startArchiveTimeStamp(
        algorithm: DigestAlgorithm, canonicalization: Canonicalization, index: IdentifierIndex, detached: [DetachedData]
    ) -> PendingArchiveTimeStamp? {
        let element = xmlNewNode(nil, "ArchiveTimeStamp")!
        xmlAddChild(unsigned, element)
        xmlSetNs(element, namespace(Self.xades141, prefix: "xades141", on: element, within: unsigned))
        element.set("Id", "ArchiveTimeStamp-" + UUID().uuidString.lowercased())
        let method = xmlNewNode(nil, "CanonicalizationMethod")!
        xmlAddChild(element, method)
        xmlSetNs(method, namespace(XMLName.dsig, prefix: "ds", on: method, within: element))
        method.set("Algorithm", canonicalization.uri)
        let input = ArchiveTimeStampInput(
            signature: signature, pipeline: TransformPipeline(document: document, signature: signature), index: index,
            detached: detached, unsignedProperties: unsigned, stamp: element)
        var hasher = algorithm.hasher()
        guard input.feed(&hasher) else {
            xmlUnlinkNode(element)
            xmlFreeNode(element)
            return nil
        }
        return PendingArchiveTimeStamp(element: element, digest: hasher.finalize(), xades: unsigned.pointee.ns)
    }

    /// The namespace `href` as seen from `context` (its own prefix if one is
    /// in scope there), else declared on `element`.
    func namespace(_ href: String, prefix: String, on element: xmlNodePtr, within context: xmlNodePtr) -> xmlNsPtr {
        if let found = xmlSearchNsByHref(document.pointer, context, href) { return found }
        return xmlNewNs(element, href, prefix)
    }
}

extension Array where Element == [UInt8] {
    /// Each value once, first occurrence kept.
    func uniqued() -> [[UInt8]] {
        var seen = Set<[UInt8]>()
        return filter { seen.insert($0).inserted }
    }
}
