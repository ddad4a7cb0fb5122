extension DaemonConfiguration {
    /// `defaults.format`: the signature format.
    public enum Format: String, Sendable, CaseIterable {
        case xades
        case cades
    }
}
