extension DaemonConfiguration {
    /// `defaults.packaging`: where the signature sits relative to the document.
    public enum Packaging: String, Sendable, CaseIterable {
        /// Inside the signed XML document (XAdES only).
        case enveloped
        /// The document inside the signature.
        case enveloping
        /// The signature in a file of its own.
        case detached
    }
}
