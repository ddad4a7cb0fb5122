import CMS
import Signing
import SwiftASN1

extension CAdES {
    /// Adds `data` (a B-LT signature's validation data, EN 319 122-1 §5.5.3:
    /// the certificates of every path and revocation data for them, carried
    /// in SignedData itself) to the SignedData of `existing` (ours or another
    /// producer's, DER or BER): certificates to `certificates`, CRLs and OCSP
    /// responses to `crls` (OCSP as `[1] OtherRevocationInfoFormat` with
    /// id-ri-ocsp-response, which makes the SignedData version 5 as RFC 5652
    /// §5.1 requires). What is already there is not added twice; every
    /// signer info, certificate and CRL already in the file keeps its bytes.
    public static func addValidationData(_ data: ValidationValues, to existing: [UInt8]) throws -> [UInt8] {
        var signed = try SignedData(contentInfo: unarmor(existing))
        for der in data.certificates {
            let element = try CMSElement(bytes: der)
            if !signed.certificates.contains(element) { signed.certificates.append(element) }
        }
        for der in data.crls {
            let element = try CMSElement(bytes: der)
            if !signed.crls.contains(element) { signed.crls.append(element) }
        }
        for der in data.ocspResponses {
            let element = try otherRevocationInfo(ocspResponse: der)
            if !signed.crls.contains(element) { signed.crls.append(element) }
        }
        if !data.ocspResponses.isEmpty, signed.version < .v5 { signed.version = .v5 }
        return try signed.serialize()
    }

    /// `[1] IMPLICIT OtherRevocationInfoFormat { id-ri-ocsp-response, OCSPResponse }`.
    static func otherRevocationInfo(ocspResponse der: [UInt8]) throws -> CMSElement {
        _ = try CMSElement(bytes: der)  // one whole element, or refused
        var coder = DER.Serializer()
        try coder.appendConstructedNode(identifier: ASN1Identifier(tagWithNumber: 1, tagClass: .contextSpecific)) { coder in
            try coder.serialize(CAdESAttributeOID.ocspResponseRevocationInfo)
            coder.serializeRawBytes(der)
        }
        return try CMSElement(bytes: coder.serializedBytes)
    }
}
