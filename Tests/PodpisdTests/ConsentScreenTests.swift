import Foundation
import TestBench
import XCTest

/// The consent screen cannot be forged: a `role`, `mimeType`, document name
/// or pairing `application` that could move the cursor, erase lines or
/// reorder text is refused by the API with a stable code before the clerk is
/// asked; what the daemon cannot refuse (here a requester's process name,
/// chosen by whoever runs it) reaches the clerk's terminal with every unsafe
/// character shown as `\uXXXX`.
final class ConsentScreenTests: XCTestCase {
    var env: [String: String] = [:]
    override func setUpWithError() throws { env = try TestBench.require() }

    /// ESC [2K erases the line, ESC [1A moves up: enough to draw a fake "Certificate:" line over the real one.
    static let forgery = "\u{1B}[2K\u{1B}[1A\u{1B}[2KCertificate:  Jan Kowalski — qualified"

    func testAnEscapeOrBidiRoleMediaTypeNameOrApplicationIsRefusedBeforeTheClerkIsAsked() throws {
        let daemon = try Daemon()
        let agent = try ScriptedAgent(daemon, pins: [env["PODPIS_SEAL_TOKEN"]!: env["PODPIS_SEAL_PIN"]!], pairing: "once")
        let seal = try daemon.sealCertificateID()
        let document = daemon.dir.appendingPathComponent("pismo.txt").path
        try Data("Pismo\n".utf8).write(to: URL(fileURLWithPath: document))
        func raw(_ query: String) throws -> HTTPResult {
            try daemon.unix("/v1/sign?name=pismo.txt&format=cades&packaging=detached&certificate=\(seal)&\(query)",
                            ["-H", "Content-Type: text/plain", "--data-binary", "@\(document)"])
        }
        func encoded(_ text: String) -> String {
            text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        }
        func rawNamed(_ name: String) throws -> HTTPResult {
            try daemon.unix("/v1/sign?name=\(encoded(name))&format=cades&packaging=detached&certificate=\(seal)",
                            ["-H", "Content-Type: text/plain", "--data-binary", "@\(document)"])
        }
        func json(_ document: [String: Any], role: String? = nil) throws -> HTTPResult {
            var body: [String: Any] = [
                "format": "cades", "packaging": "detached", "certificate": seal,
                "documents": [document.merging(["content": Data("Pismo\n".utf8).base64EncodedString()]) { $1 }],
            ]
            if let role { body["role"] = role }
            let file = daemon.dir.appendingPathComponent("req-\(UUID().uuidString).json").path
            try JSONSerialization.data(withJSONObject: body).write(to: URL(fileURLWithPath: file))
            return try daemon.unix("/v1/sign", ["-H", "Content-Type: application/json", "--data-binary", "@\(file)"])
        }

        let cases: [(String, HTTPResult, String)] = [
            ("raw role with ESC", try raw("role=" + encoded("Kierownik" + Self.forgery)), "bad-role"),
            ("raw role with U+202E", try raw("role=" + encoded("Kierownik \u{202E}atsinimda")), "bad-role"),
            ("raw role with U+2066", try raw("role=" + encoded("\u{2066}Kierownik")), "bad-role"),
            ("raw role too long", try raw("role=" + String(repeating: "a", count: 257)), "bad-role"),
            ("raw mimeType with ESC", try raw("mimeType=" + encoded("text/plain" + Self.forgery)), "bad-mime-type"),
            ("raw mimeType with U+202E", try raw("mimeType=" + encoded("text/\u{202E}lmth")), "bad-mime-type"),
            ("raw mimeType not type/subtype", try raw("mimeType=" + encoded("plain text")), "bad-mime-type"),
            ("JSON role with a zero-width space", try json(["name": "a.txt"], role: "Kie\u{200B}rownik"), "bad-role"),
            ("JSON role with C1 CSI", try json(["name": "a.txt"], role: "Kierownik\u{9B}2K"), "bad-role"),
            ("JSON mimeType with ESC", try json(["name": "a.txt", "mimeType": "text/plain\u{1B}[2K"]), "bad-mime-type"),
            ("JSON mimeType with a line separator", try json(["name": "a.txt", "mimeType": "text/plain\u{2028}x"]), "bad-mime-type"),
            ("raw name with U+202E", try rawNamed("faktura\u{202E}fdp.exe"), "bad-name"),
            ("raw name with ESC", try rawNamed("pismo" + Self.forgery + ".txt"), "bad-name"),
            ("JSON name with U+202E", try json(["name": "faktura\u{202E}fdp.exe"]), "bad-name"),
            ("JSON name with U+FEFF", try json(["name": "a\u{FEFF}.txt"]), "bad-name"),
        ]
        for (what, result, code) in cases {
            XCTAssertEqual(result.status, 400, "\(what): \(result.text)")
            XCTAssertEqual(result.problem, code, "\(what): \(result.text)")
        }
        XCTAssertEqual(agent.consents.count, 0, "no forged question reached the clerk")

        // The pairing `application` is shown to the clerk too.
        for application in ["EZD" + Self.forgery, "EZD \u{202E}ynapmoc", "EZD\u{2029}", String(repeating: "x", count: 101)] {
            let body = daemon.dir.appendingPathComponent("pair-\(UUID().uuidString).json").path
            try JSONSerialization.data(withJSONObject: ["application": application]).write(to: URL(fileURLWithPath: body))
            let pairing = try daemon.tcp("/v1/pairing", [
                "-X", "POST", "-H", "Origin: https://inna.example.gov.pl", "-H", "Content-Type: application/json", "--data-binary", "@\(body)",
            ])
            XCTAssertEqual(pairing.status, 400, pairing.text)
            XCTAssertEqual(pairing.problem, "bad-application", pairing.text)
        }
        XCTAssertFalse(agent.events.contains { $0.event == "pairing" }, "no pairing question was asked")

        // Legitimate values still pass: a Polish role and a media type with a parameter.
        let fine = try raw("role=" + encoded("Kierownik Referatu Spraw Obywatelskich") + "&mimeType=" + encoded("text/plain; charset=\"UTF-8\""))
        XCTAssertEqual(fine.status, 200, fine.text)
        let shown = try XCTUnwrap((agent.consents.last?["documents"] as? [[String: Any]])?.first)
        XCTAssertEqual(shown["mimeType"] as? String, "text/plain; charset=\"UTF-8\"")
    }

    /// A hostile card: its token label erases the lines above and turns the
    /// text around. The daemon cannot refuse what a card says; the clerk sees
    /// it escaped, in the "Card/token" line and in the PIN prompt.
    func testAHostileTokenLabelCannotRedrawTheScreen() throws {
        let label = "\u{1B}[2K\u{1B}[1A\u{1B}[2K\u{202E}Seal"
        let pin = "4711"
        let tokens = try TestBench.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tokens) }
        // The bench's own token script, with the card's label chosen by the attacker.
        let conf = try TestBench.run(
            "/bin/bash", [try TestBench.value("PODPIS_TESTBED_SCRIPTS") + "/doctor-token.sh", tokens.path, label, pin, "person-rsa"]
        ).trimmingCharacters(in: .whitespacesAndNewlines)
        let daemon = try Daemon(environment: ["SOFTHSM2_CONF": conf])
        let agent = try PINAgentTests.TerminalAgent(daemon, actions: ["pin:\(pin)"])
        let certificates = try XCTUnwrap(try daemon.unix("/v1/certificates").json["certificates"] as? [[String: Any]])
        let id = try XCTUnwrap(certificates.first { $0["token"] as? String == label }?["id"] as? String, "\(certificates)")
        let document = daemon.dir.appendingPathComponent("pismo.txt").path
        try Data("Pismo\n".utf8).write(to: URL(fileURLWithPath: document))
        let result = try daemon.unix("/v1/sign?name=pismo.txt&format=cades&packaging=detached&certificate=\(id)",
                                     ["-H", "Content-Type: text/plain", "--data-binary", "@\(document)"])
        XCTAssertEqual(result.status, 200, result.text)
        let bytes = [UInt8]((try? Data(contentsOf: URL(fileURLWithPath: agent.screen))) ?? Data())
        let screen = String(decoding: bytes, as: UTF8.self)
        let shown = "\\u001B[2K\\u001B[1A\\u001B[2K\\u202ESeal"
        XCTAssertTrue(screen.contains("Card/token:   " + shown), screen)
        XCTAssertTrue(screen.contains("PIN for “" + shown + "”"), screen)
        XCTAssertFalse(bytes.contains(0x1B), "no ESC byte reached the terminal: \(screen)")
        XCTAssertFalse(screen.unicodeScalars.contains("\u{202E}"), "no U+202E reached the terminal")
    }

    /// A requester's process name is whatever its executable is called; the
    /// clerk sees it escaped, and nothing it holds moves the cursor.
    func testTheAgentShowsUnsafeCharactersFromARequesterEscaped() throws {
        let daemon = try Daemon()
        let agent = try PINAgentTests.TerminalAgent(daemon, actions: ["pin:\(env["PODPIS_SEAL_PIN"]!)"])
        let seal = try daemon.sealCertificateID()
        // /proc/PID/comm is the executable's name (15 bytes at most): ESC [2K, U+202E, "evil".
        let hostile = "\u{1B}[2K\u{202E}evil"
        let curl = daemon.dir.appendingPathComponent(hostile).path
        let real = try TestBench.run("sh", ["-c", "command -v curl"]).trimmingCharacters(in: .whitespacesAndNewlines)
        try FileManager.default.createSymbolicLink(atPath: curl, withDestinationPath: real)
        let document = daemon.dir.appendingPathComponent("pismo.txt").path
        try Data("Pismo\n".utf8).write(to: URL(fileURLWithPath: document))
        let result = try TestBench.runCapturing(curl, [
            "-s", "-o", "/dev/null", "-w", "%{http_code}", "--unix-socket", daemon.socket,
            "http://localhost/v1/sign?name=pismo.txt&format=cades&packaging=detached&certificate=\(seal)",
            "-H", "Content-Type: text/plain", "--data-binary", "@\(document)",
        ])
        XCTAssertEqual(result.stdout, "200", result.stderr)
        let bytes = [UInt8]((try? Data(contentsOf: URL(fileURLWithPath: agent.screen))) ?? Data())
        let screen = String(decoding: bytes, as: UTF8.self)
        XCTAssertTrue(screen.contains("\\u001B[2K\\u202Eevil"), screen)
        XCTAssertFalse(bytes.contains(0x1B), "no ESC byte reached the terminal: \(screen)")
        XCTAssertFalse(screen.unicodeScalars.contains("\u{202E}"), "no U+202E reached the terminal")
        XCTAssertFalse(screen.unicodeScalars.contains { $0.value >= 0x80 && $0.value < 0xA0 }, "no C1 control reached the terminal")
    }
}
