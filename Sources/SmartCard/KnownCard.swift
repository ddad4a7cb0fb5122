/// A card family the project knows: what it is called, how its ATR looks and
/// which PKCS#11 module talks to it. The table itself is `KnownCards.table`.
public struct KnownCard: Sendable, Hashable {
    /// The name shown to clerks, e.g. "Certum cryptoCertum".
    public let name: String
    /// Who issues or sells the card in Poland.
    public let issuer: String
    /// ATR patterns; any one matching identifies the card.
    public let patterns: [ATRPattern]
    /// The module the card needs.
    public let module: ModuleHint
    /// Whether the card is used for qualified signatures or seals.
    public let qualified: Bool
    /// A remark for IT staff (known quirks), if any.
    public let note: String?

    public init(
        name: String, issuer: String, atr patterns: [String], module: ModuleHint,
        qualified: Bool = true, note: String? = nil
    ) {
        self.name = name
        self.issuer = issuer
        self.patterns = patterns.map { text in
            guard let pattern = ATRPattern(text) else { preconditionFailure("bad ATR pattern in table: \(text)") }
            return pattern
        }
        self.module = module
        self.qualified = qualified
        self.note = note
    }

    public func matches(_ atr: ATR) -> Bool { patterns.contains { $0.matches(atr) } }
}
