import Foundation
import Localization

/// What the clerk reads, in Polish or English by locale.
enum AgentScreen {
    /// Unbuffered, so that the screen shows each line when it is written.
    static func emit(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    static func say(pl: String, en: String) {
        emit(ClerkText(pl: pl, en: en).description)
    }

    static func show(_ request: AgentRequest) {
        let polish = Language.current == .polish
        func t(_ pl: String, _ en: String) -> String { polish ? pl : en }
        var lines: [String] = []
        lines.append("")
        lines.append("━━ " + t("Prośba o podpis", "Signature request") + " " + String(repeating: "━", count: 40))
        let who: String
        if let origin = request.requester.origin {
            who = "\(origin) (" + t("strona WWW przez", "web page over") + " \(request.requester.transport.uppercased()))"
        } else {
            who = request.requester.transport == "unix" ? t("program lokalny (gniazdo Unix)", "a local program (Unix socket)")
                : t("program przez TCP (bez nagłówka Origin)", "a program over TCP (no Origin header)")
        }
        lines.append(t("Kto prosi:    ", "Who asks:     ") + who)
        lines.append(t("Dokumenty:    ", "Documents:    ") + "\(request.documents.count)")
        for document in request.documents {
            let size = document.size.map { "\($0) B" } ?? "?"
            lines.append("  • \(document.name)  (\(document.mimeType), \(size))")
            lines.append("    SHA-256 " + (document.sha256 ?? t("(podano skrót innego algorytmu)", "(a digest of another algorithm was given)")))
        }
        var how = "\(request.format.uppercased()) \(request.packaging), \(request.level)"
        if let commitment = request.commitment { how += ", " + t("zobowiązanie", "commitment") + ": \(commitment)" }
        if let role = request.role { how += ", " + t("rola", "role") + ": \(role)" }
        lines.append(t("Jak:          ", "How:          ") + how)
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        lines.append(t("Certyfikat:   ", "Certificate:  ") + request.certificate.holder
            + (request.certificate.qualified ? t(" — kwalifikowany", " — qualified") : t(" — NIEkwalifikowany", " — NOT qualified"))
            + t(", ważny do ", ", valid to ") + formatter.string(from: request.certificate.notAfter))
        lines.append(t("Wystawca:     ", "Issuer:       ") + request.certificate.issuer)
        lines.append(t("Karta/token:  ", "Card/token:   ") + request.token.label)
        if request.token.finalTry {
            lines.append(t("UWAGA: ostatnia próba — błędny PIN zablokuje kartę.", "WARNING: final try — a wrong PIN locks the card."))
        } else if request.token.countLow {
            lines.append(t("Uwaga: wpisano już błędny PIN; zostało niewiele prób.", "Note: a wrong PIN was entered before; few tries left."))
        }
        emit(lines.joined(separator: "\n"))
    }
}
