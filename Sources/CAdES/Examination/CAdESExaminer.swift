import CMS
import Evidence
import Files
import Foundation
import SwiftASN1

/// Reads a CMS / CAdES signature made by anyone and says what each
/// SignerInfo shows about itself (``ExaminedSignature``): is its content's
/// digest right, which certificate it names, is its signature value intact
/// over the signed attributes as received, its claimed time, time-stamps,
/// validation data and format level. Nothing here trusts or judges: the
/// validation process (EN 319 102-1) does that with what this returns.
public enum CAdESExaminer {
    /// Counter-signatures of counter-signatures are followed this deep.
    static let maximumDepth = 4
    /// At most this many signatures (signers and counter-signers) are examined.
    static let maximumSignatures = 100

    /// Examines every SignerInfo of `der` (a ContentInfo holding SignedData,
    /// DER or BER). `name` is the signature file's name; `detached` the files
    /// the user gave for a detached signature (the one whose digest matches is
    /// used). Throws only when `der` is not a CMS SignedData at all or cannot
    /// be read; every other fault is reported in the signatures.
    /// The result holds the parallel signatures ("S-1", "S-2", …), each with
    /// its counter-signatures ("S-1-C1") in `counterSignatures`.
    public static func examine(_ der: [UInt8], name: String, detached: [DetachedData]) throws(CMSError) -> [ExaminedSignature] {
        let signed = try SignedData(contentInfo: der)
        guard !signed.signerInfos.isEmpty else { throw CMSError(.malformed, "SignedData without a SignerInfo") }
        var examination = CAdESExamination(signed: signed, name: name, detached: detached)
        var result: [ExaminedSignature] = []
        for (index, element) in signed.signerInfos.enumerated() {
            let id = "S-\(index + 1)"
            guard let signer = try? ReceivedSignerInfo(element.bytes) else {
                result.append(examination.unreadable(id: id, parentID: nil, reason: ReceivedSignerInfo.failure(element.bytes)))
                continue
            }
            result.append(examination.examine(signer, encoded: element.bytes, id: id, parent: nil, depth: 0))
        }
        return result
    }

    /// Every signature of `signatures`, counter-signatures included, parents first.
    public static func flattened(_ signatures: [ExaminedSignature]) -> [ExaminedSignature] {
        signatures.flatMap { [$0] + flattened($0.counterSignatures) }
    }
}
