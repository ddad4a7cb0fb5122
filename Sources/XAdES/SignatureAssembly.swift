import CLibXML2
import CMS
import Evidence
import Foundation
import SignatureAlgorithms
import Signing
import Timestamping
import X509

/// A transform written in a ds:Reference.
enum Transform {
    case envelopedSignature
    case xpathNotInSignature
    case canonicalization(Canonicalization)
    case base64
}

/// Builds one ds:Signature inside a libxml2 document: the elements first,
/// then the digests in place (inclusive canonicalization depends on where a
/// node sits), then the signature value and, for B-T, its time-stamp.
final class SignatureAssembly {
    typealias Digester = (_ signature: xmlNodePtr, _ sink: @escaping (UnsafeRawBufferPointer) -> Void) throws -> Void

    struct DataReference {
        let id: String
        let digestValue: xmlNodePtr
        let mimeType: String
        let digester: Digester?
        let precomputed: [UInt8]?
    }

    let document: XMLDocument
    let signer: Signer
    let options: XAdESOptions
    let id: String
    let signature: xmlNodePtr
    let ds: xmlNsPtr
    let signedInfo: xmlNodePtr
    let signatureValue: xmlNodePtr
    private var references: [DataReference] = []
    /// A detached signature's files, by the names its references give (B-LTA's archive time-stamp input).
    var detachedFiles: [DetachedData] = []
    private var objects = 0
    private let keyInfo: xmlNodePtr

    init(document: XMLDocument, parent: xmlNodePtr?, signer: Signer, options: XAdESOptions) throws {
        self.document = document
        self.signer = signer
        self.options = options
        var random = SystemRandomNumberGenerator()
        id = "id-" + [random.next(), random.next()].withUnsafeBytes { ($0 as UnsafeRawBufferPointer).hexString }
        if let parent {
            signature = xmlNewChild(parent, nil, "Signature", nil)
        } else {
            signature = xmlNewDocNode(document.pointer, nil, "Signature", nil)
            xmlDocSetRootElement(document.pointer, signature)
        }
        ds = xmlNewNs(signature, XMLName.dsig, "ds")
        xmlSetNs(signature, ds)
        signature.set("Id", id)
        signedInfo = signature.add("SignedInfo", ds)
        signedInfo.add("CanonicalizationMethod", ds).set("Algorithm", options.signedInfoCanonicalization.uri)
        signedInfo.add("SignatureMethod", ds).set("Algorithm", AlgorithmURI.signature(signer.algorithm))
        signatureValue = signature.add("SignatureValue", ds)
        signatureValue.set("Id", "value-" + id)
        keyInfo = signature.add("KeyInfo", ds)
        let x509Data = keyInfo.add("X509Data", ds)
        x509Data.add("X509Certificate", ds, text: signer.memo.value("base64") { Data(signer.certificateDER).base64EncodedString() })
        if options.includeChain {
            for (index, der) in signer.chainDER.enumerated() {
                x509Data.add("X509Certificate", ds, text: signer.memo.value("chain-base64-\(index)") { Data(der).base64EncodedString() })
            }
        }
    }

    /// A ds:Object for enveloped content, placed before the qualifying properties.
    func addObject() -> xmlNodePtr {
        objects += 1
        let object = signature.add("Object", ds)
        object.set("Id", "o-\(id)-\(objects)")
        return object
    }

    func addReference(uri: String, transforms: [Transform], mimeType: String, digester: Digester? = nil, digest: [UInt8]? = nil) {
        let referenceID = "r-\(id)-\(references.count + 1)"
        let reference = signedInfo.add("Reference", ds)
        reference.set("Id", referenceID)
        reference.set("URI", uri)
        addTransforms(transforms, to: reference)
        reference.add("DigestMethod", ds).set("Algorithm", AlgorithmURI.digest(options.digest))
        let value = reference.add("DigestValue", ds)
        references.append(DataReference(id: referenceID, digestValue: value, mimeType: mimeType, digester: digester, precomputed: digest))
    }

    private func addTransforms(_ transforms: [Transform], to reference: xmlNodePtr) {
        guard !transforms.isEmpty else { return }
        let list = reference.add("Transforms", ds)
        for transform in transforms {
            let element = list.add("Transform", ds)
            switch transform {
            case .envelopedSignature: element.set("Algorithm", XMLName.envelopedSignature)
            case .base64: element.set("Algorithm", XMLName.base64Transform)
            case .canonicalization(let method): element.set("Algorithm", method.uri)
            case .xpathNotInSignature:
                element.set("Algorithm", XMLName.xpathFilter)
                element.add("XPath", ds, text: XMLName.notInSignature)
            }
        }
    }

    /// Adds the qualifying properties, computes every digest, signs, and
    /// time-stamps the signature value for B-T.
    func complete() async throws {
        if options.level.isTimeStamped && options.timeStampClient == nil { throw XAdESError(.noTimeStampServer, "") }
        if options.level.carriesValidationData && options.validationData == nil { throw XAdESError(.noValidationData, options.level.rawValue) }
        // The SignedProperties reference comes last in SignedInfo.
        let propertiesID = "xades-" + id
        let propertiesReference = signedInfo.add("Reference", ds)
        propertiesReference.set("Type", XMLName.signedPropertiesType)
        propertiesReference.set("URI", "#" + propertiesID)
        addTransforms([.canonicalization(options.referenceCanonicalization)], to: propertiesReference)
        propertiesReference.add("DigestMethod", ds).set("Algorithm", AlgorithmURI.digest(options.digest))
        let propertiesDigest = propertiesReference.add("DigestValue", ds)

        let properties = QualifyingProperties(
            signatureID: id, propertiesID: propertiesID, signer: signer, options: options,
            dataObjects: references.map { ($0.id, $0.mimeType) })
        let object = signature.add("Object", ds)
        let qualifying = try properties.build(in: object, ds: ds)

        for reference in references {
            if let precomputed = reference.precomputed {
                xmlNodeSetContent(reference.digestValue, Data(precomputed).base64EncodedString())
            } else if let digester = reference.digester {
                xmlNodeSetContent(reference.digestValue, try digest(digester))
            }
        }
        xmlNodeSetContent(propertiesDigest, try digest { _, sink in
            try Canonicalizer.canonicalize(self.document, .subtree(qualifying.signedProperties, comments: false), method: self.options.referenceCanonicalization, into: sink)
        })

        let canonicalSignedInfo = try Canonicalizer.bytes(document, .subtree(signedInfo, comments: false), method: options.signedInfoCanonicalization)
        let signedInfoDigest = signer.algorithm.hash.digest(canonicalSignedInfo)
        let value = try await signer.sign(signedInfoDigest)
        xmlNodeSetContent(signatureValue, Data(value).base64EncodedString())

        guard options.level.isTimeStamped else { return }
        guard let client = options.timeStampClient else { throw XAdESError(.noTimeStampServer, "") }
        let canonicalValue = try Canonicalizer.bytes(document, .subtree(signatureValue, comments: false), method: options.signedInfoCanonicalization)
        let hash = options.digest
        let token = try await client.timestamp(digest: hash.digest(canonicalValue), hash: hash.identifier)
        let unsigned = qualifying.addSignatureTimeStamp(token.der, id: "ts-" + id, canonicalization: options.signedInfoCanonicalization, ds: ds)

        // B-LT: the validation data, as an extension would add it; B-LTA: and the archive time-stamp.
        guard options.level.carriesValidationData, let supplier = options.validationData else { return }
        let values = try await supplier.values(signerCertificate: signer.certificateDER, chain: signer.chainDER, signatureTimeStamp: token.der)
        let elements = LongTermElements(document: document, signature: signature, unsigned: unsigned)
        _ = elements.addValidationData(values)
        guard options.level == .blta else { return }
        guard let root = document.root,
            let pending = elements.startArchiveTimeStamp(
                algorithm: DigestAlgorithm(hash), canonicalization: options.signedInfoCanonicalization, index: IdentifierIndex(root), detached: detachedFiles)
        else {
            throw XAdESError(.cannotExtend, "B-LTA: the archive time-stamp's input cannot be computed (a file given by its digest alone?)")
        }
        pending.complete(token: try await client.timestamp(digest: pending.digest, hash: hash.identifier).der)
    }

    private func digest(_ digester: Digester) throws -> String {
        final class Box { var hasher: StreamingHasher; init(_ h: StreamingHasher) { hasher = h } }
        let box = Box(options.digest.hasher())
        try digester(signature) { box.hasher.update($0) }
        return Data(box.hasher.finalize()).base64EncodedString()
    }
}
