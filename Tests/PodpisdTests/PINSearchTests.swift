import Foundation
import TestBench
import XCTest

/// The PIN travels only from the agent to the daemon over the Unix socket:
/// a whole session — pairing over TCP, a signature, a wrong PIN, refused
/// pages — is captured on the daemon's TCP port with tcpdump, and then
/// everything the run wrote (the daemon's log, the audit trail, the pairing
/// file, the agents' logs, every response, the capture) is searched for the
/// right and the wrong PIN, as text, UTF-16 and base64.
final class PINSearchTests: XCTestCase {
    var env: [String: String] = [:]
    override func setUpWithError() throws { env = try TestBench.require() }

    /// A SoftHSM configuration of the test's own, with one token whose PIN
    /// nobody else uses, holding the bench's seal key and certificate.
    func tokenWithFreshPIN(_ pin: String, in dir: URL) throws -> String {
        let conf = dir.appendingPathComponent("softhsm2.conf").path
        let tokens = dir.appendingPathComponent("tokens").path
        try FileManager.default.createDirectory(atPath: tokens, withIntermediateDirectories: true)
        try Data("directories.tokendir = \(tokens)\nobjectstore.backend = file\nlog.level = ERROR\n".utf8).write(to: URL(fileURLWithPath: conf))
        let environment = ["SOFTHSM2_CONF": conf]
        let module = env["PODPIS_SOFTHSM_MODULE"]!
        func run(_ program: String, _ arguments: [String]) throws {
            let result = try TestBench.runCapturing(program, arguments, environment: environment)
            guard result.status == 0 else { throw TestBench.NotUp(description: "\(program): \(result.stdout) \(result.stderr)") }
        }
        try run("softhsm2-util", ["--init-token", "--free", "--label", "PIN Search", "--so-pin", "87654321", "--pin", pin])
        let key = dir.appendingPathComponent("seal.key.der").path
        try run("openssl", ["pkcs8", "-topk8", "-nocrypt", "-in", try TestBench.pki("seal.key"), "-outform", "DER", "-out", key])
        let login = ["--module", module, "--token-label", "PIN Search", "--login", "--pin", pin]
        try run("pkcs11-tool", login + ["--write-object", key, "--type", "privkey", "--id", "01", "--label", "seal", "--usage-sign", "--sensitive", "--private"])
        try run("pkcs11-tool", login + ["--write-object", try TestBench.pki("seal.der"), "--type", "cert", "--id", "01", "--label", "seal"])
        try FileManager.default.removeItem(atPath: key)
        return conf
    }

    /// The forms a PIN could take in a file: text, UTF-16LE, and base64 at
    /// each of the three alignments (without the edge characters that depend
    /// on neighbouring bytes).
    static func needles(_ pin: String) -> [(form: String, bytes: Data)] {
        var forms: [(String, Data)] = [("text", Data(pin.utf8)), ("utf-16", pin.data(using: .utf16LittleEndian)!)]
        for pad in 0..<3 {
            let encoded = Data(Array(repeating: UInt8(0), count: pad) + Array(pin.utf8)).base64EncodedString()
            let start = encoded.index(encoded.startIndex, offsetBy: pad == 0 ? 0 : pad + 1)
            let end = encoded.index(encoded.endIndex, offsetBy: -2)
            if start < end { forms.append(("base64+\(pad)", Data(encoded[start..<end].utf8))) }
        }
        return forms
    }

    func testNoPINInAnythingTheRunWrote() throws {
        let pin = "4" + String(Int.random(in: 1_000_000...9_999_999))
        let wrongPIN = "7" + String(Int.random(in: 1_000_000...9_999_999))
        let softhsm = try tokenWithFreshPIN(pin, in: try TestBench.temporaryDirectory())
        let daemon = try Daemon(environment: ["SOFTHSM2_CONF": softhsm])
        let capture = daemon.dir.appendingPathComponent("tcp.pcap").path
        let tcpdump = try Background.start("tcpdump", ["-i", "lo", "-Z", "root", "--immediate-mode", "-U", "-s", "0", "-w", capture, "tcp", "port", String(daemon.port)],
                                           output: capture + ".log")
        XCTAssertTrue(TestBench.waitUntil(timeout: 10) {
            ((try? String(contentsOfFile: capture + ".log", encoding: .utf8)) ?? "").contains("listening on")
        }, "tcpdump did not start")
        var responses: [HTTPResult] = []

        let right = try ScriptedAgent(daemon, pins: ["PIN Search": pin], pairing: "once")
        let certificates = try XCTUnwrap(try daemon.unix("/v1/certificates").json["certificates"] as? [[String: Any]])
        let seal = try XCTUnwrap(certificates.first?["id"] as? String)
        let document = daemon.dir.appendingPathComponent("zaswiadczenie-pin-search.txt").path
        try Data("Zaświadczenie do wyszukiwania PIN-u\n".utf8).write(to: URL(fileURLWithPath: document))
        let path = "/v1/sign?name=zaswiadczenie-pin-search.txt&format=cades&packaging=detached&certificate=\(seal)"
        func signTCP(_ headers: [String]) throws -> HTTPResult {
            let result = try daemon.tcp(path, ["-H", "Content-Type: text/plain", "--data-binary", "@\(document)"] + headers.flatMap { ["-H", $0] })
            responses.append(result)
            return result
        }

        // A program pairs over TCP and signs; a configured page signs too.
        let program = try daemon.pair(origin: nil)
        let signed = try signTCP(["Authorization: Bearer \(program)"])
        XCTAssertEqual(signed.status, 200, signed.text)
        let page = try daemon.pair()
        XCTAssertEqual(try signTCP(["Origin: https://ezd.example.gov.pl", "Authorization: Bearer \(page)"]).status, 200)
        // Refused ones.
        XCTAssertEqual(try signTCP(["Origin: http://evil.example"]).status, 403)
        XCTAssertEqual(try signTCP([]).status, 403)
        // A wrong PIN from a second, newer agent: reported, never retried.
        do {
            let wrong = try ScriptedAgent(daemon, pins: ["PIN Search": wrongPIN])
            let failed = try signTCP(["Authorization: Bearer \(program)"])
            XCTAssertEqual(failed.problem, "wrong-pin", failed.text)
            XCTAssertEqual(wrong.consents.count, 1)
        }
        XCTAssertEqual(right.consents.count, 2)

        Thread.sleep(forTimeInterval: 0.5)
        Background.stop(tcpdump)
        let trail = try String(contentsOfFile: daemon.auditFile, encoding: .utf8)
        XCTAssertEqual(trail.split(separator: "\n").count, 3, "two signatures and the wrong PIN are in the trail")

        // Everything the run wrote.
        var files: [(String, Data)] = [("capture", try Data(contentsOf: URL(fileURLWithPath: capture)))]
        for name in (try FileManager.default.contentsOfDirectory(atPath: daemon.dir.path)) where name != "tcp.pcap" {
            let file = daemon.dir.appendingPathComponent(name).path
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory), !isDirectory.boolValue,
                let data = FileManager.default.contents(atPath: file)
            {
                files.append((name, data))
            }
        }
        for (index, response) in responses.enumerated() {
            files.append(("response \(index)", response.body + Data(response.headers.map { "\($0): \($1)\n" }.joined().utf8)))
        }
        XCTAssertTrue(files.contains { $0.0 == "podpisd.log" } && files.contains { $0.0 == "audit.jsonl" })

        // The capture really holds the session (else finding nothing proves nothing).
        let captured = files[0].1
        XCTAssertNotNil(captured.range(of: Data("POST /v1/sign".utf8)), "capture: \(captured.count) bytes; \((try? String(contentsOfFile: capture + ".log", encoding: .utf8)) ?? "")")
        XCTAssertNotNil(captured.range(of: Data("zaswiadczenie-pin-search.txt".utf8)))
        XCTAssertNotNil(captured.range(of: Data(program.utf8)), "the pairing token does travel on TCP")
        for (form, needle) in Self.needles(pin) { XCTAssertNotNil(needle.isEmpty ? nil : (Data("x".utf8) + needle).range(of: needle), form) }

        for (secret, label) in [(pin, "the PIN"), (wrongPIN, "the wrong PIN")] {
            for (name, data) in files {
                for (form, needle) in Self.needles(secret) {
                    XCTAssertNil(data.range(of: needle), "\(label) found in \(name) as \(form)")
                }
            }
        }
    }
}
