/// A name or URI in a trusted list with its `xml:lang`.
public struct LocalizedText: Sendable, Hashable {
    /// The `xml:lang` value (`en`, `pl`); nil when absent.
    public let language: String?
    public let value: String

    public init(language: String?, value: String) {
        self.language = language
        self.value = value
    }
}

extension Array where Element == LocalizedText {
    /// The text in `language`, else in English, else the first one.
    public func preferred(_ language: String = "en") -> String? {
        (first { $0.language == language } ?? first { $0.language == "en" } ?? first)?.value
    }
}
