import Localization
import TOMLKit

/// The configuration problems whose sentence is put together from several
/// catalog entries (messages.json); the others are read from it directly.
enum ProblemMessages {
    static func unknownTable(_ name: String, suggestion: String?) -> ClerkText {
        guard let suggestion else {
            let known = ConfigurationSchema.tableNames.map { "[\($0)]" }.joined(separator: ", ")
            return messages.text("unknown-table", ["name": name, "known": known])
        }
        return messages.text("unknown-table-suggestion", ["name": name, "suggestion": suggestion])
    }

    static func unknownKey(_ key: String, in table: String, suggestion: String?) -> ClerkText {
        guard let suggestion else {
            return messages.text("unknown-key", ["key": key, "table": table, "known": ConfigurationSchema.keys(of: table).joined(separator: ", ")])
        }
        return messages.text("unknown-key-suggestion", ["key": key, "table": table, "suggestion": suggestion])
    }

    static func wrongType(expected: ValueKind, found: TOMLType, hint: ClerkText? = nil) -> ClerkText {
        let text = messages.text("wrong-type", ["expected": expected.names, "found": ValueKind.names(of: found)])
        guard let hint else { return text }
        return ClerkText(pl: text.pl + " " + hint.pl, en: text.en + " " + hint.en)
    }

    static func wrongElementType(found: TOMLType) -> ClerkText {
        let foundName = ValueKind.names(of: found)
        return messages.text("wrong-element-type", ["foundName": foundName])
    }

    static func outOfRange(_ value: String, _ range: String, unit: String) -> ClerkText {
        let suffix = unit.isEmpty ? "" : " " + unit
        return messages.text("out-of-range", ["value": value, "range": range, "suffix": suffix])
    }

    static func unknownValue(_ text: String, known: [String], suggestion: String?) -> ClerkText {
        let list = known.joined(separator: ", ")
        guard let suggestion else { return messages.text("unknown-value", ["text": text, "list": list]) }
        return messages.text("unknown-value-suggestion", ["text": text, "list": list, "suggestion": suggestion])
    }

    static func badOrigin(_ text: String, reason: OriginFlaw) -> ClerkText {
        let why: ClerkText
        switch reason {
        case .wildcard:
            why = messages.text("bad-origin-wildcard")
        case .scheme:
            why = messages.text("bad-origin-scheme")
        case .path:
            why = messages.text("bad-origin-path")
        case .host:
            why = messages.text("bad-origin-host")
        case .port:
            why = messages.text("bad-origin-port")
        }
        return messages.text("bad-origin", ["text": text, "why": why])
    }
}
