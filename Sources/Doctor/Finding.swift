import Foundation
import Localization

/// What one check found about one thing: a stable code for programs, the
/// outcome, what was found, why it matters and how to fix it (the last two
/// only for warnings and problems), in Polish and English.
public struct Finding: Sendable, Hashable {
    /// The check that made the finding, e.g. `pcscd-service`.
    public let check: String
    /// Stable, kebab-case: `pcscd-not-running`, `pin-locked`, `check-timeout`…
    /// (the list is in docs/doctor.md).
    public let code: String
    public let outcome: Outcome
    public let found: ClerkText
    public let why: ClerkText?
    public let fix: ClerkText?
    /// Facts for programs and IT staff: ATR, PC/SC or CKR name, path, tries left…
    public var details: [String: String]
    /// How long the check took, when it ran under a time limit.
    public var seconds: Double?

    public init(
        check: String, code: String, outcome: Outcome, found: ClerkText, why: ClerkText? = nil, fix: ClerkText? = nil,
        details: [String: String] = [:], seconds: Double? = nil
    ) {
        self.check = check
        self.code = code
        self.outcome = outcome
        self.found = found
        self.why = why
        self.fix = fix
        self.details = details
        self.seconds = seconds
    }

    public static func ok(_ check: String, _ code: String, _ found: ClerkText, details: [String: String] = [:]) -> Finding {
        Finding(check: check, code: code, outcome: .ok, found: found, details: details)
    }

    public static func warning(
        _ check: String, _ code: String, found: ClerkText, why: ClerkText, fix: ClerkText, details: [String: String] = [:]
    ) -> Finding {
        Finding(check: check, code: code, outcome: .warning, found: found, why: why, fix: fix, details: details)
    }

    public static func problem(
        _ check: String, _ code: String, found: ClerkText, why: ClerkText, fix: ClerkText, details: [String: String] = [:]
    ) -> Finding {
        Finding(check: check, code: code, outcome: .problem, found: found, why: why, fix: fix, details: details)
    }

    /// A warning worded by its catalog entries (``FindingText``).
    public static func warning(_ check: String, _ text: FindingText, details: [String: String] = [:]) -> Finding {
        .warning(check, text.code, found: text.found, why: text.why, fix: text.fix, details: details)
    }

    /// A problem worded by its catalog entries (``FindingText``).
    public static func problem(_ check: String, _ text: FindingText, details: [String: String] = [:]) -> Finding {
        .problem(check, text.code, found: text.found, why: text.why, fix: text.fix, details: details)
    }

    /// A component that did not answer within its time limit.
    public static func timeout(_ check: String, component: ClerkText, seconds: Double, fix: ClerkText) -> Finding {
        Finding(
            check: check, code: "check-timeout", outcome: .problem,
            found: messages.text("check-timeout.found", ["component": component, "seconds": Self.format(seconds)]),
            why: messages.text("check-timeout.why"),
            fix: fix, details: ["waitedSeconds": Self.format(seconds)], seconds: seconds)
    }

    /// The same finding with its duration.
    func timed(_ seconds: Double) -> Finding {
        var copy = self
        if copy.seconds == nil { copy.seconds = seconds }
        return copy
    }

    static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(format: "%.1f", seconds)
    }
}

/// A finding's code and its three sentences, from the catalog entries
/// `CODE.found`, `CODE.why` and `CODE.fix` (check_messages.py checks all
/// three exist and the arguments name their placeholders).
public struct FindingText: Sendable {
    public let code: String
    public let found: ClerkText
    public let why: ClerkText
    public let fix: ClerkText
}

extension MessageCatalog {
    /// The finding `code` worded from its three entries, each filled from `arguments`.
    func finding(_ code: String, _ arguments: [String: any MessageArgument] = [:]) -> FindingText {
        FindingText(
            code: code, found: text(code + ".found", arguments), why: text(code + ".why", arguments),
            fix: text(code + ".fix", arguments))
    }
}
