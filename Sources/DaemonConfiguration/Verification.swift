extension DaemonConfiguration {
    /// `[verification]`: what `POST /v1/verify` trusts and how much it reads.
    public struct Verification: Sendable, Equatable {
        /// `trust`: files of trust anchors (PEM or DER: a test PKI, a company
        /// CA), absolute paths; each was readable and held a certificate
        /// when the configuration was read. The daemon loads them at start.
        public var trust: [String]
        /// `max_mib`, in bytes: the largest signed file and detached files
        /// of one verification together; 0 = `[server] max_body_mib`.
        public var maxBytes: Int

        public init(trust: [String] = [], maxBytes: Int = 0) {
            self.trust = trust
            self.maxBytes = maxBytes
        }

        /// The limit in force: `maxBytes`, or the server's body limit when it is 0.
        public func limit(server: Server) -> Int { maxBytes == 0 ? server.maxBodyBytes : maxBytes }
    }
}
