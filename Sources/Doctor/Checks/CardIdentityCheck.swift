import Foundation
import Inventory
import Localization
import SmartCard

/// What the card is, by its ATR (Podpis's table, then pcsc-tools' list), and
/// whether the PKCS#11 module it needs is installed and loaded.
struct CardIdentityCheck {
    static let name = "card-identity"
    let reader: String
    let atr: ATR
    let card: ReaderReport.CardReport
    /// Real paths of the modules this run looked at (configured or registered).
    let candidateModules: Set<String>
    /// Real paths of those that loaded.
    let loadedModules: Set<String>
    /// Whether any module showed a token for this reader.
    let tokenSeen: Bool

    func run() -> [Finding] {
        let details = ["atr": atr.hex, "identifiedBy": card.identifiedBy]
        switch card.identifiedBy {
        case "table":
            var findings = [Finding.ok(
                Self.name, "card-known",
                ClerkText(
                    pl: "Karta: \(card.name ?? "?") (\(card.issuer ?? "?")), ATR \(atr.hex).",
                    en: "Card: \(card.name ?? "?") (\(card.issuer ?? "?")), ATR \(atr.hex)."),
                details: details)]
            if let hint = card.module { findings.append(moduleFinding(hint)) }
            return findings
        case "smartcard_list":
            if tokenSeen {
                return [.ok(
                    Self.name, "card-listed",
                    ClerkText(pl: "Karta: \(card.name ?? "?") (wg listy pcsc-tools), ATR \(atr.hex).", en: "Card: \(card.name ?? "?") (per pcsc-tools' list), ATR \(atr.hex)."),
                    details: details)]
            }
            return [.warning(
                Self.name, "card-no-module-known",
                found: ClerkText(
                    pl: "Karta „\(card.name ?? "?")” (ATR \(atr.hex)) nie jest w tabeli Podpisu i żaden moduł PKCS#11 nie pokazuje jej tokenu.",
                    en: "Card “\(card.name ?? "?")” (ATR \(atr.hex)) is not in Podpis's table and no PKCS#11 module shows a token for it."),
                why: ClerkText(
                    pl: "Bez modułu, który rozumie tę kartę, nie da się nią podpisać.",
                    en: "Without a module that understands this card it cannot sign."),
                fix: ClerkText(
                    pl: "Zainstaluj oprogramowanie wystawcy karty (moduł PKCS#11) i dodaj go do [pkcs11] modules; zgłoś ATR zespołowi Podpisu, żeby dopisać kartę do tabeli.",
                    en: "Install the card issuer's software (its PKCS#11 module) and add it to [pkcs11] modules; report the ATR to the Podpis team so the card joins the table."),
                details: details)]
        default:
            let found = ClerkText(
                pl: "Nieznana karta: nikt nie zna ATR \(atr.hex) (ani tabela Podpisu, ani lista pcsc-tools).",
                en: "Unknown card: nobody knows ATR \(atr.hex) (neither Podpis's table nor pcsc-tools' list).")
            let why = ClerkText(
                pl: "Nie wiadomo, jakiego oprogramowania (modułu PKCS#11) ta karta potrzebuje\(tokenSeen ? "" : "; żaden moduł jej nie obsługuje, więc nie podpisze").",
                en: "It is not known which software (PKCS#11 module) this card needs\(tokenSeen ? "" : "; no module serves it, so it cannot sign").")
            let fix = ClerkText(
                pl: "Zgłoś ATR \(atr.hex) z nazwą karty i wystawcy na https://smartcard-atr.apdu.fr/ (lista pcsc-tools) oraz zespołowi Podpisu (dołącz ten raport); zainstaluj oprogramowanie od wystawcy karty.",
                en: "Report ATR \(atr.hex) with the card's and issuer's name at https://smartcard-atr.apdu.fr/ (pcsc-tools' list) and to the Podpis team (attach this report); install the software from the card's issuer.")
            return [tokenSeen
                ? .warning(Self.name, "card-unknown-atr", found: found, why: why, fix: fix, details: details)
                : .problem(Self.name, "card-unknown-atr", found: found, why: why, fix: fix, details: details)]
        }
    }

    private func moduleFinding(_ hint: ModuleHint) -> Finding {
        let installed = hint.usualPaths.filter { FileManager.default.fileExists(atPath: $0) }
        let installedReal = Set(installed.map(Self.realPath))
        func matches(_ modules: Set<String>) -> Bool {
            let names = Set(modules.map { ($0 as NSString).lastPathComponent })
            return !installedReal.isDisjoint(with: modules) || hint.usualPaths.contains { names.contains(($0 as NSString).lastPathComponent) }
        }
        var details = ["module": hint.name, "providedBy": hint.providedBy, "usualPaths": hint.usualPaths.joined(separator: " ")]
        if matches(loadedModules) {
            return .ok(
                Self.name, "card-module-loaded",
                ClerkText(pl: "Potrzebny moduł \(hint.name) jest zainstalowany i używany.", en: "The module it needs, \(hint.name), is installed and in use."),
                details: details)
        }
        if matches(candidateModules) {
            return .warning(
                Self.name, "card-module-failed",
                found: ClerkText(
                    pl: "Potrzebny moduł \(hint.name) jest skonfigurowany, ale nie działa (zobacz „Moduły PKCS#11”).",
                    en: "The module it needs, \(hint.name), is set up but does not work (see “PKCS#11 modules”)."),
                why: ClerkText(pl: "Bez działającego modułu certyfikaty z karty są niewidoczne.", en: "Without a working module the card's certificates are invisible."),
                fix: ClerkText(pl: "Usuń przyczynę podaną przy module.", en: "Remove the cause given with the module."),
                details: details)
        }
        if let path = installed.first {
            details["path"] = path
            return .warning(
                Self.name, "card-module-not-loaded",
                found: ClerkText(
                    pl: "Moduł \(hint.name) potrzebny tej karcie jest zainstalowany (\(path)), ale Podpis go nie używa.",
                    en: "Module \(hint.name), which this card needs, is installed (\(path)) but Podpis does not use it."),
                why: ClerkText(pl: "Bez tego modułu Podpis nie widzi certyfikatów z karty.", en: "Without that module Podpis does not see the card's certificates."),
                fix: ClerkText(
                    pl: "Dodaj go do podpisd.toml: [pkcs11] modules = [\"\(path)\"] (albo zarejestruj w p11-kit: /etc/pkcs11/modules/\(hint.name).module z linią module: \(path)).",
                    en: "Add it to podpisd.toml: [pkcs11] modules = [\"\(path)\"] (or register it with p11-kit: /etc/pkcs11/modules/\(hint.name).module with the line module: \(path))."),
                details: details)
        }
        return .problem(
            Self.name, "card-module-missing",
            found: ClerkText(
                pl: "Karta \(card.name ?? "") potrzebuje modułu PKCS#11 \(hint.name), którego nie ma na tym komputerze.",
                en: "Card \(card.name ?? "") needs PKCS#11 module \(hint.name), which is not on this computer."),
            why: ClerkText(
                pl: "Bez tego modułu certyfikaty z karty są niewidoczne i nie da się nią podpisać.",
                en: "Without that module the card's certificates are invisible and it cannot sign."),
            fix: ClerkText(
                pl: "Zainstaluj: \(hint.providedBy). Moduł trafia zwykle do: \(hint.usualPaths.first ?? "?").",
                en: "Install: \(hint.providedBy). The module usually lands in: \(hint.usualPaths.first ?? "?")."),
            details: details)
    }

    static func realPath(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
