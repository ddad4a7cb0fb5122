/// What a card is, judged from its ATR.
public enum CardIdentification: Sendable, Hashable {
    /// A card in the project's own table: its name and the module it needs.
    case known(KnownCard)
    /// Not in our table, but pcsc-tools' list has a name for it.
    case listed(descriptions: [String])
    /// Nobody knows this ATR.
    case unknown

    /// The name to show: ours, else the list's first description, else nil.
    public var name: String? {
        switch self {
        case .known(let card): return card.name
        case .listed(let descriptions): return descriptions.first
        case .unknown: return nil
        }
    }

    /// The PKCS#11 module the card needs, when we know it.
    public var module: ModuleHint? {
        if case .known(let card) = self { return card.module }
        return nil
    }
}

/// Identifies cards from their ATR: first the project's table, then pcsc-tools' list.
public struct CardIdentifier: Sendable {
    public let table: [KnownCard]
    public let list: SmartcardList?

    public init(table: [KnownCard] = KnownCards.table, list: SmartcardList? = SmartcardList.load()) {
        self.table = table
        self.list = list
    }

    public func identify(_ atr: ATR) -> CardIdentification {
        if let card = table.first(where: { $0.matches(atr) }) { return .known(card) }
        if let list {
            let descriptions = list.descriptions(for: atr)
            if !descriptions.isEmpty { return .listed(descriptions: descriptions) }
        }
        return .unknown
    }
}
