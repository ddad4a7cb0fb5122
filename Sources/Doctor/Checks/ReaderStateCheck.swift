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
            return .problem(Self.name, messages.finding("reader-unavailable", ["reader": status.name]), details: details)
        case .empty:
            if noCardAnywhere {
                return .warning(Self.name, messages.finding("card-absent", ["reader": status.name]), details: details)
            }
            return .ok(Self.name, "reader-empty", messages.text("reader-empty.found"), details: details)
        default:
            return .ok(Self.name, "reader-ok", messages.text("reader-ok.found"), details: details)
        }
    }
}
