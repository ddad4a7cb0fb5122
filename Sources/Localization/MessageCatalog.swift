import Foundation

/// A module's clerk-readable sentences, kept out of the code in the module's
/// `messages.json` (embedded in the binary at build time, so nothing is read
/// from disk at run time):
///
/// ```json
/// { "cms-malformed": { "pl": "Plik podpisu jest uszkodzony ({detail}).",
///                      "en": "The signature file is damaged ({detail})." } }
/// ```
///
/// Each entry has `pl` and `en` (and `title`, a short English heading, where
/// the entry is a problem of the localhost protocol). `{name}` in a sentence
/// is filled from the arguments given to ``text(_:_:)`` (`{{` writes a brace);
/// both languages of an entry name the same placeholders. `Tests/Tools/check_messages.py` (run by
/// the suite) checks every catalog: both languages, the same placeholders in
/// each, every key used by the code present, no entry unused, and every call's
/// arguments naming exactly the entry's placeholders.
public struct MessageCatalog: Sendable {
    public struct Entry: Sendable, Hashable, Decodable {
        public let pl: String
        public let en: String
        public let title: String?
    }

    public let entries: [String: Entry]

    /// The catalog from the bytes of a `messages.json`. A broken catalog is a
    /// build defect (the suite refuses it); should one still reach a binary,
    /// every lookup falls back to the key and its arguments rather than
    /// stopping the program.
    public init(json bytes: [UInt8]) {
        entries = (try? JSONDecoder().decode([String: Entry].self, from: Data(bytes))) ?? [:]
    }

    /// The sentence for `key` in both languages, with each `{name}` replaced
    /// by the argument of that name in the same language.
    public func text(_ key: String, _ arguments: [String: any MessageArgument] = [:]) -> ClerkText {
        guard let entry = entries[key] else {
            let shown = arguments.keys.sorted().map { "\($0)=\(arguments[$0]!.text(in: .english))" }
            let fallback = ([key] + shown).joined(separator: " ")
            return ClerkText(pl: fallback, en: fallback)
        }
        return ClerkText(
            pl: Self.fill(entry.pl, arguments, in: .polish),
            en: Self.fill(entry.en, arguments, in: .english))
    }

    /// The sentence for `key` with its English heading (RFC 9457 `title`,
    /// for a problem of the localhost protocol; the key where the entry has
    /// none).
    public func sentence(_ key: String, _ arguments: [String: any MessageArgument] = [:]) -> Sentence {
        Sentence(key: key, title: entries[key]?.title ?? key, text: text(key, arguments))
    }

    /// The placeholder names of a sentence, in order of first use.
    public static func placeholders(_ sentence: String) -> [String] {
        var names: [String] = []
        scan(sentence) { piece in
            if case .placeholder(let name) = piece, !names.contains(name) { names.append(name) }
        }
        return names
    }

    private enum Piece {
        case literal(Substring)
        case placeholder(String)
    }

    /// Splits a sentence into literal text and `{name}` placeholders (a name:
    /// a lower-case ASCII letter, then letters, digits or `_`); `{{` is a
    /// literal `{`, any other brace is literal.
    private static func scan(_ sentence: String, _ visit: (Piece) -> Void) {
        var rest = sentence[...]
        while let open = rest.firstIndex(of: "{") {
            let afterOpen = rest.index(after: open)
            if afterOpen < rest.endIndex, rest[afterOpen] == "{" {
                visit(.literal(rest[...open]))
                rest = rest[rest.index(after: afterOpen)...]
                continue
            }
            guard let close = rest[afterOpen...].firstIndex(of: "}"),
                  isName(rest[afterOpen..<close])
            else {
                visit(.literal(rest[...open]))
                rest = rest[afterOpen...]
                continue
            }
            visit(.literal(rest[..<open]))
            visit(.placeholder(String(rest[afterOpen..<close])))
            rest = rest[rest.index(after: close)...]
        }
        visit(.literal(rest))
    }

    private static func isName(_ text: Substring) -> Bool {
        guard let first = text.unicodeScalars.first, ("a"..."z").contains(first) else { return false }
        return text.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }

    private static func fill(_ sentence: String, _ arguments: [String: any MessageArgument], in language: Language) -> String {
        var filled = ""
        scan(sentence) { piece in
            switch piece {
            case .literal(let text): filled += text
            case .placeholder(let name): filled += arguments[name]?.text(in: language) ?? "{\(name)}"
            }
        }
        return filled
    }
}

/// A catalogued sentence with its key and heading.
public struct Sentence: Sendable, Hashable {
    public let key: String
    public let title: String
    public let text: ClerkText
}

/// A value put into a catalogued sentence: the same text in both languages
/// (a name, a number, a path), or a ``ClerkText`` worded for each.
public protocol MessageArgument: Sendable {
    func text(in language: Language) -> String
}

extension String: MessageArgument {
    public func text(in language: Language) -> String { self }
}

extension Substring: MessageArgument {
    public func text(in language: Language) -> String { String(self) }
}

/// Whole numbers, written in decimal digits in every language.
public protocol DecimalMessageArgument: MessageArgument, BinaryInteger {}

extension DecimalMessageArgument {
    public func text(in language: Language) -> String { String(self) }
}

extension Int: DecimalMessageArgument {}
extension UInt: DecimalMessageArgument {}
extension Int32: DecimalMessageArgument {}
extension UInt32: DecimalMessageArgument {}
extension Int64: DecimalMessageArgument {}
extension UInt64: DecimalMessageArgument {}

extension ClerkText: MessageArgument {}
