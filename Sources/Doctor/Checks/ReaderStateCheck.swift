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
                found: messages.text("reader-unavailable.found", ["reader": status.name]),
                why: messages.text("reader-unavailable.why"),
                fix: messages.text("reader-unavailable.fix"),
                details: details)
        case .empty:
            if noCardAnywhere {
                return .warning(
                    Self.name, "card-absent",
                    found: messages.text("card-absent.found", ["reader": status.name]),
                    why: messages.text("card-absent.why"),
                    fix: messages.text("card-absent.fix"),
                    details: details)
            }
            return .ok(Self.name, "reader-empty", messages.text("reader-empty.found"), details: details)
        default:
            return .ok(Self.name, "reader-ok", messages.text("reader-ok.found"), details: details)
        }
    }
}
