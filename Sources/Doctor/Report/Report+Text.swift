import Foundation
import Localization

extension Report {
    /// The readable report: system, modules, then reader → card → token →
    /// certificate, each finding with ✓ / ! / ✗ and, under each warning and
    /// problem, why it matters and the fix.
    public func text(in language: Language) -> String {
        var lines: [String] = []
        func say(_ text: ClerkText) -> String { text.text(in: language) }
        func add(_ findings: [Finding], indent: Int) {
            let pad = String(repeating: " ", count: indent)
            for finding in findings {
                lines.append("\(pad)\(finding.outcome.mark) \(say(finding.found))")
                guard finding.outcome != .ok else { continue }
                if let why = finding.why {
                    lines.append("\(pad)    \(say(ClerkText(pl: "Dlaczego", en: "Why"))): \(say(why))")
                }
                if let fix = finding.fix {
                    lines.append("\(pad)    \(say(ClerkText(pl: "Co zrobić", en: "Fix"))): \(say(fix))")
                }
                lines.append("\(pad)    [\(finding.code)]")
            }
        }
        func addToken(_ token: TokenEntry, indent: Int) {
            let pad = String(repeating: " ", count: indent)
            lines.append("\(pad)Token „\(token.label)” — \(token.module), \(say(ClerkText(pl: "nr seryjny", en: "serial"))) \(token.serialNumber)")
            add(token.findings, indent: indent + 2)
            for certificate in token.certificates {
                let name = certificate.commonName ?? certificate.subject
                let label = certificate.label.isEmpty || certificate.label == name ? "" : "\(certificate.label), "
                lines.append("\(pad)  \(say(ClerkText(pl: "Certyfikat", en: "Certificate"))) „\(name)” (\(label)id \(certificate.id))")
                add(certificate.findings, indent: indent + 4)
            }
        }

        let formatter = ISO8601DateFormatter()
        lines.append("podpis doctor — \(formatter.string(from: checkedAt))")
        if let readerFocus { lines.append(say(ClerkText(pl: "Tylko czytnik: \(readerFocus)", en: "Reader only: \(readerFocus)"))) }
        if let tokenFocus { lines.append(say(ClerkText(pl: "Tylko token: \(tokenFocus)", en: "Token only: \(tokenFocus)"))) }
        lines.append("")
        lines.append(say(ClerkText(pl: "System", en: "System")))
        add(system, indent: 2)
        if !modules.isEmpty {
            lines.append("")
            lines.append(say(ClerkText(pl: "Moduły PKCS#11", en: "PKCS#11 modules")))
            for module in modules {
                var origin: [String] = []
                if module.configured { origin.append(say(ClerkText(pl: "konfiguracja", en: "configured"))) }
                if module.registered { origin.append("p11-kit") }
                lines.append("  \(module.name)  \(module.path)  (\(origin.joined(separator: ", ")))")
                add(module.findings, indent: 4)
            }
        }
        for reader in readers {
            lines.append("")
            lines.append("\(say(ClerkText(pl: "Czytnik", en: "Reader"))) „\(reader.name)”")
            add(reader.findings, indent: 2)
            if let card = reader.card {
                let name = card.name ?? say(ClerkText(pl: "nieznana karta", en: "unknown card"))
                lines.append("  \(say(ClerkText(pl: "Karta", en: "Card"))): \(name) — ATR \(card.atr)")
                add(card.findings, indent: 4)
                for token in card.tokens { addToken(token, indent: 4) }
            }
        }
        if !tokens.isEmpty {
            lines.append("")
            lines.append(say(ClerkText(pl: "Tokeny poza czytnikami (HSM, tokeny programowe)", en: "Tokens in no reader (HSMs, software tokens)")))
            for token in tokens { addToken(token, indent: 2) }
        }
        lines.append("")
        lines.append(say(ClerkText(
            pl: "Podsumowanie: problemy: \(problemCount), ostrzeżenia: \(warningCount). Kod wyjścia \(exitCode).",
            en: "Summary: \(problemCount) problem(s), \(warningCount) warning(s). Exit code \(exitCode).")))
        return lines.joined(separator: "\n")
    }
}
