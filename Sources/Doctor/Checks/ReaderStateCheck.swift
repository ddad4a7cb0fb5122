import Localization
import SmartCard

/// One reader as pcscd sees it: usable, unavailable, empty.
struct ReaderStateCheck {
    static let name = "reader"
    let status: ReaderStatus
    /// No considered reader holds a card: an empty one is then a warning.
    let noCardAnywhere: Bool
    let note: String?

    func run() -> Finding {
        var details = ["state": status.presence.rawValue]
        if let note { details["note"] = note }
        switch status.presence {
        case .unavailable:
            return .problem(
                Self.name, "reader-unavailable",
                found: ClerkText(
                    pl: "Czytnik „\(status.name)” jest niedostępny (sterownik nie może się z nim porozumieć).",
                    en: "Reader “\(status.name)” is unavailable (its driver cannot talk to it)."),
                why: ClerkText(pl: "Karty w tym czytniku nie są widoczne.", en: "Cards in this reader cannot be seen."),
                fix: ClerkText(
                    pl: "Odłącz czytnik i podłącz go do innego portu USB (bez koncentratora); sprawdź: dmesg | tail. Sterownik CCID: sudo apt install libccid; potem sudo systemctl restart pcscd.",
                    en: "Unplug the reader and plug it into another USB port (not a hub); check: dmesg | tail. CCID driver: sudo apt install libccid; then sudo systemctl restart pcscd."),
                details: details)
        case .empty:
            if noCardAnywhere {
                return .warning(
                    Self.name, "card-absent",
                    found: ClerkText(pl: "W czytniku „\(status.name)” nie ma karty.", en: "There is no card in reader “\(status.name)”."),
                    why: ClerkText(
                        pl: "Żaden czytnik nie ma karty: podpisać kartą nie można.",
                        en: "No reader holds a card: nothing can be signed with a card."),
                    fix: ClerkText(
                        pl: "Włóż kartę chipem do przodu, stykami w stronę wskazaną na czytniku, aż do oporu. Jeśli karta jest włożona, a czytnik jej nie widzi, wyjmij ją i włóż ponownie albo spróbuj innego czytnika.",
                        en: "Insert the card chip first, contacts the way the reader shows, all the way in. If the card is in but not seen, remove and reinsert it or try another reader."),
                    details: details)
            }
            return .ok(Self.name, "reader-empty", ClerkText(pl: "Czytnik gotowy; bez karty.", en: "Reader ready; no card in it."), details: details)
        default:
            return .ok(Self.name, "reader-ok", ClerkText(pl: "Czytnik gotowy; karta włożona.", en: "Reader ready; a card is in it."), details: details)
        }
    }
}
