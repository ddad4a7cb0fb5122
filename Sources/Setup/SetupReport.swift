import Doctor
import Foundation
import Localization

/// What `podpis setup` did and what is left to IT: printed as text, or as
/// JSON (`podpis.setup/1`, docs/cli-json.md).
public struct SetupReport: Sendable, Codable {
    public var schema = "podpis.setup/1"
    /// `desk` or `sealing-server`.
    public var command: String
    public var root: String
    public var dryRun: Bool
    /// The configuration file written (without the root).
    public var configuration: String
    /// What became of a podpisd.toml already there: new, merged, replaced.
    public var merge: ConfigurationText.Merge
    public var changes: [Change] = []
    public var left: [Left] = []
    /// The doctor's findings once the setup was done (nil in a dry run).
    public var doctor: DoctorSummary?
    /// `--test-login`: the token logged in to and out of once (nil: not asked).
    public var testLogin: TestLogin?

    public struct TestLogin: Sendable, Codable, Equatable {
        /// The token's serial number.
        public let token: String
        /// `ok`: C_Login and C_Logout succeeded (a failure stops the setup with its code).
        public let state: String
        /// The CKR name when the token refused C_Logout after a good login
        /// (closing the session ends the login then).
        public var logoutError: String?

        public init(token: String, state: String, logoutError: String? = nil) {
            self.token = token
            self.state = state
            self.logoutError = logoutError
        }
    }

    /// Whether any file, directory or unit changed (or would, in a dry run).
    public var changed: Bool { changes.contains { $0.changes } }

    /// One thing IT still has to do.
    public struct Left: Sendable, Codable, Equatable {
        /// Stable: `insert-card`, `relogin`, `browser-policy`, `seal-pin-credential`, `start-service`, `podpis-user`, `doctor-problems`.
        public let code: String
        public let message: ClerkText
    }

    public struct DoctorSummary: Sendable, Codable {
        /// ok, warning or problem: the worst finding.
        public let outcome: String
        public let problems: Int
        public let warnings: Int
        /// Every finding's code, outcome and place (as `podpis doctor --json` places them).
        public let findings: [DoctorFinding]
    }

    public struct DoctorFinding: Sendable, Codable, Equatable {
        public let code: String
        public let outcome: String
        public let place: String
        public let details: [String: String]
    }

    private enum CodingKeys: String, CodingKey {
        case schema, command, root, dryRun, configuration, merge, changes, left, doctor, changed, testLogin
    }

    public init(command: String, root: String, dryRun: Bool, configuration: String, merge: ConfigurationText.Merge) {
        self.command = command
        self.root = root
        self.dryRun = dryRun
        self.configuration = configuration
        self.merge = merge
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        schema = try c.decode(String.self, forKey: .schema)
        command = try c.decode(String.self, forKey: .command)
        root = try c.decode(String.self, forKey: .root)
        dryRun = try c.decode(Bool.self, forKey: .dryRun)
        configuration = try c.decode(String.self, forKey: .configuration)
        merge = try c.decode(ConfigurationText.Merge.self, forKey: .merge)
        changes = try c.decode([Change].self, forKey: .changes)
        left = try c.decode([Left].self, forKey: .left)
        doctor = try c.decodeIfPresent(DoctorSummary.self, forKey: .doctor)
        testLogin = try c.decodeIfPresent(TestLogin.self, forKey: .testLogin)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(schema, forKey: .schema)
        try c.encode(command, forKey: .command)
        try c.encode(root, forKey: .root)
        try c.encode(dryRun, forKey: .dryRun)
        try c.encode(configuration, forKey: .configuration)
        try c.encode(merge, forKey: .merge)
        try c.encode(changes, forKey: .changes)
        try c.encode(changed, forKey: .changed)
        try c.encode(left, forKey: .left)
        try c.encodeIfPresent(doctor, forKey: .doctor)
        try c.encodeIfPresent(testLogin, forKey: .testLogin)
    }

    mutating func leave(_ code: String, _ message: ClerkText) {
        if !left.contains(where: { $0.code == code }) { left.append(Left(code: code, message: message)) }
    }

    mutating func add(doctor report: Report) {
        let findings = report.located.map {
            DoctorFinding(code: $0.finding.code, outcome: $0.finding.outcome.rawValue, place: $0.place, details: $0.finding.details)
        }
        doctor = DoctorSummary(
            outcome: report.outcome.rawValue, problems: report.problemCount, warnings: report.warningCount, findings: findings)
        if report.problemCount > 0 || report.warningCount > 0 {
            leave("doctor-problems", messages.text("left.doctor-problems", ["problems": report.problemCount, "warnings": report.warningCount]))
        }
    }

    /// The readable summary, in `language`.
    public func text(in language: Language) -> String {
        var lines: [String] = []
        let done = dryRun ? messages.text("summary.would-do") : messages.text("summary.done")
        lines.append(done.text(in: language))
        for change in changes {
            var line = "  " + (change.changes ? "* " : "= ") + change.path + ": " + stateText(change.state).text(in: language)
            if let backup = change.backup { line += " " + messages.text("summary.backup", ["backup": backup]).text(in: language) }
            if let note = change.note { line += " (" + note + ")" }
            lines.append(line)
        }
        if merge == .merged, changes.contains(where: { $0.kind == "config" && $0.backup != nil }) {
            lines.append("  " + messages.text("summary.merged").text(in: language))
        } else if merge == .replaced {
            lines.append("  " + messages.text("summary.replaced").text(in: language))
        }
        if !changed {
            lines.append(messages.text("summary.nothing-changed").text(in: language))
        }
        if let doctor {
            lines.append(messages.text("summary.doctor", ["outcome": doctor.outcome, "problems": doctor.problems, "warnings": doctor.warnings]).text(in: language))
            for finding in doctor.findings where finding.code.hasPrefix("browser-lna") {
                lines.append("  \(finding.outcome): \(finding.code) \(finding.details["origin"] ?? "") \(finding.details["browser"] ?? "")")
            }
        }
        if let testLogin {
            lines.append(messages.text("summary.test-login", ["token": testLogin.token]).text(in: language))
        }
        if !left.isEmpty {
            lines.append(messages.text("summary.left").text(in: language))
            for item in left { lines.append("  - " + item.message.text(in: language) + " [\(item.code)]") }
        }
        return lines.joined(separator: "\n")
    }

    private func stateText(_ state: String) -> ClerkText {
        switch state {
        case "written": return messages.text("state.written")
        case "unchanged": return messages.text("state.unchanged")
        case "would-write": return messages.text("state.would-write")
        case "enabled": return messages.text("state.enabled")
        case "already-enabled": return messages.text("state.already-enabled")
        case "would-enable": return messages.text("state.would-enable")
        case "created": return messages.text("state.created")
        case "exists": return messages.text("state.exists")
        default: return messages.text("state.would-create")
        }
    }
}
