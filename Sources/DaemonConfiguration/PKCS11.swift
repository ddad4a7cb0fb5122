extension DaemonConfiguration {
    /// `[pkcs11]`: the PKCS#11 modules the daemon loads.
    public struct PKCS11: Sendable, Equatable {
        /// `modules`: modules by absolute path (vendor modules, HSMs).
        public var modules: [String]
        /// `use_registered`: also load the modules registered with p11-kit.
        public var useRegistered: Bool

        public init(modules: [String] = [], useRegistered: Bool = true) {
            self.modules = modules
            self.useRegistered = useRegistered
        }
    }
}
