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

    public static var catalog: MessageCatalog { messages }
}
