import Localization

/// Why a CMS structure could not be read or built.
public struct CMSError: ClerkReadableError, Sendable, Hashable {
    public enum Kind: String, Sendable {
        case malformed = "cms-malformed"
        case notSignedData = "cms-not-signed-data"
        case unsupported = "cms-unsupported"
        case contentMissing = "cms-content-missing"
        case tooLarge = "cms-too-large"
    }

    public let kind: Kind
    public let detail: String

    public init(_ kind: Kind, _ detail: String) {
        self.kind = kind
        self.detail = detail
    }

    public var code: String { kind.rawValue }

    public var message: ClerkText {
        switch kind {
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
