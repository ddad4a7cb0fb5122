import Localization

/// Why a time-stamp could not be had or was not trustworthy.
public typealias TimeStampError = KindedError<TimeStampErrorKind>

/// The kinds of ``TimeStampError``; each raw value is the stable code.
public enum TimeStampErrorKind: String, ErrorKind {
    case unreachable = "tsa-unreachable"
    case httpStatus = "tsa-http-status"
    case malformedResponse = "tsa-malformed-response"
    case rejected = "tsa-rejected"
    case nonceMismatch = "tsa-nonce-mismatch"
    case imprintMismatch = "tsa-imprint-mismatch"
    case badSignature = "tsa-bad-signature"
    case certificate = "tsa-certificate"
    case timeout = "tsa-timeout"

    public func message(_ detail: String) -> ClerkText {
        switch self {
        case .unreachable, .timeout:
            return ClerkText(
                pl: "Serwer znacznika czasu (TSA) nie odpowiada (\(detail)). Sprawdź połączenie lub adres TSA w konfiguracji.",
                en: "The time-stamping server (TSA) does not answer (\(detail)). Check the network or the TSA address in the configuration.")
        case .httpStatus:
            return ClerkText(pl: "Serwer TSA zwrócił błąd HTTP \(detail).", en: "The TSA answered with HTTP error \(detail).")
        case .malformedResponse:
            return ClerkText(pl: "Serwer TSA zwrócił nieczytelną odpowiedź (\(detail)).", en: "The TSA sent an unreadable answer (\(detail)).")
        case .rejected:
            return ClerkText(pl: "Serwer TSA odmówił wydania znacznika czasu: \(detail).", en: "The TSA refused the time-stamp: \(detail).")
        case .nonceMismatch, .imprintMismatch, .badSignature:
            return ClerkText(
                pl: "Znacznik czasu nie pasuje do żądania (\(detail)); nie został użyty.",
                en: "The time-stamp does not match the request (\(detail)); it was not used.")
        case .certificate:
            return ClerkText(pl: "Certyfikat serwera TSA jest nieodpowiedni: \(detail).", en: "The TSA's certificate is not acceptable: \(detail).")
        }
    }
}
