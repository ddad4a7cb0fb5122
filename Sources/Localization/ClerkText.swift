/// A sentence for the person at the desk, in Polish and in English.
///
/// Every user-facing message of Podpis carries both; which one is shown is
/// decided once, from the process locale (`LC_ALL`, `LC_MESSAGES`, `LANG`).
public struct ClerkText: Sendable, Hashable, Codable, CustomStringConvertible {
    public let pl: String
    public let en: String

    public init(pl: String, en: String) {
        self.pl = pl
        self.en = en
    }

    /// The same text in both languages (a name, a path, a number).
    public init(verbatim text: String) {
        self.init(pl: text, en: text)
    }

    /// The text in the given language.
    public func text(in language: Language) -> String {
        switch language {
        case .polish: return pl
        case .english: return en
        }
    }

    /// The text in the language of the current process locale.
    public var description: String { text(in: Language.current) }
}
