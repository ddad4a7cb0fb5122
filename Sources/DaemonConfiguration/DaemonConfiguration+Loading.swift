import Foundation
import Localization
import TOMLKit

extension DaemonConfiguration {
    /// Reads `files` in order, each overriding the earlier ones key by key.
    ///
    /// Missing files are skipped silently. Every problem is returned, each
    /// with its file and (when known) line, problems of one file in line
    /// order: a file with a syntax error or that cannot be read is ignored
    /// as a whole; a value with an error leaves the earlier value (or the
    /// default) in force; a `module-missing` warning keeps the module.
    ///
    /// - Parameter environment: `HOME`, for `~/` in `server.socket` and
    ///   `pkcs11.modules`.
    public static func load(
        files: [String],
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> (configuration: DaemonConfiguration, problems: [ConfigurationProblem]) {
        var configuration = DaemonConfiguration()
        var problems: [ConfigurationProblem] = []
        for file in files {
            problems += apply(file: file, to: &configuration, home: environment["HOME"])
        }
        return (configuration, problems)
    }

    /// The problems of one file, after applying what is valid in it.
    private static func apply(file: String, to configuration: inout DaemonConfiguration, home: String?) -> [ConfigurationProblem] {
        let bytes: [UInt8]
        switch FileSystem.contents(of: file) {
        case .missing:
            return []
        case .failed(let reason):
            return [ConfigurationProblem(file: file, line: nil, key: "", code: "unreadable", message: messages.text("unreadable", ["reason": reason]))]
        case .contents(let contents):
            bytes = contents
        }
        // TOMLKit hands the text to C: a NUL would end it early, silently.
        let text = String(decoding: bytes, as: UTF8.self)
        guard text.utf8.elementsEqual(bytes), !bytes.contains(0) else {
            let line = firstLineNotText(bytes)
            return [ConfigurationProblem(file: file, line: line, key: "", code: "toml-syntax", message: messages.text("not-text", ["line": line]))]
        }
        if let line = TOMLHeaderCheck.firstHeaderWithoutKey(in: text) {  // toml++ would abort on it
            return [ConfigurationProblem(file: file, line: line, key: "", code: "toml-syntax", message: messages.text("syntax", ["line": line, "column": 1, "detail": "a table header must start with a key"]))]
        }
        let root: TOMLTable
        do {
            root = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            let begin = error.source.begin
            return [ConfigurationProblem(
                file: file, line: begin.line, key: "", code: "toml-syntax",
                message: messages.text("syntax", ["line": begin.line, "column": begin.column, "detail": error.description]))]
        } catch {
            return [ConfigurationProblem(
                file: file, line: nil, key: "", code: "toml-syntax",
                message: messages.text("syntax", ["line": 0, "column": 0, "detail": String(describing: error)]))]
        }
        var reader = ConfigurationFileReader(file: file, text: text, home: home)
        reader.apply(root, to: &configuration)
        return reader.problems.enumerated()
            .sorted { ($0.element.line ?? .max, $0.offset) < ($1.element.line ?? .max, $1.offset) }
            .map(\.element)
    }

    /// The 1-based line of the first NUL byte or invalid UTF-8 sequence.
    private static func firstLineNotText(_ bytes: [UInt8]) -> Int {
        var line = 1
        var start = 0
        for (offset, byte) in bytes.enumerated() where byte == 0x0A || offset == bytes.count - 1 {
            let end = byte == 0x0A ? offset : offset + 1
            let slice = bytes[start..<end]
            if slice.contains(0) || !String(decoding: slice, as: UTF8.self).utf8.elementsEqual(slice) { return line }
            line += 1
            start = offset + 1
        }
        return line
    }
}
