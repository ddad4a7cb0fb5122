import Localization

/// Why a CMS structure could not be read or built.
public typealias CMSError = KindedError<CMSErrorKind>

/// The kinds of ``CMSError``; each raw value is the stable code.
public enum CMSErrorKind: String, ErrorKind {
    case malformed = "cms-malformed"
    case notSignedData = "cms-not-signed-data"
    case unsupported = "cms-unsupported"
    case contentMissing = "cms-content-missing"
    case tooLarge = "cms-too-large"

    public func message(_ detail: String) -> ClerkText {
        switch self {
        case .malformed:
            return ClerkText(pl: "Plik podpisu jest uszkodzony (\(detail)).", en: "The signature file is damaged (\(detail)).")
        case .notSignedData:
            return ClerkText(pl: "To nie jest podpis CAdES/CMS (\(detail)).", en: "This is not a CAdES/CMS signature (\(detail)).")
        case .unsupported:
            return ClerkText(pl: "Nieobsługiwany element podpisu: \(detail).", en: "Unsupported signature element: \(detail).")
        case .contentMissing:
            return ClerkText(
                pl: "Podpis jest zewnętrzny (detached): wskaż podpisany plik (\(detail)).",
                en: "The signature is detached: give the signed file too (\(detail)).")
        case .tooLarge:
            return ClerkText(pl: "Dokument jest za duży: \(detail).", en: "The document is too large: \(detail).")
        }
    }
}
