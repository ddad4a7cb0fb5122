extension DaemonConfiguration {
    /// `[timestamp]`: RFC 3161 time-stamping authorities, for B-T signatures.
    public struct Timestamp: Sendable, Equatable {
        /// `urls`: TSA URLs (http or https), tried in order.
        public var urls: [String]
        /// `timeout_seconds`: how long one TSA may take to answer.
        public var timeoutSeconds: Double

        public init(urls: [String] = [], timeoutSeconds: Double = 20) {
            self.urls = urls
            self.timeoutSeconds = timeoutSeconds
        }
    }
}
