import Foundation
import Revocation

extension DaemonConfiguration {
    /// `[verification]`: what `POST /v1/verify` trusts and how much it reads.
    public struct Verification: Sendable, Equatable {
        /// `trust`: files of trust anchors (PEM or DER: a test PKI, a company
        /// CA), absolute paths; each was readable and held a certificate
        /// when the configuration was read. The daemon loads them at start.
        public var trust: [String]
        /// `max_mib`, in bytes: the largest signed file and detached files
        /// of one verification together; 0 = `[server] max_body_mib`, at
        /// most 256 MiB (the daemon holds a verification's files in memory).
        public var maxBytes: Int
        /// `trusted_lists`: the cache `podpis tl refresh` fills (EU.xml, PL.xml, …);
        /// nil: no trusted lists (only `trust`).
        public var trustedLists: String?
        /// `lotl_pins`: the accepted signers of the EU list of lists (PEM).
        public var lotlPins: String
        /// `online`: fetch missing OCSP/CRL data from the certificates' addresses.
        public var online: Bool
        /// `allow_addresses`: special-use ranges fetching may reach although
        /// private (a company's own PKI in 10/8; the bench's 127.0.0.1).
        public var allowAddresses: [AddressRange] = []
        /// `revocation_cache`: where fetched OCSP/CRL data is kept and read
        /// again (POST /v1/extend offline, one fetch per batch); nil: none.
        public var revocationCache: String? = nil

        public init(trust: [String] = [], maxBytes: Int = 0, trustedLists: String? = nil, lotlPins: String = "/usr/share/podpis/lotl-pins.pem", online: Bool = false) {
            self.trust = trust
            self.maxBytes = maxBytes
            self.trustedLists = trustedLists
            self.lotlPins = lotlPins
            self.online = online
        }

        /// The limit in force: `maxBytes`, or the server's body limit when it is 0.
        public func limit(server: Server) -> Int { maxBytes == 0 ? min(server.maxBodyBytes, Self.defaultCap) : maxBytes }

        /// The limit when `max_mib` is 0: files are held in memory while verified.
        public static let defaultCap = 256 << 20
    }
}

extension DaemonConfiguration.Verification {
    /// `revocation_cache`, its directory made (0700) when missing; nil when not set.
    public func openRevocationCache() throws -> RevocationCache? {
        guard let directory = revocationCache else { return nil }
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        return try RevocationCache(directory: directory)
    }

    /// The fetcher `online` asks for (private addresses only within
    /// `allow_addresses`), keeping what it fetches in `cache`; nil offline.
    public func fetcher(cache: RevocationCache?) -> RevocationFetcher? {
        online ? RevocationFetcher(configuration: .init(allowed: allowAddresses), cache: cache) : nil
    }
}
