import Foundation
import TestBench
import XCTest

/// No seal without its audit line: when the trail cannot take the line, the
/// seal is withdrawn and its document fails `audit-unavailable`, whether
/// `podpis seal` seals itself (--local) or through podpisd's batch API.
extension SealingTests {
    func testNoSealIsReleasedWhenItsAuditLineCannotBeWritten() throws {
        let dir = try scratchDirectory()
        let config = try configuration(dir)
        // A directory where the trail should be: no line can be written.
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("audit.jsonl"), withIntermediateDirectories: false)
        let input = try Self.documents(dir, count: 4)
        let out = dir.appendingPathComponent("out")
        let run = try TestBench.runCapturing(Self.podpis, Self.localSealArguments(config, input, out: out), environment: ["LANG": "en_US.UTF-8"])
        XCTAssertNotEqual(run.status, 0, run.stdout + run.stderr)
        XCTAssertEqual(SealOutputs.names(in: out), [], "no seal left in the output folder")
        XCTAssertEqual(run.stdout.components(separatedBy: "audit-unavailable").count - 1 >= 4, true, run.stdout + run.stderr)
    }
}

extension SealBatchTests {
    func testPodpisdReleasesNoSealWhoseAuditLineCannotBeWritten() throws {
        let (dir, daemon, input, out) = try softHSMSeald(sessions: 1, documents: 4)
        // A directory where the trail should be: no line can be written.
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("audit.jsonl"), withIntermediateDirectories: false)
        try daemon.start()
        defer { daemon.stop() }
        let run = try TestBench.runCapturing(Self.podpis, daemon.sealArguments(input, out: out, "--keep", "--json"), environment: ["LANG": "en_US.UTF-8"])
        XCTAssertNotEqual(run.status, 0, run.stdout + run.stderr)
        XCTAssertEqual(SealOutputs.names(in: out), [], "no seal reached the client")
        XCTAssertTrue(run.stdout.contains("audit-unavailable"), run.stdout + run.stderr)
        // Nor can it be fetched from podpisd.
        let batch = try SealOutputs.batch(of: out)
        for name in try FileManager.default.contentsOfDirectory(atPath: input.path) {
            let seal = try daemon.get("/v1/batches/\(batch)/documents/\(name)/seal")
            XCTAssertNotEqual(seal.status, 200, "\(name): its seal is served")
        }
    }
}
