/// What is in a reader, as PC/SC sees it.
public enum CardPresence: String, Sendable, Hashable, Codable {
    /// No card in the reader.
    case empty
    /// A card is in the reader and nobody uses it.
    case present
    /// A card is in the reader and programs share it.
    case inUse = "in-use"
    /// A program holds the card exclusively.
    case exclusive
    /// A card is in the reader but does not answer.
    case mute
    /// The reader cannot be reached (unplugged, driver failure).
    case unavailable
}

/// Raw `SCARD_STATE_*` bits.
public struct ReaderStateFlags: OptionSet, Sendable, Hashable {
    public let rawValue: UInt
    public init(rawValue: UInt) { self.rawValue = rawValue }

    public static let changed = ReaderStateFlags(rawValue: 0x0002)
    public static let unknown = ReaderStateFlags(rawValue: 0x0004)
    public static let unavailable = ReaderStateFlags(rawValue: 0x0008)
    public static let empty = ReaderStateFlags(rawValue: 0x0010)
    public static let present = ReaderStateFlags(rawValue: 0x0020)
    public static let atrMatch = ReaderStateFlags(rawValue: 0x0040)
    public static let exclusive = ReaderStateFlags(rawValue: 0x0080)
    public static let inUse = ReaderStateFlags(rawValue: 0x0100)
    public static let mute = ReaderStateFlags(rawValue: 0x0200)
    public static let unpowered = ReaderStateFlags(rawValue: 0x0400)

    /// The low 16 bits; the high 16 carry pcsclite's event counter.
    public var stateBits: ReaderStateFlags { ReaderStateFlags(rawValue: rawValue & 0xFFFF) }

    /// The presence these bits describe.
    public var presence: CardPresence {
        if contains(.unknown) || contains(.unavailable) { return .unavailable }
        if contains(.mute) { return .mute }
        if contains(.exclusive) { return .exclusive }
        if contains(.inUse) { return .inUse }
        if contains(.present) { return .present }
        return .empty
    }
}

/// The transmission protocol in use with a card.
public enum CardProtocol: String, Sendable, Hashable, Codable {
    case t0 = "T=0"
    case t1 = "T=1"
    case raw = "raw"

    init?(pcsc value: UInt) {
        switch value {
        case 0x0001: self = .t0
        case 0x0002: self = .t1
        case 0x0004: self = .raw
        default: return nil
        }
    }

    var pcscValue: UInt {
        switch self {
        case .t0: return 0x0001
        case .t1: return 0x0002
        case .raw: return 0x0004
        }
    }
}

/// One reader and the card in it at one moment.
public struct ReaderStatus: Sendable, Hashable {
    /// The PC/SC reader name, e.g. "Virtual PCD 00 00".
    public let name: String
    public let flags: ReaderStateFlags
    /// The card's ATR when a card is present.
    public let atr: ATR?
    /// The protocol negotiated with the card, when we could connect to it.
    public var activeProtocol: CardProtocol?

    public init(name: String, flags: ReaderStateFlags, atr: ATR?, activeProtocol: CardProtocol? = nil) {
        self.name = name
        self.flags = flags
        self.atr = atr
        self.activeProtocol = activeProtocol
    }

    public var presence: CardPresence { flags.presence }

    public var hasCard: Bool {
        switch presence {
        case .present, .inUse, .exclusive, .mute: return true
        case .empty, .unavailable: return false
        }
    }
}
