import Foundation
import TestBench
import XCTest

/// The minimal daemon of this version: it watches readers and logs events.
final class PodpisdTests: XCTestCase {
    func testDaemonLogsTheReadersAndTheCardItSees() throws {
        let env = try TestBench.require()
        let podpisd = URL(fileURLWithPath: CLITests.podpis).deletingLastPathComponent().appendingPathComponent("podpisd").path
        let result = try TestBench.runCapturing(podpisd, ["--seconds", "2"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("reader appeared"), result.stderr)
        XCTAssertTrue(result.stderr.contains(env["PODPIS_OPENPGP_READER"]!), result.stderr)
        XCTAssertTrue(result.stderr.contains("state=present"), result.stderr)
    }
}
