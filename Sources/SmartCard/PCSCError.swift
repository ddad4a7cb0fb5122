import Localization

/// A failure reported by the PC/SC layer (pcsclite), with the name of the
/// `SCARD_*` code, a stable code for programs and a sentence for the clerk.
public struct PCSCError: ClerkReadableError, Sendable, Hashable {
    /// The raw return value of the PC/SC call.
    public let rawValue: UInt32
    /// The PC/SC function that failed, e.g. `SCardConnect`.
    public let function: String

    public init(rawValue: UInt32, function: String) {
        self.rawValue = rawValue
        self.function = function
    }

    init(_ rv: Int, function: String) {
        self.init(rawValue: UInt32(truncatingIfNeeded: rv), function: function)
    }

    /// The symbolic name of the code, e.g. `SCARD_E_NO_SERVICE`.
    public var name: String { PCSCError.catalogue[rawValue]?.name ?? "SCARD_UNKNOWN_CODE" }

    /// A stable, lower-case code for programs and the protocol, e.g. `pcsc-no-service`.
    public var code: String { PCSCError.catalogue[rawValue]?.code ?? "pcsc-unknown" }

    /// What happened and what the clerk can do, in Polish and English.
    public var message: ClerkText {
        guard let entry = PCSCError.catalogue[rawValue] else { return messages.text("pcsc-unknown", ["name": name]) }
        return messages.text(entry.code)
    }

    public var description: String { "\(message) [\(name) w \(function)]" }

    /// pcscd went away (stopped, restarted or crashed) under this call.
    public var isServiceLoss: Bool {
        [Code.noService, Code.serviceStopped, Code.commError, Code.invalidHandle].contains(rawValue)
    }

    /// Named codes.
    public enum Code {
        public static let success: UInt32 = 0x0000_0000
        public static let cancelled: UInt32 = 0x8010_0002
        public static let invalidHandle: UInt32 = 0x8010_0003
        public static let timeout: UInt32 = 0x8010_000A
        public static let sharingViolation: UInt32 = 0x8010_000B
        public static let noSmartcard: UInt32 = 0x8010_000C
        public static let commError: UInt32 = 0x8010_0013
        public static let unknownReader: UInt32 = 0x8010_0009
        public static let readerUnavailable: UInt32 = 0x8010_0017
        public static let noService: UInt32 = 0x8010_001D
        public static let noAccess: UInt32 = 0x8010_0027
        public static let serviceStopped: UInt32 = 0x8010_001E
        public static let noReadersAvailable: UInt32 = 0x8010_002E
        public static let unresponsiveCard: UInt32 = 0x8010_0066
        public static let unpoweredCard: UInt32 = 0x8010_0067
        public static let resetCard: UInt32 = 0x8010_0068
        public static let removedCard: UInt32 = 0x8010_0069
    }

    /// A code's symbolic name and stable code; its sentence is the stable
    /// code's entry in messages.json.
    struct Entry {
        let name: String
        let code: String
    }

    static let catalogue: [UInt32: Entry] = [
        0x8010_0001: Entry(name: "SCARD_F_INTERNAL_ERROR", code: "pcsc-internal-error"),
        0x8010_0002: Entry(name: "SCARD_E_CANCELLED", code: "pcsc-cancelled"),
        0x8010_0003: Entry(name: "SCARD_E_INVALID_HANDLE", code: "pcsc-invalid-handle"),
        0x8010_0004: Entry(name: "SCARD_E_INVALID_PARAMETER", code: "pcsc-invalid-parameter"),
        0x8010_0006: Entry(name: "SCARD_E_NO_MEMORY", code: "pcsc-no-memory"),
        0x8010_0008: Entry(name: "SCARD_E_INSUFFICIENT_BUFFER", code: "pcsc-insufficient-buffer"),
        0x8010_0009: Entry(name: "SCARD_E_UNKNOWN_READER", code: "pcsc-unknown-reader"),
        0x8010_000A: Entry(name: "SCARD_E_TIMEOUT", code: "pcsc-timeout"),
        0x8010_000B: Entry(name: "SCARD_E_SHARING_VIOLATION", code: "pcsc-sharing-violation"),
        0x8010_000C: Entry(name: "SCARD_E_NO_SMARTCARD", code: "pcsc-no-card"),
        0x8010_000D: Entry(name: "SCARD_E_UNKNOWN_CARD", code: "pcsc-unknown-card"),
        0x8010_000F: Entry(name: "SCARD_E_PROTO_MISMATCH", code: "pcsc-protocol-mismatch"),
        0x8010_0010: Entry(name: "SCARD_E_NOT_READY", code: "pcsc-not-ready"),
        0x8010_0011: Entry(name: "SCARD_E_INVALID_VALUE", code: "pcsc-invalid-value"),
        0x8010_0012: Entry(name: "SCARD_E_SYSTEM_CANCELLED", code: "pcsc-system-cancelled"),
        0x8010_0013: Entry(name: "SCARD_F_COMM_ERROR", code: "pcsc-comm-error"),
        0x8010_0014: Entry(name: "SCARD_F_UNKNOWN_ERROR", code: "pcsc-unknown-error"),
        0x8010_0015: Entry(name: "SCARD_E_INVALID_ATR", code: "pcsc-invalid-atr"),
        0x8010_0016: Entry(name: "SCARD_E_NOT_TRANSACTED", code: "pcsc-not-transacted"),
        0x8010_0017: Entry(name: "SCARD_E_READER_UNAVAILABLE", code: "pcsc-reader-unavailable"),
        0x8010_0018: Entry(name: "SCARD_P_SHUTDOWN", code: "pcsc-shutdown"),
        0x8010_0019: Entry(name: "SCARD_E_PCI_TOO_SMALL", code: "pcsc-pci-too-small"),
        0x8010_001A: Entry(name: "SCARD_E_READER_UNSUPPORTED", code: "pcsc-reader-unsupported"),
        0x8010_001B: Entry(name: "SCARD_E_DUPLICATE_READER", code: "pcsc-duplicate-reader"),
        0x8010_001C: Entry(name: "SCARD_E_CARD_UNSUPPORTED", code: "pcsc-card-unsupported"),
        0x8010_001D: Entry(name: "SCARD_E_NO_SERVICE", code: "pcsc-no-service"),
        0x8010_001E: Entry(name: "SCARD_E_SERVICE_STOPPED", code: "pcsc-service-stopped"),
        0x8010_001F: Entry(name: "SCARD_E_UNEXPECTED", code: "pcsc-unexpected"),
        0x8010_0020: Entry(name: "SCARD_E_ICC_INSTALLATION", code: "pcsc-icc-installation"),
        0x8010_0023: Entry(name: "SCARD_E_DIR_NOT_FOUND", code: "pcsc-dir-not-found"),
        0x8010_0024: Entry(name: "SCARD_E_FILE_NOT_FOUND", code: "pcsc-file-not-found"),
        0x8010_0027: Entry(name: "SCARD_E_NO_ACCESS", code: "pcsc-no-access"),
        0x8010_002A: Entry(name: "SCARD_E_INVALID_CHV", code: "pcsc-invalid-chv"),
        0x8010_002E: Entry(name: "SCARD_E_NO_READERS_AVAILABLE", code: "pcsc-no-readers"),
        0x8010_002F: Entry(name: "SCARD_E_COMM_DATA_LOST", code: "pcsc-comm-data-lost"),
        0x8010_0031: Entry(name: "SCARD_E_SERVER_TOO_BUSY", code: "pcsc-server-busy"),
        0x8010_0065: Entry(name: "SCARD_W_UNSUPPORTED_CARD", code: "pcsc-unsupported-card"),
        0x8010_0066: Entry(name: "SCARD_W_UNRESPONSIVE_CARD", code: "pcsc-card-mute"),
        0x8010_0067: Entry(name: "SCARD_W_UNPOWERED_CARD", code: "pcsc-card-unpowered"),
        0x8010_0068: Entry(name: "SCARD_W_RESET_CARD", code: "pcsc-card-reset"),
        0x8010_0069: Entry(name: "SCARD_W_REMOVED_CARD", code: "pcsc-card-removed"),
        0x8010_006A: Entry(name: "SCARD_W_SECURITY_VIOLATION", code: "pcsc-security-violation"),
        0x8010_006B: Entry(name: "SCARD_W_WRONG_CHV", code: "pcsc-wrong-chv"),
        0x8010_006C: Entry(name: "SCARD_W_CHV_BLOCKED", code: "pcsc-chv-blocked"),
        0x8010_006E: Entry(name: "SCARD_W_CANCELLED_BY_USER", code: "pcsc-cancelled-by-user"),
        0x8010_006F: Entry(name: "SCARD_W_CARD_NOT_AUTHENTICATED", code: "pcsc-card-not-authenticated"),
    ]
}

/// Turns a PC/SC return value into success or a thrown `PCSCError`.
@inline(__always)
func check(_ rv: Int, _ function: String) throws(PCSCError) {
    if rv != 0 { throw PCSCError(rv, function: function) }
}
