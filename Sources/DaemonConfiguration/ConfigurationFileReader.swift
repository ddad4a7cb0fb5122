import Localization
import TOMLKit

/// Applies one parsed configuration file onto the configuration so far, key
/// by key: a valid value replaces the earlier one, an invalid one leaves it
/// and becomes a problem with its line.
struct ConfigurationFileReader {
    let file: String
    let index: KeyLineIndex
    /// `$HOME`, for `~/` in paths.
    let home: String?
    private(set) var problems: [ConfigurationProblem] = []

    init(file: String, text: String, home: String?) {
        self.file = file
        self.index = KeyLineIndex(text: text)
        self.home = home
    }

    mutating func apply(_ root: TOMLTable, to configuration: inout DaemonConfiguration) {
        for name in root.keys {
            guard let value = root[name] else { continue }
            switch name {
            case "server": if let table = table(value, name) { apply(server: table, to: &configuration.server) }
            case "pkcs11": if let table = table(value, name) { apply(pkcs11: table, to: &configuration.pkcs11) }
            case "timestamp": if let table = table(value, name) { apply(timestamp: table, to: &configuration.timestamp) }
            case "defaults": if let table = table(value, name) { apply(defaults: table, to: &configuration.defaults) }
            case "limits": if let table = table(value, name) { apply(limits: table, to: &configuration.limits) }
            case "verification": if let table = table(value, name) { apply(verification: table, to: &configuration.verification) }
            case "policy": apply(policies: value, to: &configuration)
            case "seal": if let table = table(value, name) { apply(seals: table, to: &configuration) }
            default: unknownRootKey(name, isTable: value.type == .table)
            }
        }
    }

    // MARK: Problems

    mutating func report(
        _ path: [String], _ code: String, _ message: ClerkText,
        severity: ConfigurationProblem.Severity = .error, suggestion: String? = nil, element: String? = nil
    ) {
        let line = element.map { index.line(ofElement: $0, in: path) } ?? index.line(of: path)
        problems.append(ConfigurationProblem(
            file: file, line: line, key: path.joined(separator: "."), code: code, message: message,
            severity: severity, suggestion: suggestion))
    }

    mutating func unknownKey(_ key: String, in table: String) {
        let suggestion = NameSuggestion.closest(to: key, among: ConfigurationSchema.keys(of: table))
        report([table, key], "unknown-key", ProblemMessages.unknownKey(key, in: table, suggestion: suggestion),
            suggestion: suggestion)
    }

    private mutating func unknownRootKey(_ name: String, isTable: Bool) {
        if !isTable, let table = ConfigurationSchema.table(holding: name) {
            report([name], "unknown-key", messages.text("key-outside-table", ["key": name, "table": table]),
                suggestion: "\(table).\(name)")
            return
        }
        let suggestion = NameSuggestion.closest(to: name, among: ConfigurationSchema.tableNames)
        report([name], "unknown-key", ProblemMessages.unknownTable(name, suggestion: suggestion), suggestion: suggestion)
    }

    // MARK: Values

    private mutating func wrongType(_ path: [String], _ expected: ValueKind, _ value: TOMLValueConvertible, hint: ClerkText? = nil) {
        report(path, "wrong-type", ProblemMessages.wrongType(expected: expected, found: value.type, hint: hint))
    }

    private mutating func table(_ value: TOMLValueConvertible, _ name: String) -> TOMLTable? {
        guard let table = value.table else {
            wrongType([name], .table, value)
            return nil
        }
        return table
    }

    mutating func integer(_ value: TOMLValueConvertible, _ path: [String], in range: ClosedRange<Int>, unit: String = "") -> Int? {
        guard let number = value.int else {
            wrongType(path, .integer, value)
            return nil
        }
        guard range.contains(number) else {
            report(path, "out-of-range", ProblemMessages.outOfRange(String(number), "\(range.lowerBound)–\(range.upperBound)", unit: unit))
            return nil
        }
        return number
    }

    /// An integer count of MiB, in bytes.
    mutating func mebibytes(_ value: TOMLValueConvertible, _ path: [String], in range: ClosedRange<Int>) -> Int? {
        integer(value, path, in: range, unit: "MiB").map { $0 * DaemonConfiguration.mebibyte }
    }

    /// Seconds, integer or not.
    mutating func seconds(_ value: TOMLValueConvertible, _ path: [String], in range: ClosedRange<Double>) -> Double? {
        guard let number = value.double ?? value.int.map(Double.init) else {
            wrongType(path, .seconds, value)
            return nil
        }
        guard range.contains(number) else {
            report(path, "out-of-range", ProblemMessages.outOfRange(
                Self.format(number), "\(Self.format(range.lowerBound))–\(Self.format(range.upperBound))", unit: "s"))
            return nil
        }
        return number
    }

    mutating func boolean(_ value: TOMLValueConvertible, _ path: [String]) -> Bool? {
        guard let flag = value.bool else {
            wrongType(path, .boolean, value)
            return nil
        }
        return flag
    }

    mutating func string(_ value: TOMLValueConvertible, _ path: [String], hint: ClerkText? = nil) -> String? {
        guard let text = value.string else {
            wrongType(path, .string, value, hint: hint)
            return nil
        }
        return text
    }

    mutating func strings(_ value: TOMLValueConvertible, _ path: [String]) -> [String]? {
        guard let array = value.array else {
            wrongType(path, .stringList, value)
            return nil
        }
        var texts: [String] = []
        for element in array {
            guard let text = element.string else {
                report(path, "wrong-type", ProblemMessages.wrongElementType(found: element.type))
                return nil
            }
            texts.append(text)
        }
        return texts
    }

    /// One of an enum's raw values, matched ignoring case.
    mutating func choice<Choice: RawRepresentable & CaseIterable>(_ value: TOMLValueConvertible, _ path: [String]) -> Choice?
    where Choice.RawValue == String {
        guard let text = string(value, path) else { return nil }
        let known = Choice.allCases.map(\.rawValue)
        if let match = Choice.allCases.first(where: { $0.rawValue.lowercased() == text.lowercased() }) { return match }
        let suggestion = NameSuggestion.closest(to: text, among: known)
        report(path, "unknown-value", ProblemMessages.unknownValue(text, known: known, suggestion: suggestion),
            suggestion: suggestion)
        return nil
    }

    /// `~` and `~/…` expanded with `$HOME`; other paths as written.
    func expandingHome(_ path: String) -> String {
        guard let home, !home.isEmpty, path == "~" || path.hasPrefix("~/") else { return path }
        return home + path.dropFirst()
    }

    private static func format(_ number: Double) -> String {
        number == number.rounded() && abs(number) < 1e15 ? String(Int(number)) : String(number)
    }
}
