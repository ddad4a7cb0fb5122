import CPCSC

/// A connection to the card in one reader: owns one `SCARDHANDLE`, which is
/// disconnected (leaving the card as it is) when the value goes away.
public final class CardConnection: @unchecked Sendable {
    let handle: SCARDHANDLE
    public let reader: String
    public let activeProtocol: CardProtocol?
    // Keeps the context alive for as long as the card handle.
    private let context: PCSCContext

    init(context: PCSCContext, reader: String, mode: ShareMode, protocols: Set<CardProtocol>) throws(PCSCError) {
        var card: SCARDHANDLE = 0
        var active: UInt = 0
        let wanted = protocols.reduce(UInt(0)) { $0 | $1.pcscValue }
        try check(
            SCardConnect(context.handle, reader, mode.pcscValue, mode == .direct ? 0 : wanted, &card, &active),
            "SCardConnect")
        self.handle = card
        self.reader = reader
        self.context = context
        self.activeProtocol = CardProtocol(pcsc: active)
    }

    deinit { SCardDisconnect(handle, UInt(SCARD_LEAVE_CARD)) }

    /// Sends an APDU and returns the card's answer. Follows `61 xx` (more data:
    /// GET RESPONSE) and `6C xx` (wrong Le: resend) as ISO 7816-4 asks.
    public func transmit(_ command: CommandAPDU) throws(PCSCError) -> ResponseAPDU {
        var response = try transmitOnce(command.bytes)
        var data: [UInt8] = []
        var rounds = 0
        while rounds < 64 {
            rounds += 1
            if response.sw1 == 0x61 {
                data += response.data
                response = try transmitOnce([command.bytes[0] & 0x03, 0xC0, 0x00, 0x00, response.sw2])
            } else if response.sw1 == 0x6C, command.bytes.count >= 4 {
                var resent = command.bytes
                if resent.count == 4 { resent.append(response.sw2) } else { resent[resent.count - 1] = response.sw2 }
                response = try transmitOnce(resent)
            } else {
                break
            }
        }
        return ResponseAPDU(bytes: data + response.data + [response.sw1, response.sw2])
    }

    private func transmitOnce(_ bytes: [UInt8]) throws(PCSCError) -> ResponseAPDU {
        let pci: UnsafePointer<SCARD_IO_REQUEST>
        switch activeProtocol {
        case .t0: pci = podpis_pci_t0()
        case .raw: pci = podpis_pci_raw()
        default: pci = podpis_pci_t1()
        }
        var received = [UInt8](repeating: 0, count: 65538)
        var length = UInt(received.count)
        try check(SCardTransmit(handle, pci, bytes, UInt(bytes.count), nil, &received, &length), "SCardTransmit")
        guard length >= 2 else { throw PCSCError(rawValue: 0x8010_002F, function: "SCardTransmit") }
        return ResponseAPDU(bytes: Array(received.prefix(Int(length))))
    }

    /// The card's ATR and protocol now; fails if the card was removed or reset.
    public func status() throws(PCSCError) -> (atr: ATR, activeProtocol: CardProtocol?) {
        var nameLength: UInt = 256
        var name = [CChar](repeating: 0, count: 256)
        var state: UInt = 0
        var proto: UInt = 0
        var atr = [UInt8](repeating: 0, count: 33)
        var atrLength = UInt(atr.count)
        try check(SCardStatus(handle, &name, &nameLength, &state, &proto, &atr, &atrLength), "SCardStatus")
        return (ATR(bytes: Array(atr.prefix(Int(atrLength)))), CardProtocol(pcsc: proto))
    }
}
