extension DaemonConfiguration {
    /// `defaults.level`: the baseline level (EN 319 122 / EN 319 132).
    public enum Level: String, Sendable, CaseIterable {
        /// B-B: the basic signature.
        case baselineB = "B-B"
        /// B-T: with a time-stamp from a TSA.
        case baselineT = "B-T"
    }
}
