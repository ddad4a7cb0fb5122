import SwiftASN1

/// Object identifiers of OCSP (RFC 6960), CRLs (RFC 5280) and the hashes of a CertID.
public enum RevocationOID {
    public static let sha1: ASN1ObjectIdentifier = [1, 3, 14, 3, 2, 26]
    public static let sha256: ASN1ObjectIdentifier = [2, 16, 840, 1, 101, 3, 4, 2, 1]
    public static let sha384: ASN1ObjectIdentifier = [2, 16, 840, 1, 101, 3, 4, 2, 2]
    public static let sha512: ASN1ObjectIdentifier = [2, 16, 840, 1, 101, 3, 4, 2, 3]

    /// id-pkix-ocsp-basic
    public static let ocspBasic: ASN1ObjectIdentifier = [1, 3, 6, 1, 5, 5, 7, 48, 1, 1]
    /// id-pkix-ocsp-nonce
    public static let ocspNonce: ASN1ObjectIdentifier = [1, 3, 6, 1, 5, 5, 7, 48, 1, 2]
    /// id-pkix-ocsp-nocheck (on a delegated responder's certificate)
    public static let ocspNoCheck: ASN1ObjectIdentifier = [1, 3, 6, 1, 5, 5, 7, 48, 1, 5]
    /// id-kp-OCSPSigning
    public static let ocspSigning: ASN1ObjectIdentifier = [1, 3, 6, 1, 5, 5, 7, 3, 9]
    /// id-ad-ocsp, id-ad-caIssuers (AuthorityInfoAccess)
    public static let accessOCSP: ASN1ObjectIdentifier = [1, 3, 6, 1, 5, 5, 7, 48, 1]
    public static let accessCAIssuers: ASN1ObjectIdentifier = [1, 3, 6, 1, 5, 5, 7, 48, 2]

    // CRL and CRL entry extensions (RFC 5280 §5.2, §5.3)
    public static let authorityKeyIdentifier: ASN1ObjectIdentifier = [2, 5, 29, 35]
    public static let issuerAltName: ASN1ObjectIdentifier = [2, 5, 29, 18]
    public static let crlNumber: ASN1ObjectIdentifier = [2, 5, 29, 20]
    public static let deltaCRLIndicator: ASN1ObjectIdentifier = [2, 5, 29, 27]
    public static let issuingDistributionPoint: ASN1ObjectIdentifier = [2, 5, 29, 28]
    public static let freshestCRL: ASN1ObjectIdentifier = [2, 5, 29, 46]
    public static let expiredCertsOnCRL: ASN1ObjectIdentifier = [2, 5, 29, 60]
    public static let reasonCode: ASN1ObjectIdentifier = [2, 5, 29, 21]
    public static let invalidityDate: ASN1ObjectIdentifier = [2, 5, 29, 24]
    public static let certificateIssuer: ASN1ObjectIdentifier = [2, 5, 29, 29]
    public static let crlDistributionPoints: ASN1ObjectIdentifier = [2, 5, 29, 31]
    public static let authorityInfoAccess: ASN1ObjectIdentifier = [1, 3, 6, 1, 5, 5, 7, 1, 1]
}
