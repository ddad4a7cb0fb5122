import CAdES
import Files
import SignatureAlgorithms
import Signing
import Timestamping
import XAdES

/// The one place that turns a document, a form and a signer into signature
/// bytes: the station (a clerk's request) and the sealer (a seal profile)
/// both sign through it, so that the two never choose or run a format
/// differently.
public struct SignatureMaker: Sendable {
    public var level: BaselineLevel
    public var digest: HashAlgorithm
    public var commitment: CommitmentType?
    public var claimedRole: String?
    public var timeStampClient: TimeStampClient?
    /// B-LT and B-LTA: the validation data's source.
    public var validationData: (any ValidationDataSupplier)?
    /// Limits for the XML documents parsed here.
    public var xmlLimits: XMLParseLimits
    /// The largest document put inside a CAdES signature.
    public var maximumAttachedBytes: Int

    public init(
        level: BaselineLevel, digest: HashAlgorithm, commitment: CommitmentType? = nil, claimedRole: String? = nil,
        timeStampClient: TimeStampClient? = nil, validationData: (any ValidationDataSupplier)? = nil, xmlLimits: XMLParseLimits = XMLParseLimits(),
        maximumAttachedBytes: Int = 256 << 20
    ) {
        self.validationData = validationData
        self.level = level
        self.digest = digest
        self.commitment = commitment
        self.claimedRole = claimedRole
        self.timeStampClient = timeStampClient
        self.xmlLimits = xmlLimits
        self.maximumAttachedBytes = maximumAttachedBytes
    }

    /// A document to sign: its name (as references and outputs show it),
    /// its media type, and its content in whichever form it is at hand.
    public struct Document: Sendable {
        public enum Content: @unchecked Sendable {
            case bytes([UInt8])
            case file(InputFile)
            /// The digest alone (in the maker's hash): the content is never seen.
            case digest([UInt8])
            /// An XML document already parsed (and checked) by the caller.
            case xml(XMLDocument)
        }

        public let name: String
        public let mimeType: String
        public let content: Content

        public init(name: String, mimeType: String? = nil, content: Content) {
            self.name = name
            self.mimeType = mimeType ?? MediaType.guess(fileName: name)
            self.content = content
        }

        /// Signed as XML when enveloping: by its name or its media type.
        public var isXML: Bool { SignatureMaker.isXML(name: name, mimeType: mimeType) }
    }

    /// Whether a document is XML, by its name or its media type (the one
    /// rule for the station's requests, the sealer's choice of form and the
    /// maker's enveloping).
    public static func isXML(name: String, mimeType: String? = nil) -> Bool {
        MediaType.guess(fileName: name).hasSuffix("xml") || mimeType?.hasSuffix("xml") == true
    }

    var xadesOptions: XAdESOptions {
        var options = XAdESOptions(packaging: .detached, level: level, digest: digest, commitment: commitment, claimedRole: claimedRole, timeStampClient: timeStampClient)
        options.validationData = validationData
        return options
    }

    var cadesOptions: CAdESOptions {
        var options = CAdESOptions(level: level, digest: digest, commitment: commitment, claimedRole: claimedRole, timeStampClient: timeStampClient)
        options.validationData = validationData
        return options
    }

    /// One signature of one document in `form`. A document given by its
    /// digest alone gets a detached signature whatever the form asks (the
    /// content was never here to put inside); an enveloped one needs XML.
    public func sign(_ document: Document, as form: SignatureForm, signer: Signer) async throws -> [UInt8] {
        var options = xadesOptions
        options.packaging = form.packaging
        switch form {
        case .xadesEnveloped:
            return try await XAdES.signEnveloped(try xml(document), signer: signer, options: options)
        case .xadesEnveloping:
            if case .xml(let parsed) = document.content { return try await XAdES.signEnveloping(xml: parsed, signer: signer, options: options) }
            if document.isXML { return try await XAdES.signEnveloping(xml: try xml(document), signer: signer, options: options) }
            switch document.content {
            case .bytes(let bytes):
                return try await XAdES.signEnveloping(bytes: bytes, name: document.name, mimeType: document.mimeType, signer: signer, options: options)
            case .file(let file):
                return try await XAdES.signEnveloping(file: .init(name: document.name, file: file, mimeType: document.mimeType), signer: signer, options: options)
            case .digest, .xml:
                throw XAdESError(.noDocuments, "\(document.name): the content is needed inside the signature")
            }
        case .xadesDetached:
            return try await signDetachedXAdES([document], signer: signer)
        case .cadesDetached, .cadesAttached:
            let digest: [UInt8], content: [UInt8]?
            switch document.content {
            case .digest(let value):
                (digest, content) = (value, nil)
            case .bytes(let bytes):
                (digest, content) = (self.digest.digest(bytes), form == .cadesAttached ? bytes : nil)
            case .file(let file) where form == .cadesDetached:
                (digest, content) = (try CAdES.digest(of: file, self.digest), nil)
            case .file(let file):
                let bytes = try file.readAll(limit: maximumAttachedBytes)
                (digest, content) = (self.digest.digest(bytes), bytes)
            case .xml(let parsed):
                let bytes = parsed.serialized()
                (digest, content) = (self.digest.digest(bytes), form == .cadesAttached ? bytes : nil)
            }
            return try await CAdES.signedData(contentDigest: digest, content: content, signer: signer, options: cadesOptions)
        }
    }

    /// One detached XAdES signature over one or more documents, each hashed
    /// streaming (or given by its digest).
    public func signDetachedXAdES(_ documents: [Document], signer: Signer) async throws -> [UInt8] {
        let files = documents.map { document -> XAdES.DetachedFile in
            switch document.content {
            case .digest(let value): return .init(name: document.name, digest: value, mimeType: document.mimeType)
            case .file(let file): return .init(name: document.name, file: file, mimeType: document.mimeType)
            case .bytes(let bytes): return .init(name: document.name, digest: digest.digest(bytes), mimeType: document.mimeType)
            case .xml(let parsed): return .init(name: document.name, digest: digest.digest(parsed.serialized()), mimeType: document.mimeType)
            }
        }
        var options = xadesOptions
        options.packaging = .detached
        return try await XAdES.signDetached(files, signer: signer, options: options)
    }

    /// The document as parsed XML (with the maker's limits).
    func xml(_ document: Document) throws -> XMLDocument {
        switch document.content {
        case .xml(let parsed): return parsed
        case .bytes(let bytes): return try XMLDocument.parse(bytes: bytes, name: document.name, limits: xmlLimits)
        case .file(let file): return try XMLDocument.parse(file: file, name: document.name, limits: xmlLimits)
        case .digest: throw XMLInputError(.notXML, document: document.name, detail: "only its digest was given")
        }
    }
}
