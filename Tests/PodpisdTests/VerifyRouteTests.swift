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

    /// Hostile files sent all at once, with a slow upload holding a
    /// connection open meanwhile: each gets its own answer (the reader's
    /// stable code, or a report that is not PASSED), and a clerk's ordinary
    /// verification sent while they are in flight is answered in full, in
    /// well under the slow upload's time; the daemon is alive afterwards and
    /// its peak memory stays bounded.
    func testHostileFilesGetTheirOwnAnswersWhileTheDaemonKeepsServingOthers() throws {
        let dir = try scratchDirectory()
        let signature = try signWithBenchToken(in: dir)
        let daemon = try Daemon(extraSections: """
            [verification]
            trust = ["\(try TestBench.pki("chain.pem"))"]
            """)
        func xmlSignature(_ references: String) -> String {
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <doc><data Id="d1">treść</data><data Id="d1">druga</data><ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#">\
            <ds:SignedInfo><ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>\
            <ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>\
            <ds:Reference URI="\(references)"><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>\
            <ds:DigestValue>47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=</ds:DigestValue></ds:Reference></ds:SignedInfo>\
            <ds:SignatureValue>AAAA</ds:SignatureValue></ds:Signature></doc>
            """
        }
        let laughs = (1...9).map { n in "<!ENTITY l\(n) \"" + String(repeating: "&l\(n - 1);", count: 10) + "\">" }.joined()
        let deepBER = Array(repeating: [UInt8]([0x30, 0x80]), count: 100_000).flatMap { $0 } + Array(repeating: UInt8(0), count: 200_000)
        // (file name, body, what must come back: the reader's code for a refusal, or "report" for a verdict that is not PASSED)
        let hostile: [(name: String, body: [UInt8], expect: String)] = [
            ("laughs.xml", Array("<?xml version=\"1.0\"?><!DOCTYPE z [<!ENTITY l0 \"lol\">\(laughs)]><z>&l9;</z>".utf8), "xml-entity"),
            ("xxe.xml", Array("<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><x>&e;</x>".utf8), "xml-external-entity"),
            ("dtd.xml", Array("<?xml version=\"1.0\"?><!DOCTYPE x><x/>".utf8), "xml-doctype"),
            ("deep.xml", Array((String(repeating: "<a>", count: 10_000) + String(repeating: "</a>", count: 10_000)).utf8), "xml-too-deep"),
            ("deep.p7s", deepBER, "cms-"),
            ("huge-length.p7s", [0x30, 0x88, 0x40, 0, 0, 0, 0, 0, 0, 0, 0x06, 0x01, 0x00], "cms-"),
            ("same-id.xml", Array(xmlSignature("#d1").utf8), "report"),
            ("passwd.xml", Array(xmlSignature("file:///etc/passwd").utf8), "report"),
            ("remote.xml", Array(xmlSignature("http://127.0.0.1:\(daemon.port)/v1/status").utf8), "report"),
        ]
        // A slow upload: 2 MB at 100 kB/s holds one connection for about 20 s.
        let slowBody = dir.appendingPathComponent("slow.xml").path
        try Data(("<a>" + String(repeating: "x", count: 2_000_000) + "</a>").utf8).write(to: URL(fileURLWithPath: slowBody))
        let slow = try Background.start("curl", [
            "-s", "-o", "/dev/null", "--limit-rate", "100k", "--unix-socket", daemon.socket,
            "-H", "Content-Type: application/xml", "--data-binary", "@\(slowBody)", "http://localhost/v1/verify?name=slow.xml",
        ], output: dir.appendingPathComponent("slow.out").path)
        defer { _ = TestBench.stop(slow, grace: 1) }
        var pending: [(name: String, expect: String, pid: pid_t, out: String)] = []
        for file in hostile {
            let body = dir.appendingPathComponent(file.name).path
            try Data(file.body).write(to: URL(fileURLWithPath: body))
            let out = dir.appendingPathComponent(file.name + ".answer").path
            let pid = try Background.start("curl", [
                "-s", "-o", out, "--unix-socket", daemon.socket, "-H", "Content-Type: application/octet-stream",
                "--data-binary", "@\(body)", "http://localhost/v1/verify?name=\(file.name)",
            ], output: out + ".status")
            pending.append((file.name, file.expect, pid, out))
        }

        // The clerk's ordinary request, while the others are in flight.
        let started = Date()
        let ordinary = try daemon.unix("/v1/verify?name=wniosek.xml.xades", ["-H", "Content-Type: application/xml", "--data-binary", "@\(signature)"])
        let took = Date().timeIntervalSince(started)
        XCTAssertEqual(ordinary.status, 200, ordinary.text)
        let first = try XCTUnwrap((ordinary.json["signatures"] as? [[String: Any]])?.first, ordinary.text)
        XCTAssertEqual((first["signer"] as? [String: Any])?["name"] as? String, "Anna Nowak", ordinary.text)
        XCTAssertNotNil(first["trustAnchor"] as? String, ordinary.text)
        XCTAssertLessThan(took, 10, "the ordinary verification waited behind the hostile ones")
        XCTAssertEqual(TestBench.reap(slow, within: 0), nil, "the slow upload should still be in flight (the test proves nothing otherwise)")

        for request in pending {
            XCTAssertEqual(TestBench.reap(request.pid, within: 60), 0, "\(request.name): curl did not finish")
            let answer = (try? JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: request.out)))) as? [String: Any] ?? [:]
            if request.expect == "report" {
                XCTAssertEqual(answer["schema"] as? String, "podpis.verify/1", "\(request.name): \(answer)")
                XCTAssertNotEqual(answer["indication"] as? String, "TOTAL-PASSED", "\(request.name): \(answer)")
                XCTAssertNotNil(answer["indication"] as? String, "\(request.name): \(answer)")
            } else {
                XCTAssertEqual(answer["code"] as? String, "bad-document", "\(request.name): \(answer)")
                XCTAssertTrue((answer["reason"] as? String ?? "").hasPrefix(request.expect), "\(request.name): \(answer)")
            }
        }
        // The same-Id file is a format failure, never "the first match".
        let sameID = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir.appendingPathComponent("same-id.xml.answer").path))) as? [String: Any]
        XCTAssertEqual(((sameID?["signatures"] as? [[String: Any]])?.first)?["subIndication"] as? String, "FORMAT_FAILURE", "\(sameID ?? [:])")

        XCTAssertEqual(kill(daemon.pid, 0), 0, "podpisd is gone")
        let again = try daemon.unix("/v1/verify?name=wniosek.xml.xades", ["-H", "Content-Type: application/xml", "--data-binary", "@\(signature)"])
        XCTAssertEqual(again.status, 200, again.text)
        // Peak memory (the kernel's high-water mark) after all of it: bounded, not proportional to the entities' expansion.
        let status = try String(contentsOfFile: "/proc/\(daemon.pid)/status", encoding: .utf8)
        let peakKiB = Int(status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") }?.split(separator: " ").dropFirst().first ?? "") ?? 0
        XCTAssertGreaterThan(peakKiB, 0, status)
        XCTAssertLessThan(peakKiB, 256 * 1024, "podpisd peaked at \(peakKiB) KiB")
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
