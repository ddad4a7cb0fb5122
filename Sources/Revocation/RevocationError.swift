import Localization

/// Why revocation data (an OCSP response, a CRL) was refused, or could not be
/// fetched or kept. "Revoked" is not an error: it is a ``RevocationStatus``.
public typealias RevocationError = KindedError<RevocationErrorKind>

/// The kinds of ``RevocationError``; each raw value is the stable code.
public enum RevocationErrorKind: String, ErrorKind {
    // OCSP (RFC 6960)
    case ocspMalformed = "revocation-ocsp-malformed"
    case ocspNotSuccessful = "revocation-ocsp-not-successful"
    case ocspUnsupported = "revocation-ocsp-unsupported"
    case ocspWrongCertificate = "revocation-ocsp-wrong-certificate"
    case ocspUnauthorisedResponder = "revocation-ocsp-unauthorised-responder"
    case ocspBadSignature = "revocation-ocsp-bad-signature"
    case ocspNotYetValid = "revocation-ocsp-not-yet-valid"
    case ocspStale = "revocation-ocsp-stale"
    case ocspNonceMismatch = "revocation-ocsp-nonce-mismatch"
    // CRL (RFC 5280 §5)
    case crlMalformed = "revocation-crl-malformed"
    case crlTooLarge = "revocation-crl-too-large"
    case crlWrongIssuer = "revocation-crl-wrong-issuer"
    case crlBadSignature = "revocation-crl-bad-signature"
    case crlIssuerNotForCRLs = "revocation-crl-issuer-not-for-crls"
    case crlOutOfScope = "revocation-crl-out-of-scope"
    case crlIndirectUnsupported = "revocation-crl-indirect-unsupported"
    case crlPartialReasons = "revocation-crl-partial-reasons"
    case crlNotYetValid = "revocation-crl-not-yet-valid"
    case crlStale = "revocation-crl-stale"
    case crlUnknownCriticalExtension = "revocation-crl-unknown-critical-extension"
    case crlDeltaMismatch = "revocation-crl-delta-mismatch"
    // both
    case unsupportedAlgorithm = "revocation-unsupported-algorithm"
    // fetching
    case fetchNoURL = "revocation-fetch-no-url"
    case fetchSchemeRefused = "revocation-fetch-scheme-refused"
    case fetchAddressRefused = "revocation-fetch-address-refused"
    case fetchUnresolvable = "revocation-fetch-unresolvable"
    case fetchUnreachable = "revocation-fetch-unreachable"
    case fetchTimeout = "revocation-fetch-timeout"
    case fetchTooLarge = "revocation-fetch-too-large"
    case fetchHTTPStatus = "revocation-fetch-http-status"
    case fetchTooManyRedirects = "revocation-fetch-too-many-redirects"
    // cache
    case cacheUnwritable = "revocation-cache-unwritable"

    public static var catalog: MessageCatalog { messages }
}
