/// One thing `podpis setup` did or found already done: a file written or
/// unchanged, a unit enabled, a directory made. In `--json` as is
/// (docs/cli-json.md, podpis.setup/1).
public struct Change: Sendable, Codable, Equatable {
    /// `config`, `browser-policy`, `drop-in`, `unit`, `directory`.
    public let kind: String
    /// The path on the installed system (without `--root`), or the unit's name.
    public let path: String
    /// `written`, `unchanged`, `would-write`; `enabled`, `already-enabled`,
    /// `would-enable`; `created`, `exists`, `would-create`.
    public let state: String
    /// The copy of the file that was replaced (`NAME.bak-YYYYmmdd-HHMMSS`), without `--root`.
    public var backup: String?
    /// A note for IT (the browser, how a unit was enabled).
    public var note: String?

    /// Whether this changed something on disk (or would, in a dry run).
    public var changes: Bool { !["unchanged", "already-enabled", "exists"].contains(state) }

    public init(kind: String, path: String, state: String, backup: String? = nil, note: String? = nil) {
        self.kind = kind
        self.path = path
        self.state = state
        self.backup = backup
        self.note = note
    }
}
