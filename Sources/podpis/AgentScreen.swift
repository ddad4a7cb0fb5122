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

    /// A label of the screens' left column (with its colon) in the clerk's
    /// language, padded to the column's width.
    private static func column(_ label: ClerkText) -> String {
        let text = label.description
        return text + String(repeating: " ", count: max(1, 14 - text.count))
    }

    static func show(_ request: ConsentRequest) {
        var lines: [String] = []
        lines.append("")
        lines.append("━━ " + messages.text("screen.signature-request").description + " " + String(repeating: "━", count: 40))
        lines.append(column(messages.text("screen.who-asks")) + requester(request.requester))
        lines.append(column(messages.text("screen.documents")) + "\(request.documents.count)")
        for document in request.documents {
            // A digest sent alone: no size as if measured, and the clerk is told the content was not seen.
            let size = document.digestOnly == true ? messages.text("screen.size-unknown").description : document.size.map { "\($0) B" } ?? "?"
            lines.append("  • \(shown(document.name))  (\(shown(document.mimeType)), \(size))")
            lines.append("    SHA-256 " + (document.sha256.map(shown) ?? messages.text("screen.other-digest").description))
            if document.digestOnly == true {
                lines.append("    " + messages.text("screen.digest-from-application").description)
            }
        }
        var how = "\(shown(request.format.uppercased())) \(shown(request.packaging)), \(shown(request.level))"
        if let commitment = request.commitment { how += ", " + messages.text("screen.commitment").description + ": \(shown(commitment))" }
        if let role = request.role { how += ", " + messages.text("screen.role").description + ": \(shown(role))" }
        lines.append(column(messages.text("screen.how")) + how)
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        lines.append(column(messages.text("screen.certificate")) + shown(request.certificate.holder)
            + (request.certificate.qualified ? messages.text("screen.qualified").description : messages.text("screen.not-qualified").description)
            + messages.text("screen.valid-to").description + formatter.string(from: request.certificate.notAfter))
        lines.append(column(messages.text("screen.issuer")) + shown(request.certificate.issuer))
        lines.append(column(messages.text("screen.card-token")) + shown(request.token.label))
        if let tries = request.token.triesLeft, request.needsPIN {
            lines.append(messages.text("screen.pin-tries-left").description + "\(tries)")
        }
        if request.token.finalTry {
            lines.append(messages.text("screen.final-try").description)
        } else if request.token.countLow {
            lines.append(messages.text("screen.count-low").description)
        }
        emit(lines.joined(separator: "\n"))
    }

    /// "https://ezd… (web page over TCP; firefox-esr, pid 4242, uid 1000 jan)".
    static func requester(_ requester: Requester) -> String {
        var local: [String] = []
        if let process = requester.process { local.append(shown(process)) }
        if let pid = requester.pid { local.append("pid \(pid)") }
        if let uid = requester.uid { local.append("uid \(uid)" + (requester.user.map { " \(shown($0))" } ?? "")) }
        let detail = local.isEmpty ? "" : "; " + local.joined(separator: ", ")
        if let origin = requester.origin {
            return "\(shown(origin)) (" + messages.text("screen.web-page-over").description + " \(shown(requester.transport.rawValue.uppercased()))\(detail))"
        }
        return (requester.transport == .unix ? messages.text("screen.local-program").description
            : messages.text("screen.tcp-program").description) + detail + ")"
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
        var lines: [String] = [""]
        lines.append("━━ " + messages.text("screen.new-page-asks").description + " " + String(repeating: "━", count: 24))
        lines.append(column(messages.text("screen.who-asks")) + requester(request.requester))
        if let application = request.application {
            lines.append(messages.text("screen.calls-itself").description + "„\(shown(application))”" + messages.text("screen.cannot-be-checked").description)
        }
        lines.append(messages.text("screen.once-allowed").description)
        emit(lines.joined(separator: "\n"))
    }
}
