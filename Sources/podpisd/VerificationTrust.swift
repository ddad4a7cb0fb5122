import DaemonConfiguration
import Foundation
import Revocation
import TrustedLists
import Validation

/// What POST /v1/verify trusts beyond `[verification] trust`: the trusted
/// lists in `[verification] trusted_lists` (the cache `podpis tl refresh`
/// fills), loaded with every signature checked and loaded again when the
/// cache changes (the daily refresh), and the revocation sources
/// (`[verification] online`). An actor: requests share the loaded lists.
actor VerificationTrust {
    let settings: DaemonConfiguration.Verification
    private var loaded: (stamp: [String: Date], trust: TrustedListTrust?)?

    init(settings: DaemonConfiguration.Verification) {
        self.settings = settings
    }

    /// The lists as the cache holds them now (nil: none configured or none loadable).
    func lists() -> TrustedListTrust? {
        guard let directory = settings.trustedLists else { return nil }
        let stamp = Self.stamp(directory, pins: settings.lotlPins)
        if let loaded, loaded.stamp == stamp { return loaded.trust }
        let pins = (try? TrustSource.file(settings.lotlPins))?.anchors.map(\.der) ?? []
        let trust = try? TrustedListTrust.load(cache: TrustedListCache(directory: directory), pinnedSigners: pins)
        loaded = (stamp, trust)
        return trust
    }

    /// Modification times of the cache's lists and of the pins: a change reloads.
    static func stamp(_ directory: String, pins: String) -> [String: Date] {
        var stamp: [String: Date] = [:]
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".xml") }
        for path in names.map({ "\(directory)/\($0)" }) + [pins] {
            if let date = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date { stamp[path] = date }
        }
        return stamp
    }

    /// Revocation: what the signature carries, the cache of
    /// `revocation_cache`, and the network when `online` (private addresses
    /// only within `allow_addresses`); the cache and the fetcher made once.
    nonisolated func revocation() -> RevocationSources {
        let cache = try? settings.openRevocationCache()
        return RevocationSources(cache: cache, fetcher: settings.fetcher(cache: cache))
    }
}
