import Foundation
import Localization

extension PINReader {
    /// A PIN prompt given up because podpis was told to stop while it waited
    /// (SIGINT from Ctrl-C, SIGTERM, SIGHUP, SIGQUIT; see `PromptSignals`).
    /// Thrown up to `main`, which exits with 128 + the signal's number, the
    /// status a shell reports for a program that signal ended.
    struct Cancelled: ClerkReadableError, Sendable, Hashable {
        let signal: Int32

        var code: String { "cancelled" }

        /// `SIGINT`, `SIGTERM`, ...
        var name: String {
            switch signal {
            case SIGINT: return "SIGINT"
            case SIGTERM: return "SIGTERM"
            case SIGHUP: return "SIGHUP"
            case SIGQUIT: return "SIGQUIT"
            default: return "signal \(signal)"
            }
        }

        var exitCode: Int32 { PodpisExit.signalled(signal) }

        var message: ClerkText {
            messages.text("cancelled-at-pin-prompt", ["name": name])
        }
    }
}
