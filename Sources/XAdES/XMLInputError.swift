import Localization

/// Why an XML input was refused before anything was signed. Each hostile or
/// broken input has its own code, so that a program (and a test) can tell
/// them apart, and a sentence the clerk can act on.
public struct XMLInputError: ClerkReadableError, Sendable, Hashable {
    public enum Kind: String, Sendable, CaseIterable {
        case empty = "xml-empty"
        case notXML = "xml-not-xml"
        case notUTF8 = "xml-encoding"
        case malformed = "xml-malformed"
        case doctype = "xml-doctype"
        case entityDeclaration = "xml-entity"
        case externalEntity = "xml-external-entity"
        case tooDeep = "xml-too-deep"
        case tooLarge = "xml-too-large"
        case tooManyNodes = "xml-too-many-nodes"
        case signatureFile = "xml-signature-file"
        case wouldBreakSignature = "xml-would-break-signature"
    }

    public let kind: Kind
    /// The document's name as the user gave it.
    public let document: String
    /// What the parser said, with the line (never document content beyond that).
    public let detail: String

    public init(_ kind: Kind, document: String, detail: String = "") {
        self.kind = kind
        self.document = document
        self.detail = detail
    }

    public var code: String { kind.rawValue }

    /// The sentence of the kind (its raw value is the key in messages.json).
    public var message: ClerkText {
        messages.text(kind.rawValue, ["document": document, "more": detail.isEmpty ? "" : " (\(detail))"])
    }
}
