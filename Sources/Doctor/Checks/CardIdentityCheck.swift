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
                messages.text("card-known.found", ["card": card.name ?? "?", "issuer": card.issuer ?? "?", "atr": atr.hex]),
                details: details)]
            if let hint = card.module { findings.append(moduleFinding(hint)) }
            return findings
        case "smartcard_list":
            if tokenSeen {
                return [.ok(
                    Self.name, "card-listed",
                    messages.text("card-listed.found", ["card": card.name ?? "?", "atr": atr.hex]),
                    details: details)]
            }
            return [.warning(Self.name, messages.finding("card-no-module-known", ["card": card.name ?? "?", "atr": atr.hex]), details: details)]
        default:
            let found = messages.text("card-unknown-atr.found", ["atr": atr.hex])
            let unserved = tokenSeen ? ClerkText(verbatim: "") : messages.text("card-unknown-atr.unserved")
            let why = messages.text("card-unknown-atr.why", ["unserved": unserved])
            let fix = messages.text("card-unknown-atr.fix", ["atr": atr.hex])
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
                messages.text("card-module-loaded.found", ["module": hint.name]),
                details: details)
        }
        if matches(candidateModules) {
            return .warning(Self.name, messages.finding("card-module-failed", ["module": hint.name]), details: details)
        }
        if let path = installed.first {
            details["path"] = path
            return .warning(Self.name, messages.finding("card-module-not-loaded", ["module": hint.name, "path": path]), details: details)
        }
        return .problem(Self.name, messages.finding("card-module-missing", ["card": card.name ?? "", "module": hint.name, "package": hint.providedBy, "path": hint.usualPaths.first ?? "?"]), details: details)
    }

    static func realPath(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
