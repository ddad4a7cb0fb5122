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
        PCSCError.catalogue[rawValue]?.text
            ?? ClerkText(
                pl: "Nieoczekiwany błąd czytnika kart (\(name)).",
                en: "Unexpected smart card reader error (\(name)).")
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

    struct Entry {
        let name: String
        let code: String
        let text: ClerkText
    }

    private static func entry(_ name: String, _ code: String, pl: String, en: String) -> Entry {
        Entry(name: name, code: code, text: ClerkText(pl: pl, en: en))
    }

    static let catalogue: [UInt32: Entry] = [
        0x8010_0001: entry("SCARD_F_INTERNAL_ERROR", "pcsc-internal-error",
            pl: "Wewnętrzny błąd usługi kart (pcscd). Uruchom ponownie pcscd.",
            en: "Internal error of the smart card service (pcscd). Restart pcscd."),
        0x8010_0002: entry("SCARD_E_CANCELLED", "pcsc-cancelled",
            pl: "Operację na karcie anulowano.", en: "The card operation was cancelled."),
        0x8010_0003: entry("SCARD_E_INVALID_HANDLE", "pcsc-invalid-handle",
            pl: "Połączenie z usługą kart wygasło (pcscd uruchomiono ponownie?). Spróbuj jeszcze raz.",
            en: "The connection to the smart card service expired (was pcscd restarted?). Try again."),
        0x8010_0004: entry("SCARD_E_INVALID_PARAMETER", "pcsc-invalid-parameter",
            pl: "Błędny parametr wywołania PC/SC (błąd programu).",
            en: "Invalid PC/SC call parameter (a program error)."),
        0x8010_0006: entry("SCARD_E_NO_MEMORY", "pcsc-no-memory",
            pl: "Brak pamięci w usłudze kart.", en: "The smart card service ran out of memory."),
        0x8010_0008: entry("SCARD_E_INSUFFICIENT_BUFFER", "pcsc-insufficient-buffer",
            pl: "Za mały bufor na odpowiedź karty (błąd programu).",
            en: "The buffer for the card's answer was too small (a program error)."),
        0x8010_0009: entry("SCARD_E_UNKNOWN_READER", "pcsc-unknown-reader",
            pl: "Nie ma takiego czytnika. Sprawdź, czy czytnik jest podłączony.",
            en: "No such reader. Check that the reader is plugged in."),
        0x8010_000A: entry("SCARD_E_TIMEOUT", "pcsc-timeout",
            pl: "Upłynął czas oczekiwania na czytnik lub kartę.",
            en: "Timed out waiting for the reader or card."),
        0x8010_000B: entry("SCARD_E_SHARING_VIOLATION", "pcsc-sharing-violation",
            pl: "Kartę zajął na wyłączność inny program. Zamknij inne programy do podpisu i spróbuj ponownie.",
            en: "Another program holds the card exclusively. Close other signing software and try again."),
        0x8010_000C: entry("SCARD_E_NO_SMARTCARD", "pcsc-no-card",
            pl: "W czytniku nie ma karty. Włóż kartę.",
            en: "There is no card in the reader. Insert the card."),
        0x8010_000D: entry("SCARD_E_UNKNOWN_CARD", "pcsc-unknown-card",
            pl: "Nieznana karta.", en: "Unknown card."),
        0x8010_000F: entry("SCARD_E_PROTO_MISMATCH", "pcsc-protocol-mismatch",
            pl: "Karta nie obsługuje żądanego protokołu (T=0/T=1).",
            en: "The card does not support the requested protocol (T=0/T=1)."),
        0x8010_0010: entry("SCARD_E_NOT_READY", "pcsc-not-ready",
            pl: "Czytnik lub karta nie są gotowe. Wyjmij i włóż kartę ponownie.",
            en: "The reader or card is not ready. Remove and reinsert the card."),
        0x8010_0011: entry("SCARD_E_INVALID_VALUE", "pcsc-invalid-value",
            pl: "Błędna wartość parametru PC/SC (błąd programu).",
            en: "Invalid PC/SC parameter value (a program error)."),
        0x8010_0012: entry("SCARD_E_SYSTEM_CANCELLED", "pcsc-system-cancelled",
            pl: "System przerwał operację na karcie.", en: "The system cancelled the card operation."),
        0x8010_0013: entry("SCARD_F_COMM_ERROR", "pcsc-comm-error",
            pl: "Utracono łączność z usługą kart (pcscd zatrzymano lub uruchomiono ponownie).",
            en: "Lost contact with the smart card service (pcscd was stopped or restarted)."),
        0x8010_0014: entry("SCARD_F_UNKNOWN_ERROR", "pcsc-unknown-error",
            pl: "Nieznany błąd usługi kart.", en: "Unknown smart card service error."),
        0x8010_0015: entry("SCARD_E_INVALID_ATR", "pcsc-invalid-atr",
            pl: "Karta podała nieprawidłowy ATR. Wyjmij i włóż kartę ponownie.",
            en: "The card gave an invalid ATR. Remove and reinsert the card."),
        0x8010_0016: entry("SCARD_E_NOT_TRANSACTED", "pcsc-not-transacted",
            pl: "Nie ma transakcji do zakończenia (błąd programu).",
            en: "No transaction to end (a program error)."),
        0x8010_0017: entry("SCARD_E_READER_UNAVAILABLE", "pcsc-reader-unavailable",
            pl: "Czytnik jest niedostępny (odłączony?). Podłącz czytnik ponownie.",
            en: "The reader is unavailable (unplugged?). Plug the reader in again."),
        0x8010_0018: entry("SCARD_P_SHUTDOWN", "pcsc-shutdown",
            pl: "Usługa kart kończy pracę.", en: "The smart card service is shutting down."),
        0x8010_0019: entry("SCARD_E_PCI_TOO_SMALL", "pcsc-pci-too-small",
            pl: "Za mały bufor PCI (błąd programu).", en: "PCI buffer too small (a program error)."),
        0x8010_001A: entry("SCARD_E_READER_UNSUPPORTED", "pcsc-reader-unsupported",
            pl: "Sterownik czytnika nie jest obsługiwany. Zainstaluj sterownik (np. pakiet libccid).",
            en: "The reader driver is not supported. Install a driver (e.g. the libccid package)."),
        0x8010_001B: entry("SCARD_E_DUPLICATE_READER", "pcsc-duplicate-reader",
            pl: "Dwa czytniki mają tę samą nazwę.", en: "Two readers have the same name."),
        0x8010_001C: entry("SCARD_E_CARD_UNSUPPORTED", "pcsc-card-unsupported",
            pl: "Czytnik nie obsługuje tej karty.", en: "The reader does not support this card."),
        0x8010_001D: entry("SCARD_E_NO_SERVICE", "pcsc-no-service",
            pl: "Usługa kart pcscd nie działa. Uruchom ją: sudo systemctl start pcscd (pakiet pcscd).",
            en: "The pcscd smart card service is not running. Start it: sudo systemctl start pcscd (package pcscd)."),
        0x8010_001E: entry("SCARD_E_SERVICE_STOPPED", "pcsc-service-stopped",
            pl: "Usługa kart pcscd została zatrzymana. Uruchom ją ponownie.",
            en: "The pcscd smart card service stopped. Start it again."),
        0x8010_001F: entry("SCARD_E_UNEXPECTED", "pcsc-unexpected",
            pl: "Nieoczekiwany błąd karty lub funkcja nieobsługiwana.",
            en: "Unexpected card error, or the feature is not supported."),
        0x8010_0020: entry("SCARD_E_ICC_INSTALLATION", "pcsc-icc-installation",
            pl: "Brak dostawcy obsługi tej karty.", en: "No provider found for this card."),
        0x8010_0023: entry("SCARD_E_DIR_NOT_FOUND", "pcsc-dir-not-found",
            pl: "Na karcie nie ma takiego katalogu.", en: "The directory does not exist on the card."),
        0x8010_0024: entry("SCARD_E_FILE_NOT_FOUND", "pcsc-file-not-found",
            pl: "Na karcie nie ma takiego pliku.", en: "The file does not exist on the card."),
        0x8010_0027: entry("SCARD_E_NO_ACCESS", "pcsc-no-access",
            pl: "Odmowa dostępu do pliku na karcie.", en: "Access to the file on the card was denied."),
        0x8010_002A: entry("SCARD_E_INVALID_CHV", "pcsc-invalid-chv",
            pl: "Niepoprawny PIN.", en: "Incorrect PIN."),
        0x8010_002E: entry("SCARD_E_NO_READERS_AVAILABLE", "pcsc-no-readers",
            pl: "Nie znaleziono żadnego czytnika kart. Podłącz czytnik do portu USB.",
            en: "No smart card reader found. Plug a reader into a USB port."),
        0x8010_002F: entry("SCARD_E_COMM_DATA_LOST", "pcsc-comm-data-lost",
            pl: "Zakłócenie komunikacji z kartą. Spróbuj ponownie.",
            en: "Communication with the card was disturbed. Try again."),
        0x8010_0031: entry("SCARD_E_SERVER_TOO_BUSY", "pcsc-server-busy",
            pl: "Usługa kart jest przeciążona. Spróbuj za chwilę.",
            en: "The smart card service is too busy. Try again shortly."),
        0x8010_0065: entry("SCARD_W_UNSUPPORTED_CARD", "pcsc-unsupported-card",
            pl: "Czytnik nie może porozumieć się z kartą (konflikt ATR).",
            en: "The reader cannot talk to the card (ATR configuration conflict)."),
        0x8010_0066: entry("SCARD_W_UNRESPONSIVE_CARD", "pcsc-card-mute",
            pl: "Karta nie odpowiada. Wyjmij ją, sprawdź, czy jest włożona stykami w dobrą stronę, i włóż ponownie.",
            en: "The card does not respond. Remove it, check it is inserted chip-first the right way, and reinsert it."),
        0x8010_0067: entry("SCARD_W_UNPOWERED_CARD", "pcsc-card-unpowered",
            pl: "Karta nie jest zasilana. Wyjmij i włóż kartę ponownie.",
            en: "The card is not powered. Remove and reinsert the card."),
        0x8010_0068: entry("SCARD_W_RESET_CARD", "pcsc-card-reset",
            pl: "Karta została zresetowana przez inny program. Spróbuj ponownie.",
            en: "Another program reset the card. Try again."),
        0x8010_0069: entry("SCARD_W_REMOVED_CARD", "pcsc-card-removed",
            pl: "Kartę wyjęto z czytnika. Włóż ją ponownie i powtórz operację.",
            en: "The card was removed from the reader. Insert it again and repeat the operation."),
        0x8010_006A: entry("SCARD_W_SECURITY_VIOLATION", "pcsc-security-violation",
            pl: "Odmowa dostępu do karty (naruszenie zabezpieczeń).",
            en: "Access to the card was denied (security violation)."),
        0x8010_006B: entry("SCARD_W_WRONG_CHV", "pcsc-wrong-chv",
            pl: "Podano niepoprawny PIN.", en: "A wrong PIN was presented."),
        0x8010_006C: entry("SCARD_W_CHV_BLOCKED", "pcsc-chv-blocked",
            pl: "PIN zablokowany: przekroczono liczbę prób. Odblokuj go kodem PUK.",
            en: "PIN blocked: too many attempts. Unblock it with the PUK."),
        0x8010_006E: entry("SCARD_W_CANCELLED_BY_USER", "pcsc-cancelled-by-user",
            pl: "Anulowano przez użytkownika.", en: "Cancelled by the user."),
        0x8010_006F: entry("SCARD_W_CARD_NOT_AUTHENTICATED", "pcsc-card-not-authenticated",
            pl: "Nie podano PIN-u do karty.", en: "No PIN was presented to the card."),
    ]
}

/// Turns a PC/SC return value into success or a thrown `PCSCError`.
@inline(__always)
func check(_ rv: Int, _ function: String) throws(PCSCError) {
    if rv != 0 { throw PCSCError(rv, function: function) }
}
