import Foundation
import TestBench
import XCTest

/// A seal that fails because of the token says the PKCS#11 reason's stable
/// code, in `podpis seal --json` and in the batch API, never a bare
/// `seal-failed`: here the seal's private key is deleted from the token
/// (a private copy of the SoftHSM seal token) in the middle of a batch.
final class SealTokenFailureTests: BenchTestCase {
    func testAKeyDeletedFromTheTokenMidBatchFailsTheRestWithThePKCS11Code() throws {
        let dir = try scratchDirectory()

        // A private copy of the test bench's SoftHSM tokens: the shared seal token is never touched.
        let tokens = dir.appendingPathComponent("tokens")
        try FileManager.default.createDirectory(at: tokens, withIntermediateDirectories: true)
        let shared = URL(fileURLWithPath: env["PODPIS_TESTBED_DIR"]!).appendingPathComponent("softhsm/tokens")
        for token in try FileManager.default.contentsOfDirectory(atPath: shared.path) {
            try FileManager.default.copyItem(at: shared.appendingPathComponent(token), to: tokens.appendingPathComponent(token))
        }
        let softhsmConf = dir.appendingPathComponent("softhsm2.conf").path
        try Data("directories.tokendir = \(tokens.path)\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n".utf8)
            .write(to: URL(fileURLWithPath: softhsmConf))
        let privateToken = ["SOFTHSM2_CONF": softhsmConf]

        let daemon = try SealBatchTests.Seald(dir: dir, profile: try SealBatchTests.profile(
            certificate: try SealingTests.sealID(), pin: env["PODPIS_SEAL_PIN"]!, dir: dir, modules: [env["PODPIS_SOFTHSM_MODULE"]!], sessions: 1))
        let input = dir.appendingPathComponent("in")
        try FileManager.default.createDirectory(at: input, withIntermediateDirectories: true)
        for index in 1...1500 {
            try Data("%PDF-1.7\n% zaświadczenie \(index)\n%%EOF\n".utf8).write(to: input.appendingPathComponent(String(format: "z%04d.pdf", index)))
        }
        let out = dir.appendingPathComponent("out")

        try daemon.start(environment: privateToken)
        defer { daemon.stop() }

        let json = dir.appendingPathComponent("seal.json").path
        let client = try Background.start("/bin/sh", [
            "-c", "exec \"$0\" \"$@\" >\(json) 2>\(dir.appendingPathComponent("seal.err").path)", SealingTests.podpis,
        ] + daemon.sealArguments(input, out: out, "--json", "--keep"), output: "/dev/null", environment: privateToken)
        XCTAssertTrue(try TestBench.waitUntil(timeout: 60) { (try daemon.batch()?["sealed"] as? Int ?? 0) >= 5 }, daemon.logText)

        // The seal's private key is deleted from the token under the running batch.
        let deleted = try TestBench.runCapturing("pkcs11-tool", [
            "--module", env["PODPIS_SOFTHSM_MODULE"]!, "--token-label", env["PODPIS_SEAL_TOKEN"]!, "--login",
            "--pin", env["PODPIS_SEAL_PIN"]!, "--delete-object", "--type", "privkey", "--id", "01",
        ], environment: privateToken)
        XCTAssertEqual(deleted.status, 0, deleted.stderr)

        var status: Int32 = 0
        XCTAssertTrue(TestBench.waitUntil(timeout: 120) { waitpid(client, &status, WNOHANG) == client }, daemon.logText)
        XCTAssertEqual(status >> 8 & 0xFF, 12, "some documents failed")
        let report = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any])
        let results = try XCTUnwrap(report["results"] as? [[String: Any]])
        XCTAssertEqual(results.count, 1500)
        let failed = results.filter { $0["state"] as? String == "failed" }
        XCTAssertFalse(failed.isEmpty, "documents sealed after the key was deleted fail")
        XCTAssertGreaterThanOrEqual(results.count - failed.count, 5)
        XCTAssertEqual(Set(failed.map { $0["code"] as? String ?? "none" }), ["object-handle-invalid"], "the PKCS#11 reason, not seal-failed")
        let message = try XCTUnwrap(failed.first?["message"] as? [String: String])
        XCTAssertTrue(message["pl"]?.contains("na tokenie") ?? false, "\(message)")
        XCTAssertTrue(message["en"]?.contains("on the token") ?? false, "\(message)")

        // The batch API says the same for each failed document.
        let batch = try XCTUnwrap(report["batch"] as? String)
        let documents = try daemon.get("/v1/batches/\(batch)/documents")
        XCTAssertEqual(documents.status, 200)
        let listed = try XCTUnwrap(documents.json["documents"] as? [[String: Any]])
        let listedFailed = listed.filter { $0["state"] as? String == "failed" }
        XCTAssertEqual(listedFailed.count, failed.count)
        XCTAssertEqual(Set(listedFailed.map { $0["code"] as? String ?? "none" }), ["object-handle-invalid"])
    }
}
