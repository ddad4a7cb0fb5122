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

    public var message: ClerkText {
        let d = document
        let more = detail.isEmpty ? "" : " (\(detail))"
        switch kind {
        case .empty:
            return ClerkText(pl: "Plik \(d) jest pusty; nie ma czego podpisać.", en: "\(d) is empty; there is nothing to sign.")
        case .notXML:
            return ClerkText(
                pl: "Plik \(d) nie jest dokumentem XML\(more). Podpisz go jako plik (podpis zewnętrzny, --packaging detached).",
                en: "\(d) is not an XML document\(more). Sign it as a file (detached signature, --packaging detached).")
        case .notUTF8:
            return ClerkText(
                pl: "Plik \(d) nie jest zapisany w UTF-8, a nie deklaruje innego kodowania\(more). Dodaj deklarację, np. <?xml version=\"1.0\" encoding=\"windows-1250\"?>, albo zapisz plik w UTF-8.",
                en: "\(d) is not UTF-8 and declares no other encoding\(more). Add a declaration such as <?xml version=\"1.0\" encoding=\"windows-1250\"?>, or save the file as UTF-8.")
        case .malformed:
            return ClerkText(pl: "Plik \(d) nie jest poprawnym XML-em\(more).", en: "\(d) is not well-formed XML\(more).")
        case .doctype:
            return ClerkText(
                pl: "Plik \(d) zawiera deklarację DOCTYPE (DTD); ze względów bezpieczeństwa takich dokumentów się nie podpisuje\(more).",
                en: "\(d) contains a DOCTYPE (DTD) declaration; for safety such documents are not signed\(more).")
        case .entityDeclaration:
            return ClerkText(
                pl: "Plik \(d) deklaruje encje XML (możliwy atak „billion laughs”); odrzucono go przed podpisem\(more).",
                en: "\(d) declares XML entities (a possible “billion laughs” attack); refused before signing\(more).")
        case .externalEntity:
            return ClerkText(
                pl: "Plik \(d) odwołuje się do zewnętrznej encji lub DTD (możliwy atak XXE); niczego nie wczytano\(more).",
                en: "\(d) refers to an external entity or DTD (a possible XXE attack); nothing was loaded\(more).")
        case .tooDeep:
            return ClerkText(pl: "Plik \(d) jest zagnieżdżony zbyt głęboko\(more).", en: "\(d) is nested too deeply\(more).")
        case .tooLarge:
            return ClerkText(
                pl: "Plik \(d) jest za duży na podpis wewnątrz XML\(more); podpisz go jako plik (--packaging detached).",
                en: "\(d) is too large for an XML-embedded signature\(more); sign it as a file (--packaging detached).")
        case .tooManyNodes:
            return ClerkText(pl: "Plik \(d) ma zbyt wiele elementów\(more).", en: "\(d) has too many elements\(more).")
        case .signatureFile:
            return ClerkText(
                pl: "Plik \(d) jest samym podpisem, nie dokumentem; podpisz dokument, którego dotyczy, albo podpisz ten plik zewnętrznie (--packaging detached).",
                en: "\(d) is a signature, not a document; sign the document it covers, or sign this file detached (--packaging detached).")
        case .wouldBreakSignature:
            return ClerkText(
                pl: "Dokument \(d) ma już podpis, który obejmuje cały dokument\(more); dodanie kolejnego podpisu wewnątrz unieważniłoby go. Złóż podpis zewnętrzny (--packaging detached).",
                en: "\(d) already carries a signature over the whole document\(more); adding another inside would invalidate it. Make a detached signature instead (--packaging detached).")
        }
    }
}
