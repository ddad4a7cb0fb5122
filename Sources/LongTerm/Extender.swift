import CAdES
import Evidence
import CMS
import Foundation
import SignatureAlgorithms
import Signing
import Timestamping
import Validation
import XAdES

/// The long-term levels of EN 319 122-1 / 319 132-1 a signature can be extended to.
public enum LongTermLevel: String, Sendable, CaseIterable, Codable {
    /// B-LT: the certificates and revocation data carried inside the signature.
    case lt = "B-LT"
    /// B-LTA: B-LT and an archive time-stamp over all of it (renewed by extending again).
    case lta = "B-LTA"

    /// The long-term level a baseline level names (nil for B-B and B-T).
    public init?(_ level: BaselineLevel) {
        switch level {
        case .bb, .bt: return nil
        case .blt: self = .lt
        case .blta: self = .lta
        }
    }
}

/// Asks a TSA for a token over `digest` (computed with `algorithm`); the token's DER.
public typealias ArchiveTimeStamper = @Sendable (_ digest: [UInt8], _ algorithm: DigestAlgorithm) async throws -> [UInt8]

extension TimeStampClient {
    /// This client as the extender's ``ArchiveTimeStamper``.
    public var archiveTimeStamper: ArchiveTimeStamper {
        { digest, algorithm in try await timestamp(digest: digest, hash: AlgorithmIdentifier(algorithm: algorithm.oid)).der }
    }
}

/// Extends the signatures of a file to B-LT or B-LTA: validates them first
/// (a signature that is not intact, a signer revoked before signing, or an
/// expired certificate without proof of existence is refused, saying
/// which), gathers what they must carry (``ValidationDataCollector``), adds
/// it, adds an archive time-stamp for B-LTA, and validates the result with no
/// revocation source but what it carries; only a result whose every extended
/// signature is TOTAL-PASSED at the level asked is returned.
///
/// A signature that has an archive time-stamp already gets, before the new
/// one, the validation data of what it has (for XAdES in
/// xades141:TimeStampValidationData), with revocation data newer than its
/// last archive time-stamp. Other signatures of the file keep every byte.
public struct Extender: Sendable {
    /// Validation before extension: trust sources, lists and revocation (cache, network).
    public let verifier: Verifier
    public let collector: ValidationDataCollector
    /// For B-LTA.
    public let timeStamper: ArchiveTimeStamper?

    public init(verifier: Verifier, collector: ValidationDataCollector, timeStamper: ArchiveTimeStamper? = nil) {
        self.verifier = verifier
        self.collector = collector
        self.timeStamper = timeStamper
    }

    public struct Extended: Sendable {
        public let bytes: [UInt8]
        /// The report of the extended file, validated with what it carries only.
        public let report: ValidationReport
        /// The ids of the signatures extended.
        public let extended: [String]
        /// With `allowIncomplete`: what could not be had (one sentence each); else empty.
        public var missing: [String] = []
    }

    /// Extends the file's top-level signatures (all, or those `only` names).
    ///
    /// `allowIncomplete` is for files whose CAs' services are gone (old
    /// files, other producers' test PKIs): what can be had is added, what
    /// cannot is returned in `missing` instead of refusing, and the result
    /// must only reach the level's structure and verify no worse than
    /// before (an archive time-stamp then proves the file existed as it is).
    public func extend(
        _ bytes: [UInt8], name: String, detached: [DetachedData] = [], to level: LongTermLevel, only: Set<String>? = nil,
        allowIncomplete: Bool = false
    ) async throws -> Extended {
        guard let format = Verifier.format(of: bytes) else { throw LongTermError(.noSignature, name) }
        if level == .lta, timeStamper == nil { throw LongTermError(.noTimeStampServer, name) }
        // Validation before: with what the file carries, the user's files and
        // the cache, not the network — what is fetched is fetched once, by
        // the collector (a responder that hangs is waited for once); a
        // revocation found so is refused by the validation of the result.
        var offline = verifier
        if let sources = verifier.revocation as? RevocationSources {
            offline.revocation = RevocationSources(cache: sources.cache, fetcher: nil, given: sources.given)
        }
        let before = try await offline.verify(bytes, name: name, detached: detached)
        let chosen = before.signatures.filter { $0.parent == nil && (only?.contains($0.id) ?? true) }
        guard !chosen.isEmpty else { throw LongTermError(.noSignature, only.map { "\(name): \($0.sorted().joined(separator: ", "))" } ?? name) }
        try Self.refuseUnextendable(chosen)
        let ids = chosen.map(\.id)

        var missing: [String] = []
        let extended: [UInt8]
        switch format {
        case .xml: extended = try await extendXAdES(bytes, name: name, detached: detached, ids: ids, level: level, allowIncomplete: allowIncomplete, missing: &missing)
        case .cms: extended = try await extendCAdES(bytes, name: name, detached: detached, ids: ids, level: level, allowIncomplete: allowIncomplete, missing: &missing)
        }

        var carriedOnly = verifier
        carriedOnly.revocation = RevocationSources()  // what the signature carries, nothing else
        let after = try await carriedOnly.verify(extended, name: name, detached: detached)
        try Self.refuseUnextendable(after.signatures.filter { ids.contains($0.id) })
        for id in ids {
            guard let signature = after.signatures.first(where: { $0.id == id }) else {
                throw LongTermError(.notPassed, "\(id): not found after the extension")
            }
            if allowIncomplete {
                let earlier = chosen.first { $0.id == id }
                if signature.indication == .totalFailed || (earlier?.indication == .totalPassed && signature.indication != .totalPassed) {
                    throw LongTermError(.notPassed, Self.describe(signature))
                }
            } else if signature.indication != .totalPassed {
                throw LongTermError(.notPassed, Self.describe(signature))
            }
            if !Self.reached(signature.level, level, legacyTimeStamped: allowIncomplete) {
                throw LongTermError(.notPassed, "\(id): \(signature.level), not \(level.rawValue)")
            }
        }
        var result = Extended(bytes: extended, report: after, extended: ids)
        result.missing = missing
        return result
    }

    /// Whether a reported level is `wanted` or above: the baseline names,
    /// or TS 101 903 / 101 733's for signatures that are not baseline-shaped
    /// (XL, A; with `legacyTimeStamped` also T, which keeps its name when
    /// values are added without references).
    static func reached(_ reported: String, _ wanted: LongTermLevel, legacyTimeStamped: Bool) -> Bool {
        let suffix = reported.split(separator: "-", maxSplits: 1).last.map(String.init) ?? reported
        switch wanted {
        case .lt: return ["BASELINE-LT", "BASELINE-LTA", "XL", "A"].contains(suffix) || (legacyTimeStamped && suffix == "T")
        case .lta: return ["BASELINE-LTA", "A"].contains(suffix)
        }
    }

    /// The data each signature needs; missing data is refused, naming it
    /// (or, with `allowIncomplete`, added to `missing`).
    func collect(_ signatures: [ExaminedSignature], allowIncomplete: Bool, missing reported: inout [String]) async throws -> [String: LongTermData] {
        var result: [String: LongTermData] = [:]
        var missing: [String] = []
        for signature in signatures {
            // Revocation data issued at or after the signature time-stamp (what
            // validation asks); when renewing, strictly after the last archive
            // time-stamp (answers carry whole seconds: one in the same second
            // may have been fetched before it, as when B-LTA is made in one go).
            let signatureStamps = signature.timeStamps.filter { $0.kind != .archive }.compactMap(\.genTime)
            let lastArchive = signature.timeStamps.filter { $0.kind == .archive }.compactMap(\.genTime).max()
            let freshAfter = lastArchive.map { $0.addingTimeInterval(1) } ?? signatureStamps.max()
            let data = await collector.collect(for: signature, freshAfter: freshAfter)
            missing += data.missing
            result[signature.id] = data
        }
        guard missing.isEmpty || allowIncomplete else { throw LongTermError(.dataMissing, missing.joined(separator: "; ")) }
        reported += missing
        return result
    }

    func extendXAdES(
        _ bytes: [UInt8], name: String, detached: [DetachedData], ids: [String], level: LongTermLevel, allowIncomplete: Bool, missing: inout [String]
    ) async throws -> [UInt8] {
        let file = try XAdESExtension(bytes: bytes, name: name)
        for id in ids where file.unextendable[id] != nil {
            throw LongTermError(.unsupportedFormat, "\(id): \(file.unextendable[id] ?? "")")
        }
        let examined = XAdESExaminer.examine(file.document, detached: detached).filter { ids.contains($0.id) }
        let data = try await collect(examined, allowIncomplete: allowIncomplete, missing: &missing)
        for id in ids {
            guard let needed = data[id] else { continue }
            try file.addValidationData(to: id, needed.values)
            if level == .lta, let timeStamper {
                let pending = try file.prepareArchiveTimeStamp(for: id, detached: detached)
                file.complete(pending, token: try await timeStamper(pending.digest, pending.algorithm))
            }
        }
        return file.serialized()
    }

    func extendCAdES(
        _ bytes: [UInt8], name: String, detached: [DetachedData], ids: [String], level: LongTermLevel, allowIncomplete: Bool, missing: inout [String]
    ) async throws -> [UInt8] {
        let examined = try CAdESExaminer.examine(bytes, name: name, detached: detached).filter { ids.contains($0.id) }
        var all = LongTermData()
        for data in try await collect(examined, allowIncomplete: allowIncomplete, missing: &missing).values { all.merge(data) }
        var extended = try CAdES.addValidationData(all.values, to: bytes)
        guard level == .lta, let timeStamper else { return extended }
        // One archive time-stamp per signature, found by its signature value
        // (writing SignedData may reorder the SET of signer infos).
        for signature in examined {
            let now = try SignedData(contentInfo: CAdES.unarmor(extended))
            guard let index = now.signerIndex(where: { DigestAlgorithm.sha256.digest($0.signature) == signature.signatureValueDigest }) else {
                throw LongTermError(.notPassed, "\(signature.id): not found after adding the validation data")
            }
            let content = Self.detachedContent(of: signature, in: detached)
            extended = try await CAdES.addArchiveTimeStamp(
                to: extended, signerIndex: index,
                detachedContentDigest: content.map { file in { (algorithm: HashAlgorithm) in try file.digest(DigestAlgorithm(algorithm)) } }
            ) { imprint, algorithm in
                try await timeStamper(imprint, DigestAlgorithm(algorithm))
            }
        }
        return extended
    }

    /// The file a detached CAdES signs: the one its examination matched, else the only one given.
    static func detachedContent(of signature: ExaminedSignature, in detached: [DetachedData]) -> DetachedData? {
        let matched = signature.references.compactMap(\.name)
        return detached.first { matched.contains($0.name) } ?? (detached.count == 1 ? detached[0] : nil)
    }

    /// The refusals of the issue: not intact, revoked, expired without proof of existence.
    static func refuseUnextendable(_ signatures: [SignatureReport]) throws {
        for signature in signatures {
            switch (signature.indication, signature.subIndication) {
            case (.totalFailed, .revoked?), (.indeterminate, .revokedNoPOE?), (.indeterminate, .revokedCANoPOE?):
                throw LongTermError(.revoked, describe(signature))
            case (.indeterminate, .outOfBoundsNoPOE?), (.indeterminate, .outOfBoundsNotRevoked?):
                throw LongTermError(.expiredWithoutProof, describe(signature))
            case (.totalFailed, _):
                throw LongTermError(.notIntact, describe(signature))
            default:
                continue
            }
        }
    }

    static func describe(_ signature: SignatureReport) -> String {
        let who = signature.signer?.name ?? signature.signer?.subject ?? signature.id
        return "\(who): \(signature.indication.rawValue)\(signature.subIndication.map { "/\($0.rawValue)" } ?? "") — \(signature.reason)"
    }
}
