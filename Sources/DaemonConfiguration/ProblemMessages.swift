import Localization
import TOMLKit

/// The sentences of configuration problems, in Polish and English.
enum ProblemMessages {
    static func unreadable(_ reason: String) -> ClerkText {
        messages.text("unreadable", ["reason": reason])
    }

    static func syntax(line: Int, column: Int, detail: String) -> ClerkText {
        messages.text("syntax", ["line": line, "column": column, "detail": detail])
    }

    static func notText(line: Int) -> ClerkText {
        messages.text("not-text", ["line": line])
    }

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

    static func keyOutsideTable(_ key: String, belongsTo table: String) -> ClerkText {
        messages.text("key-outside-table", ["key": key, "table": table])
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

    static func socketPathTooLong(_ length: Int, limit: Int) -> ClerkText {
        messages.text("socket-path-too-long", ["length": length, "limit": limit])
    }

    static func notAbsolute(_ path: String) -> ClerkText {
        messages.text("not-absolute", ["path": path])
    }

    static func badMode(_ text: String) -> ClerkText {
        messages.text("bad-mode", ["text": text])
    }

    static let modeAsString = messages.text("mode-as-string")

    static func badURL(_ text: String) -> ClerkText {
        messages.text("bad-url", ["text": text])
    }

    static func unknownValue(_ text: String, known: [String], suggestion: String?) -> ClerkText {
        let list = known.joined(separator: ", ")
        guard let suggestion else { return messages.text("unknown-value", ["text": text, "list": list]) }
        return messages.text("unknown-value-suggestion", ["text": text, "list": list, "suggestion": suggestion])
    }

    static func moduleMissing(_ path: String) -> ClerkText {
        messages.text("module-missing", ["path": path])
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

    static let policyNotArray = messages.text("policy-not-array")

    static let policyWithoutCertificate = messages.text("policy-without-certificate")

    static func badPolicyCertificate(_ text: String) -> ClerkText {
        messages.text("bad-policy-certificate", ["text": text])
    }

    static func duplicatePolicy(_ certificate: String) -> ClerkText {
        messages.text("duplicate-policy", ["certificate": certificate])
    }

    static func unknownUser(_ user: String) -> ClerkText {
        messages.text("unknown-user", ["user": user])
    }

    static func sealNotTable(_ name: String) -> ClerkText {
        messages.text("seal-not-table", ["name": name])
    }

    static func sealWithoutCertificate(_ name: String) -> ClerkText {
        messages.text("seal-without-certificate", ["name": name])
    }

    static let badCredential = messages.text("bad-credential")

    static func severalPINSources(_ name: String) -> ClerkText {
        messages.text("several-pin-sources", ["name": name])
    }

    static func incompleteHotFolder(_ name: String) -> ClerkText {
        messages.text("incomplete-hot-folder", ["name": name])
    }
}
