/// A command to a card (ISO/IEC 7816-4 C-APDU).
public struct CommandAPDU: Sendable, Hashable, CustomStringConvertible {
    public let bytes: [UInt8]

    public init(bytes: [UInt8]) { self.bytes = bytes }

    /// A short APDU: CLA INS P1 P2 [Lc data] [Le].
    public init(cla: UInt8, ins: UInt8, p1: UInt8, p2: UInt8, data: [UInt8] = [], le: UInt8? = nil) {
        precondition(data.count <= 255, "use extended APDUs for more than 255 bytes")
        var bytes = [cla, ins, p1, p2]
        if !data.isEmpty {
            bytes.append(UInt8(data.count))
            bytes += data
        }
        if let le { bytes.append(le) }
        self.bytes = bytes
    }

    /// SELECT by application identifier.
    public static func select(aid: [UInt8]) -> CommandAPDU {
        CommandAPDU(cla: 0x00, ins: 0xA4, p1: 0x04, p2: 0x00, data: aid, le: 0x00)
    }

    public var description: String { Hex.encode(bytes, separator: " ") }
}

/// A card's answer (R-APDU): data and the status word.
public struct ResponseAPDU: Sendable, Hashable, CustomStringConvertible {
    public let data: [UInt8]
    public let sw1: UInt8
    public let sw2: UInt8

    public init(bytes: [UInt8]) {
        precondition(bytes.count >= 2, "a response has at least a status word")
        data = Array(bytes.dropLast(2))
        sw1 = bytes[bytes.count - 2]
        sw2 = bytes[bytes.count - 1]
    }

    public var statusWord: UInt16 { UInt16(sw1) << 8 | UInt16(sw2) }
    public var isSuccess: Bool { statusWord == 0x9000 }

    /// For `63 Cx`, the x tries left that many cards report after a wrong PIN.
    public var triesLeft: Int? { sw1 == 0x63 && sw2 & 0xF0 == 0xC0 ? Int(sw2 & 0x0F) : nil }

    public var description: String {
        (data.isEmpty ? "" : Hex.encode(data, separator: " ") + " ") + Hex.encode([sw1, sw2], separator: " ")
    }
}
