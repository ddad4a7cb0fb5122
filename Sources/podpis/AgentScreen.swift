import Audit
import Foundation
import Localization
import StationAPI

/// What the clerk reads, in Polish or English by locale. Every text that
/// comes from outside — what a requester sent, what a card holds, what a
/// process calls itself — goes through ``shown(_:)`` (``VisibleText``): a
/// control, bidi or invisible character is printed as `\uXXXX`, so no such
/// text can erase, reorder or draw lines on this screen.
enum AgentScreen {
    /// The one way outside text reaches the screen.
    static func shown(_ text: String) -> String { VisibleText.escaped(text) }

    /// Unbuffered, so that the screen shows each line when it is written.
    static func emit(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    static func say(_ text: ClerkText) {
        emit(text.description)
    }

    static func show(_ request: ConsentRequest) {
        let polish = Language.current == .polish
        func t(_ pl: String, _ en: String) -> String { polish ? pl : en }
        var lines: [String] = []
        lines.append("")
        lines.append("━━ " + t("Prośba o podpis", "Signature request") + " " + String(repeating: "━", count: 40))
        lines.append(t("Kto prosi:    ", "Who asks:     ") + requester(request.requester))
        lines.append(t("Dokumenty:    ", "Documents:    ") + "\(request.documents.count)")
        for document in request.documents {
            // A digest sent alone: no size as if measured, and the clerk is told the content was not seen.
            let size = document.digestOnly == true ? t("rozmiar nieznany", "size unknown") : document.size.map { "\($0) B" } ?? "?"
            lines.append("  • \(shown(document.name))  (\(shown(document.mimeType)), \(size))")
            lines.append("    SHA-256 " + (document.sha256.map(shown) ?? t("(podano skrót innego algorytmu)", "(a digest of another algorithm was given)")))
            if document.digestOnly == true {
                lines.append("    " + t(
                    "UWAGA: skrót podała aplikacja; treści nie sprawdzono.",
                    "NOTE: the application supplied the digest; the content was not seen."))
            }
        }
        var how = "\(shown(request.format.uppercased())) \(shown(request.packaging)), \(shown(request.level))"
        if let commitment = request.commitment { how += ", " + t("zobowiązanie", "commitment") + ": \(shown(commitment))" }
        if let role = request.role { how += ", " + t("rola", "role") + ": \(shown(role))" }
        lines.append(t("Jak:          ", "How:          ") + how)
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        lines.append(t("Certyfikat:   ", "Certificate:  ") + shown(request.certificate.holder)
            + (request.certificate.qualified ? t(" — kwalifikowany", " — qualified") : t(" — NIEkwalifikowany", " — NOT qualified"))
            + t(", ważny do ", ", valid to ") + formatter.string(from: request.certificate.notAfter))
        lines.append(t("Wystawca:     ", "Issuer:       ") + shown(request.certificate.issuer))
        lines.append(t("Karta/token:  ", "Card/token:   ") + shown(request.token.label))
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
    static func requester(_ requester: Requester) -> String {
        let polish = Language.current == .polish
        func t(_ pl: String, _ en: String) -> String { polish ? pl : en }
        var local: [String] = []
        if let process = requester.process { local.append(shown(process)) }
        if let pid = requester.pid { local.append("pid \(pid)") }
        if let uid = requester.uid { local.append("uid \(uid)" + (requester.user.map { " \(shown($0))" } ?? "")) }
        let detail = local.isEmpty ? "" : "; " + local.joined(separator: ", ")
        if let origin = requester.origin {
            return "\(shown(origin)) (" + t("strona WWW przez", "web page over") + " \(shown(requester.transport.rawValue.uppercased()))\(detail))"
        }
        return (requester.transport == .unix ? t("program lokalny (gniazdo Unix", "a local program (Unix socket")
            : t("program przez TCP (bez nagłówka Origin", "a program over TCP (no Origin header")) + detail + ")"
    }

    /// Another agent registered: this one is told where new questions go.
    static func show(_ other: AgentIdentity) {
        var who: [String] = []
        if let uid = other.uid { who.append("uid \(uid)" + (other.user.map { " \(shown($0))" } ?? "")) }
        if let pid = other.pid { who.append("pid \(pid)") }
        let terminal = other.terminal.map(shown) ?? "?"
        let detail = who.isEmpty ? "" : ", " + who.joined(separator: ", ")
        say(messages.text("another-agent", ["terminal": terminal, "detail": detail]))
    }

    static func show(_ request: PairingRequest) {
        let polish = Language.current == .polish
        func t(_ pl: String, _ en: String) -> String { polish ? pl : en }
        var lines: [String] = [""]
        lines.append("━━ " + t("Nowa strona chce korzystać z podpisu", "A new page wants to use signing") + " " + String(repeating: "━", count: 24))
        lines.append(t("Kto prosi:    ", "Who asks:     ") + requester(request.requester))
        if let application = request.application {
            lines.append(t("Przedstawia się jako: ", "Calls itself: ") + "„\(shown(application))”" + t(" (tego nie da się sprawdzić)", " (this cannot be checked)"))
        }
        lines.append(t(
            "Po zgodzie strona może prosić o podpisy; każdy podpis i tak wymaga Twojej zgody i PIN-u tutaj.",
            "Once allowed, the page may ask for signatures; each still needs your consent and PIN here."))
        emit(lines.joined(separator: "\n"))
    }
}
