import Foundation

/// Where `podpis setup` installs: the computer's own / or a directory
/// standing for it (`--root`: tests, image building). Every path the setup
/// reads or writes for the installation is an absolute path under it.
public struct InstallRoot: Sendable, Equatable {
    /// "/" or a directory without its trailing slash.
    public let path: String

    public init(_ path: String) {
        // systemctl --root and the doctor need it absolute.
        var trimmed = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
        self.path = trimmed.isEmpty ? "/" : trimmed
    }

    public var isComputer: Bool { path == "/" }

    /// `absolute` (/etc/podpis/podpisd.toml) under the root.
    public func real(_ absolute: String) -> String { isComputer ? absolute : path + absolute }

    /// The doctor's `browserPolicyRoot`: "" for the computer's own.
    public var prefix: String { isComputer ? "" : path }
}
