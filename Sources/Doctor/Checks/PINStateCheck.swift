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
        let triesText = triesLeft.map { ClerkText(pl: " Pozostało prób: \($0).", en: " Tries left: \($0).") } ?? ClerkText(pl: "", en: "")
        if flags.contains(.userPINLocked) || triesLeft == 0 {
            return .problem(
                Self.name, "pin-locked",
                found: ClerkText(
                    pl: "PIN tokenu „\(token.label)” jest zablokowany (wpisano go błędnie zbyt wiele razy).",
                    en: "The PIN of token “\(token.label)” is locked (it was entered wrongly too many times)."),
                why: ClerkText(
                    pl: "Zablokowaną kartą nie da się podpisać, dopóki PIN nie zostanie odblokowany.",
                    en: "A locked card cannot sign until its PIN is unblocked."),
                fix: ClerkText(
                    pl: "Odblokuj PIN kodem PUK w oprogramowaniu wystawcy karty (np. proCertum CardManager, Szafir); bez PUK zgłoś się do wystawcy certyfikatu. Nie próbuj dalej wpisywać PIN-u.",
                    en: "Unblock the PIN with the PUK in the card issuer's software (e.g. proCertum CardManager, Szafir); without the PUK, contact the certificate's issuer. Do not try more PINs."),
                details: details)
        }
        if flags.contains(.userPINFinalTry) || triesLeft == 1 {
            return .warning(
                Self.name, "pin-final-try",
                found: ClerkText(
                    pl: "Tokenowi „\(token.label)” została OSTATNIA próba PIN-u.",
                    en: "Token “\(token.label)” has ONE PIN try left."),
                why: ClerkText(
                    pl: "Jeszcze jeden błędny PIN zablokuje kartę.",
                    en: "One more wrong PIN locks the card."),
                fix: ClerkText(
                    pl: "Wpisz PIN tylko, jeśli masz pewność; poprawny PIN przywraca pełną liczbę prób. W razie wątpliwości odblokuj lub zmień PIN kodem PUK w oprogramowaniu wystawcy.",
                    en: "Enter the PIN only when sure; a right PIN restores the full count. When in doubt, reset it with the PUK in the issuer's software."),
                details: details)
        }
        if flags.contains(.userPINCountLow) || (triesLeft.map { $0 < 3 } ?? false) {
            return .warning(
                Self.name, "pin-count-low",
                found: ClerkText(
                    pl: "PIN tokenu „\(token.label)” wpisano ostatnio błędnie: prób zostało mniej niż zwykle.\(triesText.pl)",
                    en: "The PIN of token “\(token.label)” was lately entered wrongly: fewer tries are left than usual.\(triesText.en)"),
                why: ClerkText(
                    pl: "Kolejne pomyłki zablokują kartę.",
                    en: "More mistakes will lock the card."),
                fix: ClerkText(
                    pl: "Przy następnym podpisie wpisz PIN uważnie: poprawny PIN przywraca pełną liczbę prób.",
                    en: "Enter the PIN carefully at the next signature: a right PIN restores the full number of tries."),
                details: details)
        }
        if flags.contains(.userPINToBeChanged) {
            return .warning(
                Self.name, "pin-to-be-changed",
                found: ClerkText(
                    pl: "PIN tokenu „\(token.label)” trzeba zmienić przed użyciem (PIN startowy lub wygasły).",
                    en: "The PIN of token “\(token.label)” must be changed before use (an initial or expired PIN)."),
                why: ClerkText(pl: "Token nie podpisze, dopóki PIN nie zostanie zmieniony.", en: "The token will not sign until the PIN is changed."),
                fix: ClerkText(
                    pl: "Zmień PIN w oprogramowaniu wystawcy karty (albo: pkcs11-tool --change-pin).",
                    en: "Change the PIN in the card issuer's software (or: pkcs11-tool --change-pin)."),
                details: details)
        }
        if token.loginRequired && !flags.contains(.userPINInitialized) {
            return .problem(
                Self.name, "pin-not-initialized",
                found: ClerkText(
                    pl: "Token „\(token.label)” nie ma ustawionego PIN-u użytkownika.",
                    en: "Token “\(token.label)” has no user PIN set."),
                why: ClerkText(pl: "Bez PIN-u użytkownika nie da się zalogować ani podpisać.", en: "Without a user PIN nobody can log in or sign."),
                fix: ClerkText(
                    pl: "Ustaw PIN w oprogramowaniu wystawcy (inicjalizacja karty) albo poproś wystawcę o kartę gotową do użycia.",
                    en: "Set the PIN in the issuer's software (card initialisation) or ask the issuer for a card ready to use."),
                details: details)
        }
        let pinpad = token.protectedAuthenticationPath
            ? ClerkText(pl: " PIN wpisuje się na klawiaturze czytnika.", en: " The PIN is typed on the reader's keypad.")
            : ClerkText(pl: "", en: "")
        return .ok(
            Self.name, "pin-ok",
            ClerkText(pl: "PIN w porządku.\(triesText.pl)\(pinpad.pl)", en: "PIN is fine.\(triesText.en)\(pinpad.en)"),
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
