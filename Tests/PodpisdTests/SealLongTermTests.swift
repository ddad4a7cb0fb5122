import Foundation
import TestBench
import XCTest

/// Seal profiles at B-LT and B-LTA through podpisd (`podpis seal` to the
/// batch API): every seal verifies TOTAL-PASSED at its level with nothing
/// but what it carries, passes xmlsec1 / `openssl cms -verify`, and the
/// revocation data is collected once per second of sealing — counted at the
/// bench's OCSP responder, never once per document.
final class SealLongTermTests: BenchTestCase {
    func daemon(level: String, dir: URL) throws -> Daemon {
        let pinFile = try SealProfileTOML.writePINFile(dir.appendingPathComponent("seal.pin").path, pin: env["PODPIS_SEAL_PIN"]!)
        return try Daemon(extraSections: """
            [verification]
            trust = ["\(try TestBench.pki("root.pem"))"]
            online = true
            allow_addresses = ["127.0.0.1/32"]
            revocation_cache = "\(dir.appendingPathComponent("revocation").path)"
            [seal.zaswiadczenia]
            certificate = "\(try SealingTests.sealID())"
            xml = "xades-enveloped"
            other = "cades-detached"
            level = "\(level)"
            sessions = 2
            pin_file = "\(pinFile)"
            """)
    }

    /// Requests the bench's OCSP responder has logged so far.
    func ocspRequests() throws -> Int {
        let log = try TestBench.value("PODPIS_TESTBED_DIR") + "/log/ocsp.log"
        return (try String(contentsOfFile: log, encoding: .utf8)).split(separator: "\n").filter { $0.contains("POST") }.count
    }

    func seal(_ daemon: Daemon, _ input: URL, out: URL) throws -> (status: Int32, stdout: String, stderr: String) {
        try TestBench.runCapturing(SealingTests.podpis, [
            "seal", "--profile", "zaswiadczenia", "--config", daemon.dir.appendingPathComponent("podpisd.toml").path, "--socket", daemon.socket,
            "--out", out.path, "--json", input.path,
        ])
    }

    /// The level and indication `podpis verify` gives with an empty cache and no network.
    func verifyOffline(_ file: URL, detached: URL?, dir: URL) throws -> (level: String?, indication: String?) {
        var arguments = ["verify", file.path, "--json", "--trust", try TestBench.pki("root.pem"), "--no-trusted-lists",
                         "--revocation-cache", dir.appendingPathComponent("empty").path]
        if let detached { arguments += ["--detached", detached.path] }
        let result = try TestBench.runCapturing(SealingTests.podpis, arguments)
        let report = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], result.stderr)
        let signature = (report["signatures"] as? [[String: Any]])?.first
        return (signature?["level"] as? String, signature?["indication"] as? String)
    }

    func testABLTProfileSealsEachDocumentWithItsValidationDataCollectedOncePerSecond() throws {
        let dir = try scratchDirectory()
        let daemon = try daemon(level: "B-LT", dir: dir)
        let count = 60
        let input = try SealingTests.documents(dir, count: count)
        let out = dir.appendingPathComponent("out")
        let before = try ocspRequests()
        let started = Date()
        let sealed = try seal(daemon, input, out: out)
        let seconds = Date().timeIntervalSince(started)
        XCTAssertEqual(sealed.status, 0, sealed.stdout + sealed.stderr + daemon.logText)
        let requests = try ocspRequests() - before
        // Each collection asks about the seal's certificate and the TSA's (two requests), about once per second of
        // sealing: a second may see two (one started just before a document time-stamped in the next second).
        XCTAssertGreaterThan(requests, 0)
        XCTAssertLessThanOrEqual(requests, 4 * (Int(seconds.rounded(.up)) + 1), "\(requests) OCSP requests for \(count) documents in \(seconds) s")
        XCTAssertLessThan(requests, count, "not once per document")

        let outputs = SealOutputs.names(in: out)
        XCTAssertEqual(outputs.count, count, "\(outputs)")
        for name in outputs {
            let original = input.appendingPathComponent(name.hasSuffix(".p7s") ? String(name.dropLast(4)) : String(name.dropLast(6)))
            let verified = try verifyOffline(out.appendingPathComponent(name), detached: name.hasSuffix(".p7s") ? original : nil, dir: dir)
            XCTAssertEqual(verified.indication, "TOTAL-PASSED", name)
            XCTAssertEqual(verified.level, name.hasSuffix(".p7s") ? "CAdES-BASELINE-LT" : "XAdES-BASELINE-LT", name)
        }
        // Other tools agree on one of each.
        let xml = try XCTUnwrap(outputs.first { $0.hasSuffix(".xades") })
        let xmlsec = try TestBench.runCapturing("xmlsec1", [
            "--verify", "--id-attr:Id", "http://uri.etsi.org/01903/v1.3.2#:SignedProperties", "--trusted-pem", try TestBench.pki("root.pem"),
            "--untrusted-pem", try TestBench.pki("ca.pem"), out.appendingPathComponent(xml).path,
        ])
        XCTAssertEqual(xmlsec.status, 0, xmlsec.stderr)
        let p7s = try XCTUnwrap(outputs.first { $0.hasSuffix(".p7s") })
        let openssl = try OpenSSL.verifyDetachedCMS(out.appendingPathComponent(p7s).path, content: input.appendingPathComponent(String(p7s.dropLast(4))).path)
        XCTAssertEqual(openssl.status, 0, openssl.stderr)
    }

    func testABLTAProfileAddsAnArchiveTimeStampToEachSeal() throws {
        let dir = try scratchDirectory()
        let daemon = try daemon(level: "B-LTA", dir: dir)
        let input = try SealingTests.documents(dir, count: 6)
        let out = dir.appendingPathComponent("out")
        let sealed = try seal(daemon, input, out: out)
        XCTAssertEqual(sealed.status, 0, sealed.stdout + sealed.stderr + daemon.logText)
        let outputs = SealOutputs.names(in: out)
        XCTAssertEqual(outputs.count, 6)
        for name in outputs {
            let original = input.appendingPathComponent(name.hasSuffix(".p7s") ? String(name.dropLast(4)) : String(name.dropLast(6)))
            let verified = try verifyOffline(out.appendingPathComponent(name), detached: name.hasSuffix(".p7s") ? original : nil, dir: dir)
            XCTAssertEqual(verified.indication, "TOTAL-PASSED", name)
            XCTAssertEqual(verified.level, name.hasSuffix(".p7s") ? "CAdES-BASELINE-LTA" : "XAdES-BASELINE-LTA", name)
        }
    }
}
