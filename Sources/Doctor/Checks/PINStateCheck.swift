import Localization
import PKCS11

/// A token's user PIN, read without ever entering one: the token's flags
/// (locked, final try, count low, to be changed, not initialised) and, for
/// cards that tell, the exact tries left (`PINTriesProbe`, which does not
/// spend a try).
///
/// "Count low" from tries: fewer than 3 tries left counts as low even when
/// the module does not set CKF_USER_PIN_COUNT_LOW (OpenSC does not for
/// OpenPGP cards: after one wrong PIN its flags are unchanged, after two it
/// sets only "final try"). Cards issued in Poland allow 3 tries.
struct PINStateCheck {
    static let name = "pin"
    let token: TokenInfo
    let triesLeft: Int?

    func run() -> Finding {
        let flags = token.flags
        var details: [String: String] = ["flags": flagNames(flags).joined(separator: ",")]
        if let triesLeft { details["triesLeft"] = String(triesLeft) }
        let triesText = triesLeft.map { messages.text("pin-ok.tries", ["tries": $0]) } ?? ClerkText(verbatim: "")
        // The PIN's faults, worst first: the first that applies is the finding
        // (worded only then).
        let faults: [(applies: Bool, outcome: Outcome, text: () -> FindingText)] = [
            (flags.contains(.userPINLocked) || triesLeft == 0, .problem, { messages.finding("pin-locked", ["token": token.label]) }),
            (flags.contains(.userPINFinalTry) || triesLeft == 1, .warning, { messages.finding("pin-final-try", ["token": token.label]) }),
            (flags.contains(.userPINCountLow) || (triesLeft.map { $0 < 3 } ?? false), .warning,
             { messages.finding("pin-count-low", ["token": token.label, "tries": triesText]) }),
            (flags.contains(.userPINToBeChanged), .warning, { messages.finding("pin-to-be-changed", ["token": token.label]) }),
            (token.loginRequired && !flags.contains(.userPINInitialized), .problem, { messages.finding("pin-not-initialized", ["token": token.label]) }),
        ]
        if let fault = faults.first(where: \.applies) {
            let text = fault.text()
            return Finding(check: Self.name, code: text.code, outcome: fault.outcome, found: text.found, why: text.why, fix: text.fix, details: details)
        }
        let pinpad = token.protectedAuthenticationPath
            ? messages.text("pin-ok.pinpad")
            : ClerkText(verbatim: "")
        return .ok(
            Self.name, "pin-ok",
            messages.text("pin-ok.found", ["tries": triesText, "pinpad": pinpad]),
            details: details)
    }

    private func flagNames(_ flags: TokenFlags) -> [String] {
        let names: [(TokenFlags, String)] = [
            (.loginRequired, "CKF_LOGIN_REQUIRED"), (.userPINInitialized, "CKF_USER_PIN_INITIALIZED"),
            (.protectedAuthenticationPath, "CKF_PROTECTED_AUTHENTICATION_PATH"),
            (.userPINCountLow, "CKF_USER_PIN_COUNT_LOW"), (.userPINFinalTry, "CKF_USER_PIN_FINAL_TRY"),
            (.userPINLocked, "CKF_USER_PIN_LOCKED"), (.userPINToBeChanged, "CKF_USER_PIN_TO_BE_CHANGED"),
        ]
        return names.filter { flags.contains($0.0) }.map(\.1)
    }
}
