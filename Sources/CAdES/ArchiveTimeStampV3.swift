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
/// ``CAdES/addArchiveTimeStamp(to:signerIndex:detachedContentDigest:algorithm:timeStamp:)``
/// builds it to ask for a token, the examiner to check one: both through here.
enum ArchiveTimeStampV3 {
    /// Items 1–4 above.
    static func stampedData(contentType: ASN1ObjectIdentifier, contentHash: [UInt8], signer: EncodedSignerInfo, index: [UInt8]) -> [UInt8] {
        ExaminationDER.bytes(contentType) + contentHash + signer.fields.joined() + index
    }

    /// The index a token carries, as encoded, and the token's imprint algorithm.
    struct TokenIndex {
        let index: ATSHashIndex
        let bytes: [UInt8]
        /// ats-hash-index-v3 (values indexed), not TS 101 733's ats-hash-index (attributes indexed).
        let isVersion3: Bool
        let imprintAlgorithm: DigestAlgorithm
    }

    /// The ats-hash-index-v3 (or ats-hash-index) of a token's SignerInfo, or nil.
    static func index(ofToken token: [UInt8]) -> TokenIndex? {
        guard let signed = try? SignedData(contentInfo: token), let content = signed.content, let info = try? TSTInfo(derEncoded: content),
            let algorithm = DigestAlgorithm(oid: info.messageImprint.hashAlgorithm.algorithm),
            let first = signed.signerInfos.first, let tokenSigner = try? EncodedSignerInfo(first.bytes),
            let attribute = tokenSigner.unsignedAttributes.first(where: {
                $0.type == CAdESAttributeOID.atsHashIndexV3 || $0.type == CAdESAttributeOID.atsHashIndex
            }),
            let bytes = attribute.values.first, let node = try? DER.parse(bytes), let index = try? ATSHashIndex(derEncoded: node)
        else { return nil }
        return TokenIndex(index: index, bytes: bytes, isVersion3: attribute.type == CAdESAttributeOID.atsHashIndexV3, imprintAlgorithm: algorithm)
    }

    /// What an archive time-stamp shows: the data it stamps (nil when it
    /// cannot be rebuilt: no index, the signed data not at hand) and the
    /// entries of its index that no element of the file matches now, named.
    struct Examined {
        var stamped: [UInt8]?
        var changes: [String] = []
    }

    static func examine(
        token: [UInt8], signed: SignedData, signerInfo: [UInt8], contentDigest: (DigestAlgorithm) -> [UInt8]?
    ) -> Examined {
        guard let found = index(ofToken: token), let signer = try? EncodedSignerInfo(signerInfo) else { return Examined() }
        var result = Examined(changes: changes(found, signed: signed, signer: signer))
        if let contentHash = contentDigest(found.imprintAlgorithm) {
            result.stamped = stampedData(contentType: signed.contentType, contentHash: contentHash, signer: signer, index: found.bytes)
        }
        return result
    }

    /// The index's entries that match no element present now. An element
    /// without an entry is not one: it came later (validation data, the next
    /// archive time-stamp); an entry without its element is a change.
    static func changes(_ found: TokenIndex, signed: SignedData, signer: EncodedSignerInfo) -> [String] {
        guard let algorithm = DigestAlgorithm(oid: found.index.hashAlgorithm.algorithm) else {
            return ["its index's hash algorithm \(found.index.hashAlgorithm.algorithm) is unknown"]
        }
        let now = ATSHashIndex(of: signed, signer: signer, algorithm: algorithm)
        // TS 101 733's ats-hash-index hashes each unsigned attribute whole.
        let attributes = found.isVersion3 ? now.unsignedAttributes : signer.unsignedAttributes.map { algorithm.digest($0.bytes) }
        var changes: [String] = []
        for (what, stamped, present) in [
            ("certificate", found.index.certificates, now.certificates),
            ("revocation value", found.index.crls, now.crls),
            (found.isVersion3 ? "unsigned attribute value" : "unsigned attribute", found.index.unsignedAttributes, attributes),
        ] {
            let present = Set(present)
            for (number, hash) in stamped.enumerated() where !present.contains(hash) {
                changes.append("\(what) #\(number + 1) changed or removed after it was stamped")
            }
        }
        return changes
    }
}
