/// Where table headers and keys sit in a TOML text. TOMLKit's values carry
/// no source positions, so problems found in values get their line from
/// here: a scan of the lines for `[table]` headers and `key =` at the start
/// of a line (bare, quoted or dotted keys), outside multi-line strings.
struct KeyLineIndex {
    private let lines: [String]
    /// Full dotted paths (header path + key path) and their 1-based lines,
    /// first occurrence only.
    private var entries: [[String]: Int] = [:]
    private var entryLines: [Int] = []

    init(text: String) {
        lines = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false)
            .map { String(String.UnicodeScalarView($0)) }
        var table: [String] = []
        var inMultilineString = false
        for (offset, line) in lines.enumerated() {
            let body = line.drop(while: { $0 == " " || $0 == "\t" })
            let delimiters = body.ranges(of: "\"\"\"").count + body.ranges(of: "'''").count
            defer { if delimiters % 2 == 1 { inMultilineString.toggle() } }
            guard !inMultilineString, !body.isEmpty, body.first != "#" else { continue }
            // A dotted key also places its own prefixes (`a.b = 1` defines table `a`).
            let paths: [[String]]
            if body.first == "[" {
                guard let (header, rest) = Self.keyPath(body.drop(while: { $0 == "[" })), rest.first == "]" else { continue }
                table = header
                paths = [header]
            } else {
                guard let (key, rest) = Self.keyPath(body), rest.first == "=" else { continue }
                paths = (1...key.count).map { table + key.prefix($0) }
            }
            for path in paths where entries[path] == nil { entries[path] = offset + 1 }
            entryLines.append(offset + 1)
        }
    }

    /// The line of `path` (e.g. `["server", "port"]`), or of its longest
    /// prefix found (an inline table, a table header).
    func line(of path: [String]) -> Int? {
        for length in stride(from: path.count, through: 1, by: -1) {
            if let line = entries[Array(path.prefix(length))] { return line }
        }
        return nil
    }

    /// The line of a string element of the array at `path`: the first line of
    /// that value holding the element in quotes, else the key's line.
    func line(ofElement element: String, in path: [String]) -> Int? {
        guard let start = line(of: path) else { return nil }
        let end = entryLines.first(where: { $0 > start }) ?? lines.count + 1
        for number in start..<end where lines[number - 1].contains("\"\(element)\"") || lines[number - 1].contains("'\(element)'") {
            return number
        }
        return start
    }

    /// A dotted key at the start of `text` (bare, "basic" or 'literal'
    /// segments) and what follows it, blanks skipped.
    private static func keyPath(_ text: Substring) -> ([String], Substring)? {
        var rest = text
        var path: [String] = []
        while true {
            rest = rest.drop(while: { $0 == " " || $0 == "\t" })
            guard let first = rest.first else { return nil }
            if first == "\"" || first == "'" {
                let body = rest.dropFirst()
                guard let close = body.firstIndex(of: first) else { return nil }
                path.append(String(body[..<close]))
                rest = body[body.index(after: close)...]
            } else {
                let segment = rest.prefix(while: { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" })
                guard !segment.isEmpty else { return nil }
                path.append(String(segment))
                rest = rest.dropFirst(segment.count)
            }
            rest = rest.drop(while: { $0 == " " || $0 == "\t" })
            guard rest.first == "." else { return (path, rest) }
            rest = rest.dropFirst()
        }
    }
}
