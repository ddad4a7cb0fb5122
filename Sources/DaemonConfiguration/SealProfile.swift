import Signing

extension DaemonConfiguration {
    /// `[seal.NAME]`: how the office's seal seals documents without a clerk —
    /// bulk (`podpis seal --profile NAME`, the batch API) and from a hot folder.
    public struct SealProfile: Sendable, Equatable {
        /// How one kind of document is sealed: a signature form.
        public typealias Method = SignatureForm

        /// Where the seal PIN comes from for unattended work; never an argument
        /// or an environment variable.
        public enum PINSource: Sendable, Equatable {
            /// `$CREDENTIALS_DIRECTORY/NAME` (systemd `LoadCredentialEncrypted=`).
            case credential(String)
            /// A file only root (or the daemon's user) can read.
            case file(String)
            /// Asked once at start (the agent, or systemd-ask-password).
            case prompt
        }

        public var name: String
        /// `certificate`: 8+ hex digits of the seal certificate's SHA-256.
        public var certificate: String
        /// `xml`: how XML documents are sealed.
        public var xml: Method = .xadesEnveloped
        /// `other`: how every other document (PDF, …) is sealed.
        public var other: Method = .cadesDetached
        public var level: Level = .baselineB
        public var digest: Digest = .sha256
        /// `sessions`: PKCS#11 sessions signing in parallel (HSMs allow many; a card one).
        public var sessions: Int = 4
        /// `signing_nice`: the nice of the sessions' signing threads (-20…19);
        /// below 0 needs `LimitNICE=` (or CAP_SYS_NICE), else they stay at 0.
        public var signingNice: Int = -10
        /// `pin_credential` / `pin_file` / `pin_prompt = true`.
        public var pin: PINSource = .prompt
        /// `max_document_mib`, in bytes.
        public var maxDocumentBytes: Int = 64 * DaemonConfiguration.mebibyte
        /// `max_batch_mib`, in bytes: all documents one batch holds together.
        public var maxBatchBytes: Int = 16384 * DaemonConfiguration.mebibyte
        /// `inbox`, `outbox`, `done`, `failed`: the hot folder (all four, or none).
        public var hotFolder: HotFolder? = nil

        public struct HotFolder: Sendable, Equatable {
            public var inbox: String
            public var outbox: String
            public var done: String
            public var failed: String
        }
    }
}
