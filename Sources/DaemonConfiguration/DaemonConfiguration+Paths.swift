import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension DaemonConfiguration {
    /// The system-wide file, read first.
    public static let systemFile = "/etc/podpis/podpisd.toml"

    /// The files to read, in order: the system file, then (unless `system`)
    /// the user's `$XDG_CONFIG_HOME/podpis/podpisd.toml` (by default
    /// `~/.config/podpis/podpisd.toml`). `PODPIS_CONFIG`, when set, names
    /// the only file to read instead.
    public static func defaultFiles(
        system: Bool,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> [String] {
        if let only = environment["PODPIS_CONFIG"], !only.isEmpty { return [only] }
        guard !system else { return [systemFile] }
        // The XDG base directory specification ignores relative paths.
        let configHome: String
        if let xdg = environment["XDG_CONFIG_HOME"], xdg.hasPrefix("/") {
            configHome = xdg
        } else {
            configHome = homeDirectory(environment) + "/.config"
        }
        return [systemFile, trimmingSlashes(configHome) + "/podpis/podpisd.toml"]
    }

    /// Where the Unix socket is: `server.socket` when set; otherwise
    /// `/run/podpis/podpisd.sock` for the system service, and
    /// `$XDG_RUNTIME_DIR/podpis/podpisd.sock` for a user daemon
    /// (`/run/user/<uid>/…` when the variable is not set).
    public func socketPath(
        system: Bool,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> String {
        if !server.socket.isEmpty { return server.socket }
        if system { return "/run/podpis/podpisd.sock" }
        let runtime: String
        if let xdg = environment["XDG_RUNTIME_DIR"], xdg.hasPrefix("/") {
            runtime = xdg
        } else {
            runtime = "/run/user/\(getuid())"
        }
        return Self.trimmingSlashes(runtime) + "/podpis/podpisd.sock"
    }

    /// `$HOME`, else the home directory of the user database.
    private static func homeDirectory(_ environment: [String: String]) -> String {
        if let home = environment["HOME"], !home.isEmpty { return home }
        return FileManager.default.homeDirectoryForCurrentUser.path
    }

    private static func trimmingSlashes(_ directory: String) -> String {
        var directory = Substring(directory)
        while directory.count > 1, directory.hasSuffix("/") { directory.removeLast() }
        return directory == "/" ? "" : String(directory)
    }

    /// Where the audit trail is: `server.audit_file` when set; otherwise
    /// `/var/lib/podpis/audit.jsonl` for the system service (StateDirectory=)
    /// and `$XDG_STATE_HOME/podpis/audit.jsonl` (`~/.local/state/…`) for a user.
    public func auditPath(
        system: Bool,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> String {
        Self.statePath("audit.jsonl", configured: server.auditFile, system: system, environment: environment)
    }

    /// Where seal batches live: `batch_dir`, else `$STATE_DIRECTORY` or
    /// /var/lib/podpis for the system service, else `$XDG_STATE_HOME/podpis`
    /// or ~/.local/state/podpis; `batches/`.
    public func batchDirectory(
        system: Bool,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> String {
        Self.statePath("batches", configured: server.batchDirectory, system: system, environment: environment)
    }

    /// Where the paired web origins are kept: `pairing_file`, else
    /// `$STATE_DIRECTORY` or /var/lib/podpis for the system service, else
    /// `$XDG_STATE_HOME/podpis` or ~/.local/state/podpis; `pairings.json`.
    public func pairingPath(
        system: Bool,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> String {
        Self.statePath("pairings.json", configured: server.pairingFile, system: system, environment: environment)
    }

    /// `configured` when set; else `name` in the state directory: the system
    /// service's `$STATE_DIRECTORY` (or /var/lib/podpis), a user's
    /// `$XDG_STATE_HOME/podpis` when absolute (or ~/.local/state/podpis).
    static func statePath(_ name: String, configured: String, system: Bool, environment: [String: String]) -> String {
        if !configured.isEmpty { return configured }
        if system { return (environment["STATE_DIRECTORY"].flatMap { $0.isEmpty ? nil : $0 } ?? "/var/lib/podpis") + "/" + name }
        if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") { return trimmingSlashes(state) + "/podpis/" + name }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return trimmingSlashes(home) + "/.local/state/podpis/" + name
    }
}
