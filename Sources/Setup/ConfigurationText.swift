import DaemonConfiguration
import Foundation
import TOMLKit

/// podpisd.toml as `podpis setup` writes it: the answers set into the
/// existing file's tables (every other key and table kept), written out by
/// TOMLKit in its fixed order (tables and keys sorted), under a header that
/// names the command but no date, so the same answers give the same bytes.
public enum ConfigurationText {
    /// One key the answers decide: `[server] allowed_origins = [...]` is
    /// `Setting(["server"], "allowed_origins", [...])`.
    public struct Setting {
        public let table: [String]
        public let key: String
        public let value: any TOMLValueConvertible

        public init(_ table: [String], _ key: String, _ value: any TOMLValueConvertible) {
            self.table = table
            self.key = key
            self.value = value
        }
    }

    /// What became of the file already there.
    public enum Merge: String, Sendable, Codable {
        /// There was none.
        case new
        /// Its keys and tables were kept (its comments are not: see the backup).
        case merged
        /// It could not be read as TOML: replaced whole (see the backup).
        case replaced
    }

    /// The new text: `existing` (nil: no file) with `settings` set.
    public static func render(existing: String?, settings: [Setting], command: String) -> (text: String, merge: Merge) {
        var merge = Merge.new
        var root = TOMLTable()
        if let existing {
            if let parsed = try? TOMLTable(string: existing) {
                root = parsed
                merge = .merged
            } else {
                merge = .replaced
            }
        }
        for setting in settings {
            table(in: root, at: setting.table)[setting.key] = setting.value
        }
        let header = """
            # podpisd.toml: written by `podpis \(command)` (zapisany przez `podpis \(command)`).
            # Run it again with other answers to change them; keys not asked about are kept.
            # Every key: podpisd --check-config, /usr/share/doc/podpis/deployment.md ("Configuration").

            """
        var body = root.convert(to: .toml, options: [.allowUnicodeStrings])
        if !body.hasSuffix("\n") { body += "\n" }
        return (header + "\n" + body, merge)
    }

    /// The table at `path` under `root`, made when missing (a value that is
    /// not a table in its place is replaced).
    private static func table(in root: TOMLTable, at path: [String]) -> TOMLTable {
        var current = root
        for name in path {
            if let next = current[name]?.table {
                current = next
            } else {
                current[name] = TOMLTable()
                current = current[name]!.table!
            }
        }
        return current
    }

    /// The daemon's own check of `text` (`DaemonConfiguration.load`, as
    /// `podpisd --check-config` does): the errors, each with its line.
    /// Warnings (a module not on this computer) are not errors.
    public static func errors(
        in text: String, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(SetupError) -> [ConfigurationProblem] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("podpis-setup-\(getpid())-\(UUID().uuidString)")
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        } catch {
            throw .writeFailed(directory.path, "\(error)")
        }
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("podpisd.toml").path
        guard FileManager.default.createFile(atPath: file, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw .writeFailed(file, "cannot create")
        }
        return DaemonConfiguration.load(files: [file], environment: environment).problems.filter { $0.severity == .error }
    }
}
