import Localization

/// Why a XAdES signature could not be made (XML input problems are
/// ``XMLInputError``; token and time-stamp problems keep their own types).
public typealias XAdESError = KindedError<XAdESErrorKind>

/// The kinds of ``XAdESError``; each raw value is the stable code.
public enum XAdESErrorKind: String, ErrorKind {
    case canonicalization = "xades-c14n"
    case noDocuments = "xades-no-documents"
    case tooLarge = "xades-too-large"
    case certificate = "xades-certificate"
    case noTimeStampServer = "xades-no-tsa"
    case badDigest = "xades-bad-digest"

    public func message(_ detail: String) -> ClerkText {
        switch self {
        case .canonicalization:
            return ClerkText(pl: "Błąd kanonikalizacji XML (\(detail)).", en: "XML canonicalization failed (\(detail)).")
        case .noDocuments:
            return ClerkText(pl: "Nie wskazano dokumentów do podpisu.", en: "No documents to sign were given.")
        case .tooLarge:
            return ClerkText(
                pl: "Plik \(detail) jest za duży, by umieścić go wewnątrz podpisu; użyj podpisu zewnętrznego (--packaging detached).",
                en: "\(detail) is too large to put inside the signature; use a detached signature (--packaging detached).")
        case .badDigest:
            return ClerkText(pl: "Skrót dokumentu ma złą długość (\(detail)).", en: "The document digest has the wrong length (\(detail)).")
        case .noTimeStampServer:
            return ClerkText(
                pl: "Poziom B-T wymaga serwera znacznika czasu (TSA); podaj jego adres (--tsa URL).",
                en: "Level B-T needs a time-stamping server (TSA); give its address (--tsa URL).")
        case .certificate:
            return ClerkText(pl: "Nie można odczytać certyfikatu (\(detail)).", en: "The certificate cannot be read (\(detail)).")
        }
    }
}
