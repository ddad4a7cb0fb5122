import CMS
import Evidence
import SignatureAlgorithms
import Signing
import SwiftASN1
import Timestamping

extension CAdES {
    /// Adds an archive-time-stamp-v3 (EN 319 122-1 §5.5.3, the B-LTA
    /// level; again on a B-LTA, its renewal) to the top-level SignerInfo at
    /// `signerIndex` (0-based, in file order) of `existing`, a ContentInfo
    /// holding SignedData, ours or another producer's, DER or BER.
    ///
    /// The index of what is there now (ats-hash-index-v3, §5.5.2: each
    /// certificate, each revocation value, each unsigned attribute value of
    /// the signer, as encoded) and the stamped data are built as the examiner
    /// rebuilds them; `timeStamp` is asked for a token over the data's
    /// `algorithm` hash (its imprint) and must return a TimeStampToken
    /// (ContentInfo, DER) with that imprint. The index goes into the token's
    /// unsigned attributes (the TSA's signature does not cover them), the
    /// token into a new unsigned attribute of the signer, after the others.
    /// Every other SignerInfo, certificate and CRL, and every field and
    /// attribute already in the signer, keeps its bytes.
    ///
    /// The content's hash: the eContent of an attached signature; for a
    /// detached one, `detachedContentDigest(algorithm)` (e.g. ``digest(of:_:)``
    /// of its file). Throws `CMSError` `.noSuchSigner` for an index out of
    /// range, `.contentMissing` for a detached signature without
    /// `detachedContentDigest`, `TimeStampError` `.imprintMismatch` for a
    /// token over other data.
    public static func addArchiveTimeStamp(
        to existing: [UInt8], signerIndex: Int, detachedContentDigest: ((HashAlgorithm) throws -> [UInt8])? = nil,
        algorithm: HashAlgorithm = .sha256,
        timeStamp: (_ imprint: [UInt8], _ algorithm: HashAlgorithm) async throws -> [UInt8]
    ) async throws -> [UInt8] {
        var signed = try SignedData(contentInfo: unarmor(existing))
        guard signed.signerInfos.indices.contains(signerIndex) else {
            throw CMSError(.noSuchSigner, "signer \(signerIndex + 1) of \(signed.signerInfos.count)")
        }
        let contentHash: [UInt8]
        if let content = signed.content {
            contentHash = algorithm.digest(content)
        } else if let detachedContentDigest {
            contentHash = try detachedContentDigest(algorithm)
        } else {
            throw CMSError(.contentMissing, "the signed document, whose hash the archive time-stamp covers")
        }
        guard let digest = DigestAlgorithm(oid: algorithm.oid) else { throw CMSError(.unsupported, "digest algorithm \(algorithm.rawValue)") }
        let signer = try EncodedSignerInfo(signed.signerInfos[signerIndex].bytes)

        var coder = DER.Serializer()
        try coder.serialize(ATSHashIndex(of: signed, signer: signer, algorithm: digest))
        let index = coder.serializedBytes
        let stamped = ArchiveTimeStampV3.stampedData(contentType: signed.contentType, contentHash: contentHash, signer: signer, index: index)
        let imprint = algorithm.digest(stamped)
        let token = try await timeStamp(imprint, algorithm)

        let withIndex = try archiveToken(token, index: index, imprint: imprint, algorithm: algorithm)
        signed.signerInfos[signerIndex] = try CMSElement(bytes: signer.appending(type: CAdESAttributeOID.archiveTimeStampV3, value: withIndex))
        return try signed.serialize()
    }

    /// The TSA's token with the ats-hash-index-v3 added to its SignerInfo's
    /// unsigned attributes; refused when it does not stamp `imprint`.
    static func archiveToken(_ token: [UInt8], index: [UInt8], imprint: [UInt8], algorithm: HashAlgorithm) throws -> [UInt8] {
        var signed: SignedData
        do { signed = try SignedData(contentInfo: token) } catch { throw TimeStampError(.malformedResponse, "time-stamp token: \(error.detail)") }
        guard signed.contentType == CMSOID.tstInfo, let content = signed.content, let info = try? TSTInfo(derEncoded: content),
            signed.signerInfos.count == 1
        else { throw TimeStampError(.malformedResponse, "the time-stamp token holds no TSTInfo or not one signer") }
        guard info.messageImprint.hashAlgorithm.algorithm == algorithm.oid, Array(info.messageImprint.hashedMessage) == imprint else {
            throw TimeStampError(.imprintMismatch, "the token does not stamp the archive data")
        }
        let tokenSigner = try EncodedSignerInfo(signed.signerInfos[0].bytes)
        guard !tokenSigner.unsignedAttributes.contains(where: { $0.type == CAdESAttributeOID.atsHashIndexV3 }) else {
            throw TimeStampError(.malformedResponse, "the time-stamp token already holds an ats-hash-index-v3")
        }
        signed.signerInfos[0] = try CMSElement(bytes: tokenSigner.appending(type: CAdESAttributeOID.atsHashIndexV3, value: index))
        return try signed.serialize()
    }
}
