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
        lines.append(t("Kto prosi:    ", "Who asks:     ") + requester(request.requester))
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
        if let tries = request.token.triesLeft, request.needsPIN {
            lines.append(t("Pozostało prób PIN-u: ", "PIN tries left: ") + "\(tries)")
        }
        if request.token.finalTry {
            lines.append(t("UWAGA: ostatnia próba — błędny PIN zablokuje kartę.", "WARNING: final try — a wrong PIN locks the card."))
        } else if request.token.countLow {
            lines.append(t("Uwaga: wpisano już błędny PIN; zostało niewiele prób.", "Note: a wrong PIN was entered before; few tries left."))
        }
        emit(lines.joined(separator: "\n"))
    }

    /// "https://ezd… (web page over TCP; firefox-esr, pid 4242, uid 1000 jan)".
    static func requester(_ requester: AgentRequest.Requester) -> String {
        let polish = Language.current == .polish
        func t(_ pl: String, _ en: String) -> String { polish ? pl : en }
        var local: [String] = []
        if let process = requester.process { local.append(process) }
        if let pid = requester.pid { local.append("pid \(pid)") }
        if let uid = requester.uid { local.append("uid \(uid)" + (requester.user.map { " \($0)" } ?? "")) }
        let detail = local.isEmpty ? "" : "; " + local.joined(separator: ", ")
        if let origin = requester.origin {
            return "\(origin) (" + t("strona WWW przez", "web page over") + " \(requester.transport.uppercased())\(detail))"
        }
        return (requester.transport == "unix" ? t("program lokalny (gniazdo Unix", "a local program (Unix socket")
            : t("program przez TCP (bez nagłówka Origin", "a program over TCP (no Origin header")) + detail + ")"
    }

    static func show(_ request: AgentPairingRequest) {
        let polish = Language.current == .polish
        func t(_ pl: String, _ en: String) -> String { polish ? pl : en }
        var lines: [String] = [""]
        lines.append("━━ " + t("Nowa strona chce korzystać z podpisu", "A new page wants to use signing") + " " + String(repeating: "━", count: 24))
        lines.append(t("Kto prosi:    ", "Who asks:     ") + requester(request.requester))
        if let application = request.application {
            lines.append(t("Przedstawia się jako: ", "Calls itself: ") + "„\(application)”" + t(" (tego nie da się sprawdzić)", " (this cannot be checked)"))
        }
        lines.append(t(
            "Po zgodzie strona może prosić o podpisy; każdy podpis i tak wymaga Twojej zgody i PIN-u tutaj.",
            "Once allowed, the page may ask for signatures; each still needs your consent and PIN here."))
        emit(lines.joined(separator: "\n"))
    }
}
