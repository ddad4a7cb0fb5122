import SmartCard

/// A reader and its card, as `podpis readers --json` prints it (docs/cli-json.md).
public struct ReaderReport: Sendable, Codable, Hashable {
    public let name: String
    public let state: CardPresence
    public let atr: ATR?
    public let activeProtocol: CardProtocol?
    public let card: CardReport?
    public let readerNote: String?
    public let pinpad: Bool

    public struct CardReport: Sendable, Codable, Hashable {
        /// The card's name, or nil when nobody knows the ATR.
        public let name: String?
        /// `table` (Podpis's own table), `smartcard_list` (pcsc-tools), or `unknown`.
        public let identifiedBy: String
        public let issuer: String?
        public let qualified: Bool?
        public let module: ModuleHint?
        public let note: String?
    }

    public init(status: ReaderStatus, identifier: CardIdentifier) {
        name = status.name
        state = status.presence
        atr = status.atr
        activeProtocol = status.activeProtocol
        let quirk = ReaderQuirk.of(readerName: status.name)
        readerNote = quirk?.note
        pinpad = quirk?.pinpad ?? false
        if let atr = status.atr, status.hasCard {
            switch identifier.identify(atr) {
            case .known(let known):
                card = CardReport(
                    name: known.name, identifiedBy: "table", issuer: known.issuer, qualified: known.qualified,
                    module: known.module, note: known.note)
            case .listed(let descriptions):
                card = CardReport(
                    name: descriptions.first, identifiedBy: "smartcard_list", issuer: nil, qualified: nil,
                    module: nil, note: descriptions.count > 1 ? descriptions.dropFirst().joined(separator: "; ") : nil)
            case .unknown:
                card = CardReport(
                    name: nil, identifiedBy: "unknown", issuer: nil, qualified: nil, module: nil,
                    note: "Unknown ATR: report it at https://smartcard-atr.apdu.fr/ and to the Podpis team.")
            }
        } else {
            card = nil
        }
    }

    /// Lists the readers pcscd knows, with their cards identified.
    public static func all(identifier: CardIdentifier = CardIdentifier()) throws(PCSCError) -> [ReaderReport] {
        let context = try PCSCContext()
        return try context.readers().map { ReaderReport(status: $0, identifier: identifier) }
    }
}
