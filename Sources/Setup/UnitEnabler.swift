import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Enables podpisd's unit (never starts it) with Debian's own `systemctl`:
/// `--root=ROOT enable` for the system unit, `--root=ROOT --global enable`
/// for the user unit of every user, `--user enable` for oneself; where no
/// user manager answers, the link its `[Install]` section asks for is made
/// by hand, and the change says so.
public struct UnitEnabler: Sendable {
    public enum Scope: Sendable {
        /// The system unit (a sealing server).
        case system
        /// The user unit, for every user of the machine (a desk, as root).
        case global
        /// The user unit, for the user running setup.
        case user(home: String)
    }

    public static let unitName = "podpisd.service"

    public let root: InstallRoot
    public let scope: Scope
    public let dryRun: Bool

    public init(root: InstallRoot, scope: Scope, dryRun: Bool) {
        self.root = root
        self.scope = scope
        self.dryRun = dryRun
    }

    /// Where the Debian package installs the unit, and where a hand
    /// installation (docs/deployment.md) puts it; the first that exists is used.
    var unitPaths: [String] {
        switch scope {
        case .system: return ["/usr/lib/systemd/system/" + Self.unitName, "/etc/systemd/system/" + Self.unitName]
        case .global: return ["/usr/lib/systemd/user/" + Self.unitName, "/etc/systemd/user/" + Self.unitName]
        case .user(let home):
            return ["/usr/lib/systemd/user/" + Self.unitName, "/etc/systemd/user/" + Self.unitName, home + "/.config/systemd/user/" + Self.unitName]
        }
    }

    /// The installed unit, or `setup-unit-missing`.
    public func unitFile() throws(SetupError) -> String {
        guard let found = unitPaths.first(where: { FileManager.default.fileExists(atPath: root.real($0)) }) else {
            throw .unitMissing(unitPaths[0])
        }
        return found
    }

    private var scopeArguments: [String] {
        switch scope {
        case .system: return ["--root=" + root.path]
        case .global: return ["--root=" + root.path, "--global"]
        case .user: return ["--user"]
        }
    }

    /// The links `[Install] WantedBy=` asks for, for the user scope by hand.
    private func wantedLinks(unit: String) -> [String] {
        guard case .user(let home) = scope else { return [] }
        let text = (try? String(contentsOfFile: root.real(unit), encoding: .utf8)) ?? ""
        var targets: [String] = []
        for line in text.split(separator: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix("WantedBy=") else { continue }
            targets += trimmed.dropFirst("WantedBy=".count).split(separator: " ").map(String.init)
        }
        if targets.isEmpty { targets = ["default.target"] }
        return targets.map { home + "/.config/systemd/user/\($0).wants/" + Self.unitName }
    }

    public func enable() throws(SetupError) -> Change {
        let unit = try unitFile()
        let links = wantedLinks(unit: unit)
        let already: Bool
        if case .user = scope {
            already = !links.isEmpty && links.allSatisfy { FileManager.default.fileExists(atPath: $0) || (try? FileManager.default.destinationOfSymbolicLink(atPath: $0)) != nil }
        } else {
            let state = SystemCommand.run("systemctl", scopeArguments + ["is-enabled", Self.unitName])
            already = state.output.split(separator: "\n").last.map(String.init) == "enabled"
        }
        if already { return Change(kind: "unit", path: Self.unitName, state: "already-enabled") }
        if dryRun { return Change(kind: "unit", path: Self.unitName, state: "would-enable") }
        let arguments = scopeArguments + ["enable", Self.unitName]
        let result = SystemCommand.run("systemctl", arguments)
        if result.status == 0 {
            return Change(kind: "unit", path: Self.unitName, state: "enabled", note: "systemctl " + arguments.joined(separator: " "))
        }
        guard case .user = scope else { throw .enableFailed("systemctl " + arguments.joined(separator: " "), result.output) }
        // No user manager to ask (a login over ssh, a container): the same link by hand.
        for link in links {
            do {
                try FileManager.default.createDirectory(
                    atPath: (link as NSString).deletingLastPathComponent, withIntermediateDirectories: true, attributes: nil)
                if (try? FileManager.default.destinationOfSymbolicLink(atPath: link)) == nil {
                    try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: unit)
                }
            } catch {
                throw .enableFailed("ln -s \(unit) \(link)", "\(error)")
            }
        }
        return Change(kind: "unit", path: Self.unitName, state: "enabled", note: messages.text("unit-linked-by-hand", ["link": links.joined(separator: ", ")]).description)
    }
}
