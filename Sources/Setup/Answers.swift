import Foundation
import TOMLKit

/// An answers file (`--answers FILE`, TOML): one key per question, for
/// rolling the same setup out to many computers. Unknown keys are refused
/// (a typo would otherwise fall back to a default unseen).
public struct AnswersFile {
    let file: String
    let table: TOMLTable

    public init(file: String, known: Set<String>) throws(SetupError) {
        self.file = file
        let text: String
        do {
            text = try String(contentsOfFile: file, encoding: .utf8)
        } catch {
            throw .answersUnreadable(file, "\(error.localizedDescription)")
        }
        do {
            table = try TOMLTable(string: text)
        } catch {
            throw .answersUnreadable(file, "\(error)")
        }
        for key in table.keys where !known.contains(key) {
            throw .answersUnreadable(file, "unknown key \(key) (known: \(known.sorted().joined(separator: ", ")))")
        }
    }

    public func string(_ key: String) throws(SetupError) -> String? {
        guard let value = table[key] else { return nil }
        guard let string = value.string else { throw .answersUnreadable(file, "\(key) must be a string") }
        return string
    }

    /// A list of strings, or one string of comma-separated items.
    public func strings(_ key: String) throws(SetupError) -> [String]? {
        guard let value = table[key] else { return nil }
        if let string = value.string { return AnswerText.list(string) }
        guard let array = value.array else { throw .answersUnreadable(file, "\(key) must be a list of strings") }
        var strings: [String] = []
        for element in array {
            guard let string = element.string else { throw .answersUnreadable(file, "\(key) must be a list of strings") }
            strings.append(string.trimmingCharacters(in: .whitespaces))
        }
        return strings.filter { !$0.isEmpty }
    }

    public func bool(_ key: String) throws(SetupError) -> Bool? {
        guard let value = table[key] else { return nil }
        guard let bool = value.bool else { throw .answersUnreadable(file, "\(key) must be true or false") }
        return bool
    }

    public func int(_ key: String) throws(SetupError) -> Int? {
        guard let value = table[key] else { return nil }
        guard let int = value.int else { throw .answersUnreadable(file, "\(key) must be a number") }
        return int
    }
}

/// Reading the answers typed at the terminal.
enum AnswerText {
    /// "a, b,,c" → ["a", "b", "c"]; "" and "-" → [].
    static func list(_ text: String) -> [String] {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed == "-" { return [] }
        return trimmed.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// yes/no in Polish or English; nil for anything else.
    static func yesNo(_ text: String) -> Bool? {
        switch text.trimmingCharacters(in: .whitespaces).lowercased() {
        case "y", "yes", "t", "tak", "true": return true
        case "n", "no", "nie", "false": return false
        default: return nil
        }
    }
}

/// Asks the questions no file or flag answered, on the terminal: the
/// question, the default in brackets, `]: `; Enter takes the default.
public struct Prompter: Sendable {
    /// Whether questions may be asked (standard input is a terminal).
    public let interactive: Bool

    public init(interactive: Bool) {
        self.interactive = interactive
    }

    public static var standardInputIsTerminal: Bool { isatty(0) == 1 }

    func ask(_ question: String, default answer: String) throws(SetupError) -> String {
        guard interactive else { throw .noTerminal() }
        FileHandle.standardOutput.write(Data((question + " [" + answer + "]: ").utf8))
        guard let line = readLine(strippingNewline: true) else { throw .noAnswer() }
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        return trimmed.isEmpty ? answer : trimmed
    }
}
