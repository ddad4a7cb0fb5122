/// `podpisd.toml(5)` and the installed default file, both generated from
/// ``DaemonConfiguration/documentedExample`` (whose keys
/// `ConfigurationSchema` lists): not hand-kept copies.
extension DaemonConfiguration {
    /// The documented example with every setting commented out: the Debian
    /// package's `/etc/podpis/podpisd.toml` (a conffile). Parsing it gives
    /// `DaemonConfiguration()`; uncommenting a line changes that one setting.
    public static let commentedOutExample: String = {
        var lines = [
            "# podpisd.toml: every setting at its default, commented out (man podpisd.toml).",
            "# Uncomment and change what this computer needs; check with: podpisd --check-config",
            "# (a sealing server: podpisd --system --check-config). `podpis setup desk` or",
            "# `podpis setup sealing-server` writes this file for you and keeps this one as a backup.",
        ]
        for line in documentedExample.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.isEmpty || line.hasPrefix("#") {
                lines.append(String(line))
            } else {
                lines.append("#" + line)
            }
        }
        while lines.last == "" { lines.removeLast() }
        return lines.joined(separator: "\n") + "\n"
    }()

    /// One line of the documented example, read as the manual needs it.
    struct ExampleLine: Equatable {
        enum Kind: Equatable {
            /// `[server]`, `[[policy]]`, `[seal.NAME]`.
            case table(String)
            /// `key = value` with what follows `#`.
            case key(name: String, value: String, comment: String)
            /// A comment on a line of its own.
            case comment(String)
        }
        let kind: Kind
        /// The line was commented out in the example (a table with no default entry).
        let commentedOut: Bool

        init?(_ raw: Substring) {
            var text = raw.trimmingWhitespace()
            guard !text.isEmpty else { return nil }
            var commentedOut = false
            if text.hasPrefix("#") {
                let rest = text.dropFirst().trimmingWhitespace()
                // "# [[policy]]  # …" and "# key = value  # …": a commented-out setting.
                if rest.hasPrefix("[") || Self.splitComment(rest).code.contains(" = ") {
                    text = rest
                    commentedOut = true
                } else {
                    kind = .comment(String(rest))
                    self.commentedOut = false
                    return
                }
            }
            let (code, comment) = Self.splitComment(text)
            if code.hasPrefix("[") {
                kind = .table(String(code))
            } else if let equals = code.firstIndex(of: "=") {
                kind = .key(
                    name: String(code[..<equals].trimmingWhitespace()),
                    value: String(code[code.index(after: equals)...].trimmingWhitespace()),
                    comment: String(comment))
            } else {
                kind = .comment(String(text))
            }
            self.commentedOut = commentedOut
        }

        /// TOML code and the comment after it: the first `#` outside a string.
        static func splitComment(_ text: Substring) -> (code: Substring, comment: Substring) {
            var inString = false
            var escaped = false
            for index in text.indices {
                let character = text[index]
                if inString {
                    if escaped { escaped = false } else if character == "\\" { escaped = true } else if character == "\"" { inString = false }
                } else if character == "\"" {
                    inString = true
                } else if character == "#" {
                    return (text[..<index].trimmingWhitespace(), text[text.index(after: index)...].trimmingWhitespace())
                }
            }
            return (text.trimmingWhitespace(), "")
        }
    }

    /// `podpisd.toml(5)` in mdoc, every table and key of the documented
    /// example with its default and its comment.
    public static func manualPage(version: String, date: String) -> String {
        var out: [String] = [
            ".Dd \(date)",
            ".Dt PODPISD.TOML 5",
            ".Os Podpis \(version)",
            ".Sh NAME",
            ".Nm podpisd.toml",
            ".Nd configuration of podpisd, the Podpis signing daemon",
            ".Sh SYNOPSIS",
            ".Pa /etc/podpis/podpisd.toml",
            ".Pp",
            ".Pa ~/.config/podpis/podpisd.toml",
            ".Sh DESCRIPTION",
            "A TOML file.",
            "A user daemon reads",
            ".Pa /etc/podpis/podpisd.toml ,",
            "then",
            ".Pa ~/.config/podpis/podpisd.toml",
            "(or",
            ".Pa $XDG_CONFIG_HOME/podpis/podpisd.toml ) ,",
            "each key of the second overriding the same key of the first;",
            ".Nm podpisd Fl -system",
            "reads only",
            ".Pa /etc/podpis/podpisd.toml .",
            ".Fl -config Ar FILE",
            "or the environment variable",
            ".Ev PODPIS_CONFIG",
            "names the only file read.",
            "A key that is absent keeps the default shown below.",
            "Unknown tables and keys are reported with their line and a suggestion;",
            ".Nm podpisd Fl -check-config",
            "prints every problem and exits 1 on an error.",
            ".Pp",
            "Below, each key with its default value.",
            "Tables shown as",
            ".Li [[policy]]",
            "and",
            ".Li [seal.NAME]",
            "have no default entry: the lines under them are an example.",
        ]
        var openList = false
        func closeList() {
            if openList { out.append(".El"); openList = false }
        }
        var sawFirstTable = false
        for raw in documentedExample.split(separator: "\n") {
            guard let line = ExampleLine(raw) else { continue }
            switch line.kind {
            case .table(let name):
                closeList()
                if !sawFirstTable { out.append(".Sh TABLES"); sawFirstTable = true }
                out.append(".Ss " + escape(name))
            case .key(let name, let value, let comment):
                if !openList { out.append(".Bl -tag -width Ds"); openList = true }
                out.append(".It Cm \(escape(name)) No = Li \(escapeMacroArgument(value))")
                if !comment.isEmpty { out.append(escapeText(comment)) }
            case .comment(let text):
                // The file's first line (where it lives) is in SYNOPSIS already.
                guard sawFirstTable else { continue }
                if openList { out.append(".Pp") }
                out.append(escapeText(text))
            }
        }
        closeList()
        out += [
            ".Sh FILES",
            ".Bl -tag -width Ds",
            ".It Pa /etc/podpis/podpisd.toml",
            "The system file; installed with every setting commented out.",
            ".It Pa /usr/share/doc/podpis/deployment.md",
            "How to set up a clerk's desk and a sealing server, with each setting explained.",
            ".El",
            ".Sh SEE ALSO",
            ".Xr podpis 1 ,",
            ".Xr podpis.setup 1 ,",
            ".Xr podpisd 8",
        ]
        return out.joined(separator: "\n") + "\n"
    }

    /// A word given to a macro: quoted, with roff's escape character doubled.
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\e")
    }

    /// A value after `Li`: one quoted argument, so spaces and mdoc's
    /// punctuation stay as they are.
    static func escapeMacroArgument(_ text: String) -> String {
        let escaped = escape(text).replacingOccurrences(of: "\"", with: "\\(dq")
        return "\"\(escaped)\""
    }

    /// A text line: never read as a request (a leading `.` or `'`).
    static func escapeText(_ text: String) -> String {
        let escaped = escape(text)
        if escaped.hasPrefix(".") || escaped.hasPrefix("'") { return "\\&" + escaped }
        return escaped
    }
}

extension Substring {
    fileprivate func trimmingWhitespace() -> Substring {
        var text = self
        while let first = text.first, first == " " || first == "\t" { text = text.dropFirst() }
        while let last = text.last, last == " " || last == "\t" { text = text.dropLast() }
        return text
    }
}
