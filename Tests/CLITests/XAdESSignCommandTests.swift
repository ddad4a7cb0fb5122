import Foundation
import TestBench
import XCTest

/// `podpis sign --format xades` as a clerk or a script runs it; PINs come on
/// standard input through --pin-fd 0, one per line.
final class XAdESSignCommandTests: SignCommandCase {
    private func sign(_ arguments: [String], pins: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        try runSign(format: "xades", arguments, pins: pins)
    }

    /// xmlsec1 trusting the test root, run in the signature's directory (detached references are file names).
    private func xmlsec1(_ path: String, id: String? = nil) throws -> Bool {
        var args = ["--verify", "--enabled-key-data", "x509", "--trusted-pem", try TestBench.pki("root.pem"),
                    "--untrusted-pem", try TestBench.pki("ca.pem"),
                    "--id-attr:Id", "http://uri.etsi.org/01903/v1.3.2#:SignedProperties"]
        if let id { args += ["--id-attr:Id", "Signature", "--node-id", id] }
        let result = try TestBench.runCapturing("/bin/sh", ["-c", "cd \"$(dirname \"$0\")\" && exec xmlsec1 \"$@\"", path] + args + [path])
        return result.status == 0 && (result.stdout + result.stderr).hasPrefix("OK")
    }

    private func file(_ name: String, _ text: String) throws -> String {
        let path = dir.appendingPathComponent(name).path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    private let xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<wniosek xmlns=\"urn:podpis:test\"><tresc>Proszę o zaświadczenie</tresc></wniosek>\n"

    func testEnvelopedWithAnAlwaysAuthenticateKeyAsksTheContextPINAndVerifies() throws {
        let pin = try TestBench.value("PODPIS_SIGNER_PIN")
        let doc = try file("wniosek.xml", xml)
        // Login, then the context PIN of CKA_ALWAYS_AUTHENTICATE: two lines.
        let result = try sign(["--cert", try certificateID("person-rsa.pem"), "--commitment", "approval", doc], pins: [pin, pin])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(try xmlsec1(doc + ".xades"))
        XCTAssertEqual(try String(contentsOfFile: doc, encoding: .utf8), xml, "the input is never changed")
        XCTAssertFalse(result.stdout.contains(pin + "\n") || result.stderr.contains(pin + "\n"))

        // A second (parallel) signature on the signed document keeps the first valid.
        let first = try XCTUnwrap(try String(contentsOfFile: doc + ".xades", encoding: .utf8).firstMatch(of: /Signature xmlns:ds="[^"]+" Id="([^"]+)"/)).1
        let second = dir.appendingPathComponent("wniosek.2.xml").path
        let again = try sign(["--cert", try certificateID("seal.pem"), doc + ".xades", "-o", second], pins: [try TestBench.value("PODPIS_SEAL_PIN")])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(try xmlsec1(second, id: String(first)))

        // With only the login PIN, the signature cannot get its context PIN: exit 8, nothing written.
        let other = try file("inny.xml", xml)
        let short = try sign(["--cert", try certificateID("person-rsa.pem"), other], pins: [pin])
        XCTAssertEqual(short.status, 8, short.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: other + ".xades"))
    }

    func testDetachedOverSeveralFilesWritesOneXAdESBesideThemAndNeverOverwrites() throws {
        let pin = try TestBench.value("PODPIS_SEAL_PIN")
        let pdf = try file("zaświadczenie nr 1.pdf", "%PDF-1.7 zaświadczenie\n")
        let txt = try file("załącznik.txt", "załącznik\n")
        let result = try sign(["--cert", try certificateID("seal.pem"), "--json", pdf, txt], pins: [pin])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("zaświadczenie nr 1.pdf.xades"), result.stdout)
        XCTAssertTrue(try xmlsec1(pdf + ".xades"))
        let before = try Data(contentsOf: URL(fileURLWithPath: pdf + ".xades"))
        let again = try sign(["--cert", try certificateID("seal.pem"), pdf, txt], pins: [pin])
        XCTAssertEqual(again.status, 9, again.stderr)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: pdf + ".xades")), before)
    }

    func testHostileXMLIsRefusedBeforeAnyPINIsAsked() throws {
        let cases: [(String, String, String)] = [
            ("laughs.xml", "<!DOCTYPE l [<!ENTITY a \"aaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]><l>&b;</l>", "xml-entity"),
            ("xxe.xml", "<!DOCTYPE l [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><l>&x;</l>", "xml-external-entity"),
            ("deep.xml", String(repeating: "<a>", count: 10_000) + String(repeating: "</a>", count: 10_000), "xml-too-deep"),
            ("pusty.xml", "", "xml-empty"),
            ("skan.xml", "%PDF-1.4 not xml", "xml-not-xml"),
        ]
        for (name, content, code) in cases {
            let doc = try file(name, content)
            // No PIN lines at all: had the command reached the token it would fail on the PIN (exit 8).
            let result = try sign(["--json", doc], pins: [])
            XCTAssertEqual(result.status, 10, "\(name): \(result.stdout) \(result.stderr)")
            XCTAssertTrue(result.stdout.contains("\"code\" : \"\(code)\""), "\(name): \(result.stdout)")
            XCTAssertFalse((result.stdout + result.stderr).lowercased().contains("pin"), "\(name): \(result.stdout)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: doc + ".xades"))
        }
        // Not UTF-8 and not declared: bytes, not a Swift string.
        let latin2 = dir.appendingPathComponent("latin2.xml")
        try Data([0x3C, 0x61, 0x3E, 0xBF, 0xF3, 0xB3, 0xE6, 0x3C, 0x2F, 0x61, 0x3E]).write(to: latin2)
        let result = try sign(["--json", latin2.path], pins: [])
        XCTAssertEqual(result.status, 10, result.stdout)
        XCTAssertTrue(result.stdout.contains("\"code\" : \"xml-encoding\""), result.stdout)
    }

    func testBTWithAFailingTSAWritesNothing() throws {
        let doc = try file("decyzja.xml", xml)
        let result = try sign(["--cert", try certificateID("seal.pem"), "--level", "B-T", "--tsa", try TestBench.value("PODPIS_TSA_ERROR_URL"), doc],
                              pins: [try TestBench.value("PODPIS_SEAL_PIN")])
        XCTAssertEqual(result.status, 11, result.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: doc + ".xades"))
        let ok = try sign(["--cert", try certificateID("seal.pem"), "--level", "B-T", "--tsa", try TestBench.value("PODPIS_TSA_URL"), doc],
                          pins: [try TestBench.value("PODPIS_SEAL_PIN")])
        XCTAssertEqual(ok.status, 0, ok.stderr)
        XCTAssertTrue(try String(contentsOfFile: doc + ".xades", encoding: .utf8).contains("<xades:EncapsulatedTimeStamp>"))
        XCTAssertTrue(try xmlsec1(doc + ".xades"))
    }
}
