extension DaemonConfiguration {
    /// `[limits]`: bounds on XML documents, checked before parsing them further.
    public struct Limits: Sendable, Equatable {
        /// `xml_max_mib`, in bytes: the largest XML document.
        public var xmlMaxBytes: Int
        /// `xml_max_depth`: the deepest element nesting.
        public var xmlMaxDepth: Int
        /// `xml_max_nodes`: the most nodes in one document.
        public var xmlMaxNodes: Int

        public init(
            xmlMaxBytes: Int = 64 * DaemonConfiguration.mebibyte,
            xmlMaxDepth: Int = 200,
            xmlMaxNodes: Int = 2_000_000
        ) {
            self.xmlMaxBytes = xmlMaxBytes
            self.xmlMaxDepth = xmlMaxDepth
            self.xmlMaxNodes = xmlMaxNodes
        }
    }
}
