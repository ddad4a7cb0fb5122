extension DaemonConfiguration {
    /// `defaults.level` and a seal profile's `level`: the baseline level (EN 319 122 / EN 319 132).
    public enum Level: String, Sendable, CaseIterable {
        /// B-B: the basic signature.
        case baselineB = "B-B"
        /// B-T: with a time-stamp from a TSA.
        case baselineT = "B-T"
        /// B-LT: B-T with the certificates and revocation data inside ([verification] says where they come from).
        case baselineLT = "B-LT"
        /// B-LTA: B-LT with an archive time-stamp.
        case baselineLTA = "B-LTA"
    }
}
