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
                findings.append(.problem(
                    Self.name, "config-file-missing",
                    found: ClerkText(pl: "Nie ma pliku konfiguracji \(file).", en: "Configuration file \(file) does not exist."),
                    why: ClerkText(
                        pl: "Sprawdzono ustawienia domyślne zamiast tych, o które chodziło.",
                        en: "The defaults were checked instead of the settings meant."),
                    fix: ClerkText(
                        pl: "Podaj właściwą ścieżkę (zwykle /etc/podpis/podpisd.toml lub ~/.config/podpis/podpisd.toml).",
                        en: "Give the right path (usually /etc/podpis/podpisd.toml or ~/.config/podpis/podpisd.toml)."),
                    details: ["file": file]))
            }
        }
        for problem in problems where problem.code != "module-missing" {
            var location = problem.file
            if let line = problem.line { location += ":\(line)" }
            let key = problem.key.isEmpty ? "" : " \(problem.key):"
            let details = ["file": problem.file, "line": problem.line.map(String.init) ?? "", "key": problem.key, "configurationCode": problem.code]
            let found = ClerkText(pl: "\(location):\(key) \(problem.message.pl) [\(problem.code)]", en: "\(location):\(key) \(problem.message.en) [\(problem.code)]")
            let fix = ClerkText(
                pl: "Popraw plik \(problem.file)\(problem.line.map { " w wierszu \($0)" } ?? ""); sprawdź go potem: podpisd --config \(problem.file) --check-config.",
                en: "Correct \(problem.file)\(problem.line.map { " at line \($0)" } ?? ""); then check it: podpisd --config \(problem.file) --check-config.")
            if problem.severity == .error {
                findings.append(.problem(
                    Self.name, "config-invalid", found: found,
                    why: ClerkText(
                        pl: "podpisd pomija błędną wartość i działa z domyślną, więc nie tak, jak zamierzono.",
                        en: "podpisd ignores a wrong value and runs with the default, so not as intended."),
                    fix: fix, details: details))
            } else {
                findings.append(.warning(
                    Self.name, "config-warning", found: found,
                    why: ClerkText(pl: "Ta wartość może jeszcze nie działać.", en: "This value may not work yet."),
                    fix: fix, details: details))
            }
        }
        if findings.isEmpty {
            findings.append(.ok(
                Self.name, "config-valid",
                existing.isEmpty
                    ? ClerkText(
                        pl: "Brak pliku konfiguracji (\(files.joined(separator: ", "))): obowiązują ustawienia domyślne.",
                        en: "No configuration file (\(files.joined(separator: ", "))): the defaults apply.")
                    : ClerkText(pl: "Konfiguracja poprawna: \(existing.joined(separator: ", ")).", en: "Configuration valid: \(existing.joined(separator: ", "))."),
                details: ["files": existing.joined(separator: " ")]))
        }
        return (findings, configuration)
    }
}
