import CLibXML2
import Evidence
import Files
import Foundation
import Signing

/// XAdES baseline signatures (ETSI EN 319 132-1, B-B, B-T, B-LT, B-LTA) over a token key.
///
/// Each call builds one ds:Signature with libxml2, digests the signed data
/// (canonicalized by libxml2 where it is XML; streamed where it is a file),
/// signs the canonical SignedInfo with the ``Signer`` and, for B-T and above,
/// adds a SignatureTimeStamp over the canonical SignatureValue; for B-LT the
/// validation data from ``XAdESOptions/validationData``; for B-LTA an archive
/// time-stamp over all of it.
public enum XAdES {
    /// A file signed by a detached signature.
    public struct DetachedFile: Sendable {
        /// The name written in the reference (a relative file name, normally
        /// the file's own name, as the verifier will find it beside the .xades).
        public let name: String
        public let file: InputFile
        public let mimeType: String
        /// The file's digest computed elsewhere (in the options' digest
        /// algorithm): the file itself is then never read.
        public let digest: [UInt8]?

        public init(name: String, file: InputFile, mimeType: String? = nil) {
            self.name = name
            self.file = file
            self.mimeType = mimeType ?? MediaType.guess(fileName: name)
            self.digest = nil
        }

        /// A file known only by its digest (the EZD server keeps the file).
        public init(name: String, digest: [UInt8], mimeType: String? = nil) {
            self.name = name
            self.file = InputFile(path: "/dev/null")
            self.mimeType = mimeType ?? MediaType.guess(fileName: name)
            self.digest = digest
        }

        /// The file under its own base name.
        public init(path: String) {
            self.init(name: URL(fileURLWithPath: path).lastPathComponent, file: InputFile(path: path))
        }
    }

    /// Signs an XML document in place (enveloped) and returns the signed
    /// document. Signatures already in it are kept valid, or the call is
    /// refused before anything is signed when that is impossible.
    public static func signEnveloped(_ document: XMLDocument, signer: Signer, options: XAdESOptions) async throws -> [UInt8] {
        guard let root = document.root else { throw XMLInputError(.empty, document: document.name) }
        if root.isElement("Signature", in: XMLName.dsig) { throw XMLInputError(.signatureFile, document: document.name) }
        let existing = try ExistingSignatures.check(document, root: root)
        let assembly = try SignatureAssembly(document: document, parent: root, signer: signer, options: options)
        let comments = options.referenceCanonicalization.withComments
        assembly.addReference(
            uri: comments ? "#xpointer(/)" : "",
            transforms: [options.envelopedTransform == .parallel ? .xpathNotInSignature : .envelopedSignature,
                         .canonicalization(options.referenceCanonicalization)],
            mimeType: "text/xml"
        ) { signature, sink in
            if existing.isEmpty {
                // Ours is the only signature: both transforms leave out just it.
                try Canonicalizer.canonicalize(document, without: signature, comments: comments, method: options.referenceCanonicalization, into: sink)
            } else {
                try Canonicalizer.canonicalize(
                    document,
                    .document(excluding: signature, allSignatures: options.envelopedTransform == .parallel, comments: comments),
                    method: options.referenceCanonicalization, into: sink)
            }
        }
        try await assembly.complete()
        return document.serialized()
    }

    /// Signs XML content by carrying it inside the signature (a ds:Object).
    public static func signEnveloping(xml content: XMLDocument, signer: Signer, options: XAdESOptions) async throws -> [UInt8] {
        guard let contentRoot = content.root else { throw XMLInputError(.empty, document: content.name) }
        let document = XMLDocument.empty(name: content.name)
        let assembly = try SignatureAssembly(document: document, parent: nil, signer: signer, options: options)
        let object = assembly.addObject()
        guard let copy = xmlDocCopyNode(contentRoot, document.pointer, 1) else {
            throw XAdESError(.canonicalization, "cannot copy \(content.name)")
        }
        xmlAddChild(object, copy)
        // "#id" drops comments (XML-DSig §4.4.3.3); to sign them, XPointer.
        let id = object.attribute("Id") ?? ""
        let comments = options.referenceCanonicalization.withComments
        assembly.addReference(
            uri: comments ? "#xpointer(id('\(id)'))" : "#" + id,
            transforms: [.canonicalization(options.referenceCanonicalization)], mimeType: "text/xml"
        ) { _, sink in
            try Canonicalizer.canonicalize(
                document, .subtree(object, comments: comments), method: options.referenceCanonicalization, into: sink)
        }
        try await assembly.complete()
        return document.serialized()
    }

    /// Signs any file by carrying it base64-encoded inside the signature.
    public static func signEnveloping(file: DetachedFile, signer: Signer, options: XAdESOptions) async throws -> [UInt8] {
        let bytes: [UInt8]
        do {
            bytes = try file.file.readAll(limit: options.maximumEmbeddedSize)
        } catch let error as FileError where error.kind == .tooLarge {
            throw XAdESError(.tooLarge, file.name)
        }
        return try await signEnveloping(bytes: bytes, name: file.name, mimeType: file.mimeType, signer: signer, options: options)
    }

    /// The same for bytes already in memory.
    public static func signEnveloping(bytes: [UInt8], name: String, mimeType: String, signer: Signer, options: XAdESOptions) async throws -> [UInt8] {
        guard bytes.count <= options.maximumEmbeddedSize else { throw XAdESError(.tooLarge, name) }
        let file = (name: name, mimeType: mimeType)
        let document = XMLDocument.empty(name: file.name)
        let assembly = try SignatureAssembly(document: document, parent: nil, signer: signer, options: options)
        let object = assembly.addObject()
        object.set("MimeType", file.mimeType)
        object.set("Encoding", XMLName.base64Transform)
        xmlNodeAddContent(object, Data(bytes).base64EncodedString(options: [.lineLength76Characters, .endLineWithLineFeed]))
        assembly.addReference(uri: "#" + (object.attribute("Id") ?? ""), transforms: [.base64], mimeType: file.mimeType) { _, sink in
            bytes.withUnsafeBytes { sink($0) }
        }
        try await assembly.complete()
        return document.serialized()
    }

    /// One detached signature over one or more files, which are hashed
    /// streaming (constant memory whatever their size).
    public static func signDetached(_ files: [DetachedFile], signer: Signer, options: XAdESOptions) async throws -> [UInt8] {
        guard !files.isEmpty else { throw XAdESError(.noDocuments, "") }
        let document = XMLDocument.empty(name: files[0].name)
        let assembly = try SignatureAssembly(document: document, parent: nil, signer: signer, options: options)
        // B-LTA's archive time-stamp covers the files' contents: those given by digest alone cannot be stamped.
        assembly.detachedFiles = files.filter { $0.digest == nil }.map { DetachedData(name: $0.name, file: $0.file) }
        for file in files {
            if let digest = file.digest {
                guard digest.count == options.digest.length else {
                    throw XAdESError(.badDigest, "\(file.name): \(digest.count) bytes for \(options.digest.rawValue)")
                }
                assembly.addReference(uri: Self.referenceURI(forFileName: file.name), transforms: [], mimeType: file.mimeType, digest: digest)
            } else {
                assembly.addReference(uri: Self.referenceURI(forFileName: file.name), transforms: [], mimeType: file.mimeType) { _, sink in
                    _ = try file.file.forEachChunk { sink($0) }
                }
            }
        }
        try await assembly.complete()
        return document.serialized()
    }

    /// A relative URI for a file name: path characters kept, the rest
    /// percent-encoded (spaces, Polish letters).
    public static func referenceURI(forFileName name: String) -> String {
        var allowed = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)...Unicode.Scalar(127)))
        allowed.insert(charactersIn: "-._~/!$&'()*+,;=:@")
        return name.addingPercentEncoding(withAllowedCharacters: allowed) ?? name
    }
}
