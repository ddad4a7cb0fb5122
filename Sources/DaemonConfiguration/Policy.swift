extension DaemonConfiguration {
    /// `[[policy]]`: who may use a certificate, and how. The first entry whose
    /// `certificate` matches (a prefix of the certificate's SHA-256, or `*`)
    /// applies; a certificate no entry names gets ``Policy/init(certificate:)``'s
    /// defaults: every local user allowed on the socket, every paired origin,
    /// no PIN caching, at most 100 documents under one consent, digests
    /// alone only from local programs on the Unix socket.
    public struct Policy: Sendable, Equatable {
        /// `certificate`: `*` or a prefix (8+ hex digits, lower case) of the certificate's SHA-256.
        public var certificate: String
        /// `users`: local users (names or numeric uids) who may use it; nil: any
        /// peer the socket admits.
        public var users: [String]?
        /// `origins`: web origins (normalised) that may use it; nil: any paired
        /// origin; empty: no web page at all.
        public var origins: [String]?
        /// `pin_cache_seconds`: how long the token stays logged in after a PIN
        /// (later requests ask only yes/no); 0: a PIN every time. Never applied
        /// to keys with CKA_ALWAYS_AUTHENTICATE.
        public var pinCacheSeconds: Double
        /// `max_documents`: the most documents one consent may cover.
        public var maxDocuments: Int
        /// `digest_only`: who may have a document signed from its digest
        /// alone, the content never seen by the daemon or the clerk.
        public var digestOnly: DigestOnly

        /// `local` (default): programs on the Unix socket; never over TCP or
        /// from a web page. `always`: also over TCP. `never`: content only.
        public enum DigestOnly: String, Sendable, CaseIterable {
            case local, always, never
        }

        public init(
            certificate: String = "*", users: [String]? = nil, origins: [String]? = nil,
            pinCacheSeconds: Double = 0, maxDocuments: Int = 100, digestOnly: DigestOnly = .local
        ) {
            self.certificate = certificate
            self.users = users
            self.origins = origins
            self.pinCacheSeconds = pinCacheSeconds
            self.maxDocuments = maxDocuments
            self.digestOnly = digestOnly
        }
    }
}
