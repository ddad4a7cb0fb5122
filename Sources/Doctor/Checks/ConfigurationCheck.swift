import DaemonConfiguration
import Foundation
import Localization

/// podpisd.toml: every error and warning podpisd's own loader finds, with
/// file and line. A missing module file is left to the module checks, which
/// say more about it.
struct ConfigurationCheck {
    static let name = "configuration"
    let files: [String]
    let environment: [String: String]
    /// The files were named by the user (`--config`): a missing one is a problem.
    var explicit = false

    func run() -> (findings: [Finding], configuration: DaemonConfiguration) {
        let (configuration, problems) = DaemonConfiguration.load(files: files, environment: environment)
        let existing = files.filter { FileManager.default.fileExists(atPath: $0) }
        var findings: [Finding] = []
        if explicit {
            for file in files where !FileManager.default.fileExists(atPath: file) {
                findings.append(.problem(Self.name, messages.finding("config-file-missing", ["file": file]), details: ["file": file]))
            }
        }
        for problem in problems where problem.code != "module-missing" {
            var location = problem.file
            if let line = problem.line { location += ":\(line)" }
            let key = problem.key.isEmpty ? "" : " \(problem.key):"
            let details = ["file": problem.file, "line": problem.line.map(String.init) ?? "", "key": problem.key, "configurationCode": problem.code]
            let found = messages.text("config-problem.found", ["location": location, "key": key, "reason": problem.message, "code": problem.code])
            let atLine = problem.line.map { messages.text("config-problem.at-line", ["line": $0]) } ?? ClerkText(verbatim: "")
            let fix = messages.text("config-problem.fix", ["file": problem.file, "atLine": atLine])
            if problem.severity == .error {
                findings.append(.problem(
                    Self.name, "config-invalid", found: found,
                    why: messages.text("config-invalid.why"),
                    fix: fix, details: details))
            } else {
                findings.append(.warning(
                    Self.name, "config-warning", found: found,
                    why: messages.text("config-warning.why"),
                    fix: fix, details: details))
            }
        }
        if findings.isEmpty {
            findings.append(.ok(
                Self.name, "config-valid",
                existing.isEmpty
                    ? messages.text("config-valid.no-file", ["files": files.joined(separator: ", ")])
                    : messages.text("config-valid.found", ["files": existing.joined(separator: ", ")]),
                details: ["files": existing.joined(separator: " ")]))
        }
        return (findings, configuration)
    }
}
