/// One piece of signed data: an XML reference or CMS content, with what it
/// covers and whether its digest matches.
public struct ExaminedReference: Sendable {
    public enum Kind: String, Sendable, Codable {
        /// The signer's data (a document, an element, a detached file).
        case data
        /// The signed properties / signed attributes.
        case signedProperties
        /// The signer's KeyInfo or another part of the signature itself.
        case signatureElement
        /// A ds:Manifest's reference (signed only if the manifest is).
        case manifestEntry
    }

    public enum Outcome: Sendable, Equatable {
        case intact
        /// The digest does not match (HASH_FAILURE).
        case digestMismatch
        /// The data referred to is not there (SIGNED_DATA_NOT_FOUND).
        case notFound(String)
        /// The reference is refused: an external URI, a duplicate Id, a
        /// transform Podpis does not run (FORMAT_FAILURE).
        case refused(String)
    }

    public var kind: Kind
    /// The URI or a description of the content ("zawartość CMS").
    public var uri: String
    /// The document or file name the data came from, when known.
    public var name: String?
    /// What the reference covers, in neutral words ("whole document
    /// without signatures", "element <Zaswiadczenie Id=\"z1\">", "file
    /// wniosek.pdf"); the clerk's text words it from `scopeKind`.
    public var scope: String
    public var scopeKind: ScopeKind = .unknown

    public enum ScopeKind: String, Sendable, Codable {
        /// The whole document (every node but signatures when `withoutSignatures`).
        case wholeDocument = "whole-document"
        case wholeDocumentWithoutSignatures = "whole-document-without-signatures"
        /// One element and what it contains (the rest of the document is NOT signed by this reference).
        case element
        /// A detached file.
        case file
        /// Content carried in the signature itself (CMS eContent, a base64 ds:Object).
        case embedded
        case unknown
    }
    public var outcome: Outcome
    /// SHA-256 of the data as signed (after transforms), when it could be computed.
    public var sha256: [UInt8]?

    public init(kind: Kind, uri: String, name: String? = nil, scope: String, outcome: Outcome, sha256: [UInt8]? = nil) {
        self.kind = kind
        self.uri = uri
        self.name = name
        self.scope = scope
        self.outcome = outcome
        self.sha256 = sha256
    }
}
