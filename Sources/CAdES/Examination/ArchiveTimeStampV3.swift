import CMS
import Evidence
import SwiftASN1
import Timestamping

/// The data an archive-time-stamp-v3 stamps (EN 319 122-1 §5.5.3; TS 101
/// 733 v2.2.1 §6.4.3 with its ATSHashIndex): the concatenation of
/// 1. the encapsulated content type (DER, tag and length included),
/// 2. the hash of the signed data with the time-stamp's imprint algorithm,
/// 3. the SignerInfo's fields version … signature, each as encoded in the file,
/// 4. the ats-hash-index(-v3) value from the token's own unsigned attributes.
/// The index's entries (hashes of each certificate, CRL and unsigned
/// attribute) are taken as the token holds them, not checked one by one.
enum ArchiveTimeStampV3 {
    /// The stamped bytes, or nil when they cannot be rebuilt (a token
    /// without index, an unknown algorithm, the signed data not at hand).
    static func stamped(
        token: [UInt8], signerInfo: [UInt8], contentType: ASN1ObjectIdentifier, contentDigest: (DigestAlgorithm) -> [UInt8]?
    ) -> [UInt8]? {
        guard let signed = try? SignedData(contentInfo: token), let content = signed.content, let info = try? TSTInfo(derEncoded: content),
            let algorithm = DigestAlgorithm(oid: info.messageImprint.hashAlgorithm.algorithm),
            let tokenSigner = signed.parsedSignerInfos().first,
            let index = tokenSigner.unsignedAttributes.first(where: {
                $0.type == CAdESAttributeOID.atsHashIndexV3 || $0.type == CAdESAttributeOID.atsHashIndex
            })?.values.first,
            let indexBytes = ExaminationDER.bytes(index),
            let dataHash = contentDigest(algorithm),
            let root = try? BER.parse(signerInfo), case .constructed(let fields) = root.content
        else { return nil }
        var bytes = ExaminationDER.bytes(contentType)
        bytes += dataHash
        let unsignedTag = ASN1Identifier(tagWithNumber: 1, tagClass: .contextSpecific)
        for field in fields where field.identifier != unsignedTag { bytes += field.encodedBytes }
        bytes += indexBytes
        return bytes
    }
}
