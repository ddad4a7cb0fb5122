import Foundation
import TestBench
import XCTest

/// POST /v1/extend on a real podpisd: `[verification]` trusts the bench's
/// root, fetches online from the bench's loopback responders
/// (`allow_addresses`), keeps what it fetched in `revocation_cache`, and
/// time-stamps with the bench TSA (`[timestamp] urls`). A XAdES B-T made by
/// `podpis sign` comes back B-LT and B-LTA that `podpis verify` passes with
/// nothing but what the file carries; refusals carry their stable reason.
final class ExtendRouteTests: BenchTestCase {
    func daemon(cache: String, online: Bool = true) throws -> Daemon {
        try Daemon(extraSections: """
            [verification]
            trust = ["\(try TestBench.pki("root.pem"))"]
            online = \(online)
            allow_addresses = ["127.0.0.1/32"]
            revocation_cache = "\(cache)"
            """)
    }

    func signBT(in dir: URL, name: String = "zaswiadczenie.xml") throws -> String {
        let document = dir.appendingPathComponent(name).path
        try Data("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Zaswiadczenie><Nr>7/2026</Nr></Zaswiadczenie>\n".utf8).write(to: URL(fileURLWithPath: document))
        let certificate = String(try OpenSSL.certificateSHA256("person-ec").prefix(16))
        let signed = try TestBench.runCapturing(
            TestBench.product("podpis"),
            ["sign", "--format", "xades", "--level", "B-T", "--tsa", env["PODPIS_TSA_URL"]!, "--cert", certificate, "--pin-fd", "0",
             "-o", document + ".xades", document],
            stdin: Data((env["PODPIS_SIGNER_PIN"]! + "\n").utf8), environment: ["LANG": "en_US.UTF-8", "LC_ALL": ""])
        XCTAssertEqual(signed.status, 0, signed.stderr)
        return document + ".xades"
    }

    /// The extended file verified by the CLI with an empty cache and no network.
    func verifyOffline(_ path: String, in dir: URL) throws -> [String: Any] {
        let result = try TestBench.runCapturing(TestBench.product("podpis"), [
            "verify", path, "--json", "--trust", try TestBench.pki("root.pem"), "--no-trusted-lists",
            "--revocation-cache", dir.appendingPathComponent("empty").path,
        ])
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    }

    func testAXAdESBTBecomesBLTAndBLTAThroughTheDaemon() throws {
        let dir = try scratchDirectory()
        let signature = try signBT(in: dir)
        let original = try Data(contentsOf: URL(fileURLWithPath: signature))
        let daemon = try daemon(cache: dir.appendingPathComponent("cache").path)

        // Raw form, JSON answer: B-LT.
        let lt = try daemon.unix("/v1/extend?name=zaswiadczenie.xml.xades&level=B-LT", [
            "-H", "Content-Type: application/xml", "--data-binary", "@\(signature)",
        ])
        XCTAssertEqual(lt.status, 200, lt.text)
        XCTAssertEqual(lt.json["schema"] as? String, "podpis.extend/1")
        XCTAssertEqual(lt.json["name"] as? String, "zaswiadczenie.xml-LT.xades")
        XCTAssertEqual(lt.json["level"] as? String, "B-LT")
        let ltReport = try XCTUnwrap(lt.json["report"] as? [String: Any], lt.text)
        let ltSignature = try XCTUnwrap((ltReport["signatures"] as? [[String: Any]])?.first)
        XCTAssertEqual(lt.json["extended"] as? [String], [try XCTUnwrap(ltSignature["id"] as? String)])
        XCTAssertEqual(ltSignature["level"] as? String, "XAdES-BASELINE-LT", lt.text)
        XCTAssertEqual(ltSignature["indication"] as? String, "TOTAL-PASSED", lt.text)
        let ltBytes = try XCTUnwrap(Data(base64Encoded: lt.json["content"] as? String ?? ""))
        let ltPath = dir.appendingPathComponent("z-LT.xml").path
        try ltBytes.write(to: URL(fileURLWithPath: ltPath))
        let offline = try verifyOffline(ltPath, in: dir)
        XCTAssertEqual((offline["signatures"] as? [[String: Any]])?.first?["level"] as? String, "XAdES-BASELINE-LT")
        XCTAssertEqual(offline["indication"] as? String, "TOTAL-PASSED", "\(offline)")
        // Only inserted: the original's bytes are a prefix and a suffix of the result.
        XCTAssertGreaterThan(ltBytes.count, original.count)
        let split = zip(original, ltBytes).prefix { $0 == $1 }.count
        XCTAssertEqual(Data(ltBytes.suffix(original.count - split)), Data(original.suffix(original.count - split)))

        // JSON form, the file itself as the answer: B-LTA.
        let body = try JSONSerialization.data(withJSONObject: [
            "signature": ["name": "z-LT.xml", "content": ltBytes.base64EncodedString()], "level": "B-LTA",
        ])
        let bodyPath = dir.appendingPathComponent("body.json").path
        try body.write(to: URL(fileURLWithPath: bodyPath))
        let ltaPath = dir.appendingPathComponent("z-LTA.xml").path
        let lta = try daemon.unix("/v1/extend", [
            "-H", "Content-Type: application/json", "-H", "Accept: application/octet-stream", "--data-binary", "@\(bodyPath)",
        ])
        XCTAssertEqual(lta.status, 200, lta.text)
        XCTAssertEqual(lta.headers["podpis-levels"], "XAdES-BASELINE-LTA", "\(lta.headers)")
        XCTAssertEqual(lta.headers["content-disposition"], "attachment; filename=\"z-LT-LTA.xml\"", "\(lta.headers)")
        try lta.body.write(to: URL(fileURLWithPath: ltaPath))
        let ltaOffline = try verifyOffline(ltaPath, in: dir)
        XCTAssertEqual((ltaOffline["signatures"] as? [[String: Any]])?.first?["level"] as? String, "XAdES-BASELINE-LTA")
        XCTAssertEqual(ltaOffline["indication"] as? String, "TOTAL-PASSED", "\(ltaOffline)")

        // What the daemon fetched is in its cache.
        let cached = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("cache").path)
        XCTAssertFalse(cached.isEmpty)
    }

    func testRefusalsCarryTheirReasonAndTheDaemonKeepsServing() throws {
        let dir = try scratchDirectory()
        let signature = try signBT(in: dir)
        // Offline and nothing cached: the data is missing, and said so.
        let offline = try daemon(cache: dir.appendingPathComponent("cache").path, online: false)
        let missing = try offline.unix("/v1/extend?name=z.xades", ["-H", "Content-Type: application/xml", "--data-binary", "@\(signature)"])
        XCTAssertEqual(missing.status, 422, missing.text)
        XCTAssertEqual(missing.json["code"] as? String, "cannot-extend", missing.text)
        XCTAssertEqual(missing.json["reason"] as? String, "extend-data-missing", missing.text)

        let daemon = try daemon(cache: dir.appendingPathComponent("cache2").path)
        // A tampered signature: not intact.
        let text = try String(contentsOfFile: signature, encoding: .utf8)
        let tampered = dir.appendingPathComponent("tampered.xml").path
        try Data(text.replacingOccurrences(of: "7/2026", with: "8/2026").utf8).write(to: URL(fileURLWithPath: tampered))
        let notIntact = try daemon.unix("/v1/extend?name=t.xml", ["-H", "Content-Type: application/xml", "--data-binary", "@\(tampered)"])
        XCTAssertEqual(notIntact.status, 422, notIntact.text)
        XCTAssertEqual(notIntact.json["reason"] as? String, "extend-signature-not-intact", notIntact.text)
        // A file with no signature; a hostile XML; an unknown level; an unknown parameter.
        let plain = dir.appendingPathComponent("plain.xml").path
        try Data("<a>b</a>".utf8).write(to: URL(fileURLWithPath: plain))
        let none = try daemon.unix("/v1/extend?name=plain.xml", ["-H", "Content-Type: application/xml", "--data-binary", "@\(plain)"])
        XCTAssertEqual(none.status, 422, none.text)
        XCTAssertEqual(none.json["reason"] as? String, "extend-no-signature", none.text)
        let hostile = dir.appendingPathComponent("lol.xml").path
        try Data("<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY x \"xx\">]><a>&x;</a>".utf8).write(to: URL(fileURLWithPath: hostile))
        let entity = try daemon.unix("/v1/extend?name=lol.xml", ["-H", "Content-Type: application/xml", "--data-binary", "@\(hostile)"])
        XCTAssertTrue([400, 422].contains(entity.status), entity.text)
        XCTAssertNotEqual(entity.json["code"] as? String, "internal", entity.text)
        let level = try daemon.unix("/v1/extend?name=z.xades&level=B-X", ["-H", "Content-Type: application/xml", "--data-binary", "@\(signature)"])
        XCTAssertEqual(level.status, 400, level.text)
        XCTAssertTrue(level.text.contains("B-X"), level.text)
        let unknown = try daemon.unix("/v1/extend?name=z.xades&at=2026-01-01", ["-H", "Content-Type: application/xml", "--data-binary", "@\(signature)"])
        XCTAssertEqual(unknown.status, 400, unknown.text)
        // Still serving.
        let status = try daemon.unix("/v1/status")
        XCTAssertEqual(status.status, 200, status.text)
    }
}
