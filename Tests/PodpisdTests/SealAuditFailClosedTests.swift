import Foundation
import TestBench
import XCTest

/// No seal without its audit line: when the trail cannot take the line, the
/// seal is withdrawn and its document fails `audit-unavailable`, whether
/// `podpis seal` seals itself (--local) or through podpisd's batch API.
extension SealingTests {
    func testNoSealIsReleasedWhenItsAuditLineCannotBeWritten() throws {
        let dir = try TestBench.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = try configuration(dir)
        // A directory where the trail should be: no line can be written.
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("audit.jsonl"), withIntermediateDirectories: false)
        let input = try Self.documents(dir, count: 4)
        let out = dir.appendingPathComponent("out")
        let run = try TestBench.runCapturing(Self.podpis, [
            "seal", "--profile", "zaswiadczenia", "--config", config, "--local", "--out", out.path, "--json", input.path,
        ], environment: ["LANG": "en_US.UTF-8"])
        XCTAssertNotEqual(run.status, 0, run.stdout + run.stderr)
        XCTAssertEqual(Self.outputs(out), [], "no seal left in the output folder")
        XCTAssertEqual(run.stdout.components(separatedBy: "audit-unavailable").count - 1 >= 4, true, run.stdout + run.stderr)
    }
}

extension SealBatchTests {
    func testPodpisdReleasesNoSealWhoseAuditLineCannotBeWritten() throws {
        let dir = try TestBench.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let sealing = SealingTests.self
        let daemon = try Seald(dir: dir, profile: try profile(
            certificate: try sealing.sealID(), pin: env["PODPIS_SEAL_PIN"]!, dir: dir, modules: [env["PODPIS_SOFTHSM_MODULE"]!], sessions: 1))
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("audit.jsonl"), withIntermediateDirectories: false)
        let input = try sealing.documents(dir, count: 4)
        let out = dir.appendingPathComponent("out")
        try daemon.start()
        defer { daemon.stop() }
        let run = try TestBench.runCapturing(Self.podpis, [
            "seal", "--profile", "zaswiadczenia", "--config", daemon.config, "--socket", daemon.socket, "--keep", "--out", out.path, "--json", input.path,
        ], environment: ["LANG": "en_US.UTF-8"])
        XCTAssertNotEqual(run.status, 0, run.stdout + run.stderr)
        XCTAssertEqual(sealing.outputs(out), [], "no seal reached the client")
        XCTAssertTrue(run.stdout.contains("audit-unavailable"), run.stdout + run.stderr)
        // Nor can it be fetched from podpisd.
        let record = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent(".podpis-batch.json"))) as? [String: Any])
        let batch = try XCTUnwrap(record["batch"] as? String)
        for name in try FileManager.default.contentsOfDirectory(atPath: input.path) {
            let seal = try daemon.get("/v1/batches/\(batch)/documents/\(name)/seal")
            XCTAssertNotEqual(seal.status, 200, "\(name): its seal is served")
        }
    }
}
