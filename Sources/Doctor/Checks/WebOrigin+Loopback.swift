import DaemonConfiguration

extension WebOrigin {
    /// The page is itself on this computer (`localhost`, 127.0.0.0/8,
    /// `[::1]`): calling podpisd is no local network access.
    var isLoopback: Bool {
        host == "localhost" || host.hasSuffix(".localhost") || host == "[::1]"
            || (host.hasPrefix("127.") && host.split(separator: ".").count == 4 && host.allSatisfy { $0.isNumber || $0 == "." })
    }
}
