extension DaemonConfiguration {
    /// `defaults.digest`: the digest algorithm.
    public enum Digest: String, Sendable, CaseIterable {
        case sha256 = "SHA-256"
        case sha384 = "SHA-384"
        case sha512 = "SHA-512"
    }
}
