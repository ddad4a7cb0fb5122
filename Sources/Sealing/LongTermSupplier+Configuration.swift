import DaemonConfiguration
import Foundation
import LongTerm
import Revocation
import TrustedLists
import Validation

extension LongTermSupplier {
    /// The supplier of B-LT and B-LTA validation data for podpisd (the
    /// station and every seal profile) and `podpis seal`, from
    /// `[verification]`: the paths end at its `trust` anchors and the
    /// anchors of its `trusted_lists` (read once, here), revocation data from
    /// `revocation_cache` and, when `online`, from the network (private
    /// addresses only within `allow_addresses`).
    /// Throws when `[verification]` gives it nothing to work with: no
    /// anchor to end a path at, or no source of revocation data.
    public static func configured(_ verification: DaemonConfiguration.Verification) throws -> LongTermSupplier {
        var sources = try verification.trust.map { try TrustSource.file($0) }
        if let directory = verification.trustedLists, FileManager.default.fileExists(atPath: directory + "/EU.xml"),
            let pins = try? TrustSource.file(verification.lotlPins).anchors.map(\.der),
            let lists = try? TrustedListTrust.load(cache: TrustedListCache(directory: directory), pinnedSigners: pins)
        {
            sources.append(lists.source)
        }
        guard !sources.isEmpty else { throw LongTermError(.dataMissing, "[verification] names no trust anchor (trust) and no trusted lists (trusted_lists)") }
        guard verification.online || verification.revocationCache != nil else {
            throw LongTermError(.dataMissing, "[verification] has neither online = true nor a revocation_cache")
        }
        let cache = try verification.openRevocationCache()
        return LongTermSupplier(collector: ValidationDataCollector(sources: sources, cache: cache, fetcher: verification.fetcher(cache: cache)))
    }
}
