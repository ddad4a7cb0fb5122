import Foundation
import Synchronization
import TestBench
import XCTest

/// Nothing is accepted before it is allowed: a request the policy, the
/// size limit or the pairing refuses is answered before its body is read,
/// and nothing of it reaches the disk.
final class EarlyRefusalTests: XCTestCase {
    var env: [String: String] = [:]
    override func setUpWithError() throws { env = try TestBench.require() }

    /// Streams `gigabytes` GiB of zeros with curl (-T -: read as it is sent,
    /// never held whole) while watching `spool` for spooled bodies; the
    /// status, the problem code, the seconds it took and whether a body file
    /// appeared.
    func stream(
        gigabytes: Int, to url: String, headers: [String], spool: URL, announce: Bool = false
    ) throws -> (status: Int, code: String?, seconds: Double, spooled: Bool) {
        let body = spool.deletingLastPathComponent().appendingPathComponent("answer-\(UUID().uuidString).json").path
        let bytes = Int64(gigabytes) << 30
        var command = "head -c \(bytes) /dev/zero | curl -sS -o '\(body)' -w '%{http_code}' --max-time 60 -T - -X POST"
        for header in headers { command += " -H '\(header)'" }
        if announce { command += " -H 'Content-Length: \(bytes)' -H 'Transfer-Encoding:'" }
        command += " '\(url)'"
        let spooled = Mutex(false)
        let done = Mutex(false)
        let watcher = Thread {
            while !done.withLock({ $0 }) {
                let files = (try? FileManager.default.contentsOfDirectory(atPath: spool.path)) ?? []
                if files.contains(where: { $0.hasPrefix("podpisd-body-") }) { spooled.withLock { $0 = true } }
                usleep(20_000)
            }
        }
        watcher.start()
        let start = Date()
        let result = try TestBench.runCapturing("bash", ["-c", command])
        let seconds = Date().timeIntervalSince(start)
        done.withLock { $0 = true }
        let answer = (try? Data(contentsOf: URL(fileURLWithPath: body))) ?? Data()
        let code = (try? JSONSerialization.jsonObject(with: answer) as? [String: Any])?["code"] as? String
        return (Int(result.stdout.trimmingCharacters(in: .whitespaces)) ?? 0, code, seconds, spooled.withLock { $0 })
    }

    func testThreeGiBFromAPageThePolicyForbidsWriteNothingToDisk() throws {
        let spool = try TestBench.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: spool) }
        let daemon = try Daemon(extraSections: """
            [[policy]]
            certificate = "*"
            origins = ["https://ezd.example.gov.pl"]
            """, environment: ["TMPDIR": spool.path])
        let agent = try ScriptedAgent(daemon, pairing: "once")
        let page = "https://other.example"
        let token = try daemon.pair(origin: page)
        let certificates = try XCTUnwrap(try daemon.unix("/v1/certificates").json["certificates"] as? [[String: Any]])
        let seal = try XCTUnwrap(certificates.first { $0["qualifiedForSealing"] as? Bool == true }?["id"] as? String)
        let url = "http://127.0.0.1:\(daemon.port)/v1/sign?name=big.pdf&format=cades&packaging=detached&certificate=\(seal)"

        // Paired, with its token, but the certificate's policy does not admit the page.
        let forbidden = try stream(
            gigabytes: 3, to: url, headers: ["Origin: \(page)", "Authorization: Bearer \(token)", "Content-Type: application/pdf"], spool: spool)
        XCTAssertEqual(forbidden.status, 403)
        XCTAssertEqual(forbidden.code, "origin-not-allowed-for-certificate")
        XCTAssertLessThan(forbidden.seconds, 10, "answered before the body was read")
        XCTAssertFalse(forbidden.spooled, "nothing of the body was written to disk")

        // A page nobody approved, and a program without a token.
        let unknown = try stream(gigabytes: 3, to: url, headers: ["Origin: https://evil.example", "Content-Type: application/pdf"], spool: spool)
        XCTAssertEqual(unknown.code, "origin-not-allowed")
        XCTAssertLessThan(unknown.seconds, 10)
        XCTAssertFalse(unknown.spooled)
        let unpaired = try stream(gigabytes: 3, to: url, headers: ["Content-Type: application/pdf"], spool: spool)
        XCTAssertEqual(unpaired.code, "not-paired")
        XCTAssertFalse(unpaired.spooled)

        // An allowed page announcing 3 GiB (over max_body_mib = 2048): too-large at once.
        let allowed = try daemon.pair()
        let announced = try stream(
            gigabytes: 3, to: url, headers: ["Origin: https://ezd.example.gov.pl", "Authorization: Bearer \(allowed)", "Content-Type: application/pdf"],
            spool: spool, announce: true)
        XCTAssertEqual(announced.status, 413)
        XCTAssertEqual(announced.code, "too-large")
        XCTAssertLessThan(announced.seconds, 10)
        XCTAssertFalse(announced.spooled)

        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: spool.path), [])
        XCTAssertTrue(agent.consents.isEmpty, "the clerk was asked nothing")
        XCTAssertEqual(try daemon.tcp("/v1/status").status, 200)
    }
}
