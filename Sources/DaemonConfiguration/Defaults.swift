extension DaemonConfiguration {
    /// `[defaults]`: the signature a request gets when it does not say.
    public struct Defaults: Sendable, Equatable {
        public var format: Format
        public var packaging: Packaging
        public var level: Level
        public var digest: Digest

        public init(
            format: Format = .xades,
            packaging: Packaging = .detached,
            level: Level = .baselineB,
            digest: Digest = .sha256
        ) {
            self.format = format
            self.packaging = packaging
            self.level = level
            self.digest = digest
        }
    }
}
