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
                    lines.append(pad + "    " + say(messages.text("report.why", ["why": why])))
                }
                if let fix = finding.fix {
                    lines.append(pad + "    " + say(messages.text("report.fix", ["fix": fix])))
                }
                lines.append("\(pad)    [\(finding.code)]")
            }
        }
        func addToken(_ token: TokenEntry, indent: Int) {
            let pad = String(repeating: " ", count: indent)
            lines.append(pad + say(messages.text("report.token", ["label": token.label, "module": token.module, "serial": token.serialNumber])))
            add(token.findings, indent: indent + 2)
            for certificate in token.certificates {
                let name = certificate.commonName ?? certificate.subject
                let label = certificate.label.isEmpty || certificate.label == name ? "" : "\(certificate.label), "
                lines.append(pad + "  " + say(messages.text("report.certificate", ["name": name, "label": label, "id": certificate.id])))
                add(certificate.findings, indent: indent + 4)
            }
        }

        let formatter = ISO8601DateFormatter()
        lines.append("podpis doctor — \(formatter.string(from: checkedAt))")
        if let readerFocus { lines.append(say(messages.text("report.reader-only", ["reader": readerFocus]))) }
        if let tokenFocus { lines.append(say(messages.text("report.token-only", ["token": tokenFocus]))) }
        lines.append("")
        lines.append(say(messages.text("report.system")))
        add(system, indent: 2)
        if !modules.isEmpty {
            lines.append("")
            lines.append(say(messages.text("report.modules")))
            for module in modules {
                var origin: [String] = []
                if module.configured { origin.append(say(messages.text("report.configured"))) }
                if module.registered { origin.append("p11-kit") }
                lines.append("  \(module.name)  \(module.path)  (\(origin.joined(separator: ", ")))")
                add(module.findings, indent: 4)
            }
        }
        for reader in readers {
            lines.append("")
            lines.append(say(messages.text("report.reader", ["name": reader.name])))
            add(reader.findings, indent: 2)
            if let card = reader.card {
                let name = card.name ?? say(messages.text("report.unknown-card"))
                lines.append("  " + say(messages.text("report.card", ["name": name, "atr": card.atr])))
                add(card.findings, indent: 4)
                for token in card.tokens { addToken(token, indent: 4) }
            }
        }
        if !tokens.isEmpty {
            lines.append("")
            lines.append(say(messages.text("report.tokens-elsewhere")))
            for token in tokens { addToken(token, indent: 2) }
        }
        lines.append("")
        lines.append(say(messages.text("report.summary", ["problems": problemCount, "warnings": warningCount, "code": Int(exitCode)])))
        return lines.joined(separator: "\n")
    }
}
