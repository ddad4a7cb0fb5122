import Foundation
import TestBench
import XCTest

/// POST /v1/verify on a real podpisd whose `[verification] trust` is the
/// bench's CA chain: a XAdES signature made with `podpis sign` on the bench
/// token comes back naming its signer and reaching the configured anchor,
/// over the Unix socket, with no agent connected (no consent, no token).
final class VerifyRouteTests: BenchTestCase {
    func testABenchSignatureIsVerifiedAgainstTheConfiguredTrustWithoutAToken() throws {
        let dir = try scratchDirectory()
        let signature = try signWithBenchToken(in: dir)

        let daemon = try Daemon(extraSections: """
            [verification]
            trust = ["\(try TestBench.pki("chain.pem"))"]
            """)
        XCTAssertTrue(daemon.logText.contains("verification trust: chain.pem (2)"), daemon.logText)
        let result = try daemon.unix("/v1/verify?name=wniosek.xml.xades", [
            "-H", "Content-Type: application/xml", "--data-binary", "@\(signature)",
        ])
        XCTAssertEqual(result.status, 200, result.text)
        XCTAssertEqual(result.json["schema"] as? String, "podpis.verify/1")
        XCTAssertEqual((result.json["trustSources"] as? [[String: Any]])?.first?["name"] as? String, "chain.pem")
        let signatures = try XCTUnwrap(result.json["signatures"] as? [[String: Any]], result.text)
        XCTAssertEqual(signatures.count, 1, result.text)
        let first = try XCTUnwrap(signatures.first)
        XCTAssertEqual((first["signer"] as? [String: Any])?["name"] as? String, "Anna Nowak", result.text)
        XCTAssertNotEqual(first["indication"] as? String, "TOTAL-FAILED", result.text)
        XCTAssertNotEqual(first["subIndication"] as? String, "NO_CERTIFICATE_CHAIN_FOUND", result.text)
        XCTAssertNotNil(first["trustAnchor"] as? String, result.text)
        let chain = try XCTUnwrap(first["certificateChain"] as? [[String: Any]], result.text)
        XCTAssertTrue((chain.first?["subject"] as? String ?? "").contains("Anna Nowak"), "\(chain)")
        XCTAssertEqual(chain.last?["trustAnchor"] as? Bool, true, "\(chain)")
        let signedData = try XCTUnwrap(first["signedData"] as? [[String: Any]])
        XCTAssertTrue(signedData.contains { $0["intact"] as? Bool == true && $0["kind"] as? String == "data" }, "\(signedData)")

        // The same file with one character of the signed content changed: TOTAL-FAILED.
        let text = try String(contentsOfFile: signature, encoding: .utf8)
        let tampered = dir.appendingPathComponent("tampered.xml").path
        try Data(text.replacingOccurrences(of: "zaświadczenie", with: "zaświadczenia").utf8).write(to: URL(fileURLWithPath: tampered))
        let changed = try daemon.unix("/v1/verify?name=tampered.xml", ["-H", "Content-Type: application/xml", "--data-binary", "@\(tampered)"])
        XCTAssertEqual(changed.status, 200, changed.text)
        XCTAssertEqual(changed.json["indication"] as? String, "TOTAL-FAILED", changed.text)

        // The clerk's text, in Polish.
        let clerk = try daemon.unix("/v1/verify?name=wniosek.xml.xades", [
            "-H", "Content-Type: application/xml", "-H", "Accept: text/plain", "-H", "Accept-Language: pl", "--data-binary", "@\(signature)",
        ])
        XCTAssertEqual(clerk.status, 200, clerk.text)
        XCTAssertTrue(clerk.text.contains("Anna Nowak"), clerk.text)
        XCTAssertTrue(clerk.text.contains("chain.pem"), clerk.text)
    }

    /// With `[verification] trusted_lists` (the bench's test list of lists
    /// and Polish test list, as `podpis tl refresh` leaves them) the daemon
    /// names the lists and the qualification; with no revocation source the
    /// verdict is INDETERMINATE / TRY_LATER and the qualification "Indeterminate QESig".
    func testTheDaemonTakesQualificationFromTheConfiguredTrustedLists() throws {
        let dir = try scratchDirectory()
        let cache = dir.appendingPathComponent("tl").path
        try FileManager.default.createDirectory(atPath: cache, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: env["PODPIS_TL_DIR"]! + "/EU-TEST-LOTL.xml", toPath: cache + "/EU.xml")
        try FileManager.default.copyItem(atPath: env["PODPIS_TL_DIR"]! + "/PL-TEST-TL.xml", toPath: cache + "/PL.xml")
        let signature = try signWithBenchToken(in: dir)
        let daemon = try Daemon(extraSections: """
            [verification]
            trusted_lists = "\(cache)"
            lotl_pins = "\(env["PODPIS_TEST_LOTL_PINNED_CERT"]!)"
            """)
        let result = try daemon.unix("/v1/verify?name=wniosek.xml.xades", [
            "-H", "Content-Type: application/xml", "--data-binary", "@\(signature)",
        ])
        XCTAssertEqual(result.status, 200, result.text)
        let sources = (result.json["trustSources"] as? [[String: Any]])?.compactMap { $0["name"] as? String } ?? []
        XCTAssertTrue(sources.contains { $0.contains("PL TL #") }, "\(sources)")
        let first = try XCTUnwrap((result.json["signatures"] as? [[String: Any]])?.first, result.text)
        XCTAssertEqual(first["subIndication"] as? String, "TRY_LATER", result.text)
        XCTAssertEqual((first["qualification"] as? [String: Any])?["value"] as? String, "Indeterminate QESig", result.text)
    }

    /// `wniosek.xml` signed by person-ec on the bench token (XAdES enveloped B-B); the signature's path.
    func signWithBenchToken(in dir: URL) throws -> String {
        let document = dir.appendingPathComponent("wniosek.xml").path
        try Data("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<wniosek><tresc>Proszę o zaświadczenie</tresc></wniosek>\n".utf8)
            .write(to: URL(fileURLWithPath: document))
        let certificate = String(try OpenSSL.certificateSHA256("person-ec").prefix(16))
        let signed = try TestBench.runCapturing(
            TestBench.product("podpis"),
            ["sign", "--format", "xades", "--packaging", "enveloped", "--level", "B-B", "--cert", certificate, "--pin-fd", "0", document],
            stdin: Data((env["PODPIS_SIGNER_PIN"]! + "\n").utf8), environment: ["LANG": "en_US.UTF-8", "LC_ALL": ""])
        XCTAssertEqual(signed.status, 0, signed.stderr)
        return document + ".xades"
    }
}
