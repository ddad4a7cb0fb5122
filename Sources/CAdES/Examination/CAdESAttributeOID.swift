import SwiftASN1

/// Object identifiers an examined CAdES / CMS signature may carry beyond the
/// ones Podpis writes (`CMSOID`): RFC 5652 counter-signatures, ETSI TS 101 733
/// validation data and time-stamps, EN 319 122-1 archive time-stamps.
enum CAdESAttributeOID {
    static let counterSignature: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 9, 6]
    static let contentTimeStamp: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 9, 16, 2, 20]
    static let completeCertificateRefs: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 9, 16, 2, 21]
    static let completeRevocationRefs: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 9, 16, 2, 22]
    static let certificateValues: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 9, 16, 2, 23]
    static let revocationValues: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 9, 16, 2, 24]
    /// CAdES-C-time-stamp (ES-C time-stamp): over the signature and the references (CAdES-X type 1).
    static let escTimeStamp: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 9, 16, 2, 25]
    /// time-stamped-certs-crls-references (CAdES-X type 2).
    static let certCRLTimeStamp: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 9, 16, 2, 26]
    static let archiveTimeStampV1: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 9, 16, 2, 27]
    static let archiveTimeStampV2: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 9, 16, 2, 48]
    static let archiveTimeStampV3: ASN1ObjectIdentifier = [0, 4, 0, 1733, 2, 4]
    /// ATSHashIndex of TS 101 733 v2.2.1 (in archive-time-stamp-v3 tokens made before EN 319 122-1).
    static let atsHashIndex: ASN1ObjectIdentifier = [0, 4, 0, 1733, 2, 5]
    static let atsHashIndexV3: ASN1ObjectIdentifier = [0, 4, 0, 19122, 1, 5]
    /// RevocationInfoChoice `other` format: an OCSPResponse (RFC 5940).
    static let ocspResponseRevocationInfo: ASN1ObjectIdentifier = [1, 3, 6, 1, 5, 5, 7, 16, 2]
    static let ocspBasic: ASN1ObjectIdentifier = [1, 3, 6, 1, 5, 5, 7, 48, 1, 1]
}
