import ArgumentParser
import Foundation
import Revocation
import TrustedLists
import Validation

/// Where verification finds its trusted lists and revocation data, shared
/// by `podpis verify` and `podpis tl`.
enum TrustedListOptions {
    static var cacheRoot: String {
        let environment = ProcessInfo.processInfo.environment
        if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") { return xdg + "/podpis" }
        return (environment["HOME"] ?? "/tmp") + "/.cache/podpis"
    }
    static var defaultCache: String { cacheRoot + "/trusted-lists" }
    static var defaultRevocationCache: String { cacheRoot + "/revocation" }
    /// The pinned LOTL signers a package installs (the Official Journal's certificates).
    static let defaultPins = "/usr/share/podpis/lotl-pins.pem"

    /// The pinned signers' DER from a PEM file.
    static func pins(_ path: String) throws -> [[UInt8]] {
        try TrustSource.file(path).anchors.map(\.der)
    }

    /// The lists from the cache; nil when there is no cache (and none was asked for explicitly).
    static func load(cache: String?, pins pinsPath: String?, explicit: Bool) throws -> TrustedListTrust? {
        let directory = cache ?? defaultCache
        let pinsFile = pinsPath ?? defaultPins
        guard FileManager.default.fileExists(atPath: directory + "/EU.xml"), FileManager.default.fileExists(atPath: pinsFile) else {
            if explicit { throw TrustedListError(.cacheUnreadable, "\(directory)/EU.xml or \(pinsFile) missing: run podpis tl refresh") }
            return nil
        }
        return try TrustedListTrust.load(cache: TrustedListCache(directory: directory), pinnedSigners: try pins(pinsFile))
    }

    static func revocation(cache: String?, online: Bool, allow: [String], given: [[UInt8]] = []) throws -> RevocationSources {
        let directory = cache ?? defaultRevocationCache
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let store = try? RevocationCache(directory: directory)
        guard online else { return RevocationSources(cache: store, fetcher: nil, given: given) }
        let ranges = try allow.map { text -> AddressRange in
            guard let range = AddressRange(text) else { throw ValidationError("--allow-address: not an address or CIDR range: \(text)") }
            return range
        }
        return RevocationSources(cache: store, fetcher: RevocationFetcher(configuration: .init(allowed: ranges), cache: store), given: given)
    }
}
