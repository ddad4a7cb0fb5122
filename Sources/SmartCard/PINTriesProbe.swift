/// Asks a card how many user-PIN tries it has left, without spending one.
///
/// PKCS#11 only tells "count low / final try / locked"; many cards tell the
/// number. Two ways, tried in order:
/// - an OpenPGP card: the PW status bytes (GET DATA `C4`), whose fifth byte is
///   the PW1 retry counter;
/// - ISO 7816-4 VERIFY with no data, which cards answer `63 Cx` (x tries left).
public enum PINTriesProbe {
    static let openPGPAID: [UInt8] = [0xD2, 0x76, 0x00, 0x01, 0x24, 0x01]

    /// Tries left for the signing PIN of the card in `connection`, or nil if the card will not say.
    public static func userPINTriesLeft(_ connection: CardConnection) -> Int? {
        if let select = try? connection.transmit(.select(aid: openPGPAID)), select.isSuccess {
            if let status = try? connection.transmit(CommandAPDU(cla: 0x00, ins: 0xCA, p1: 0x00, p2: 0xC4, le: 0x00)),
                status.isSuccess, status.data.count >= 7
            {
                return Int(status.data[4])
            }
        }
        for reference: UInt8 in [0x81, 0x01] {
            if let answer = try? connection.transmit(CommandAPDU(cla: 0x00, ins: 0x20, p1: 0x00, p2: reference)),
                let tries = answer.triesLeft
            {
                return tries
            }
        }
        return nil
    }

    /// Same, opening a shared connection to the card in the named reader.
    public static func userPINTriesLeft(reader: String, context: PCSCContext? = nil) -> Int? {
        guard let context = context ?? (try? PCSCContext()),
            let connection = try? context.connect(to: reader)
        else { return nil }
        return userPINTriesLeft(connection)
    }
}
