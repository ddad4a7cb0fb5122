import Foundation
import TestBench
import XCTest

/// The written contract matches the daemon: docs/openapi.yaml is valid and
/// schemathesis finds no 5xx and no response outside the schema; the systemd
/// units pass systemd-analyze.
final class PodpisdContractTests: XCTestCase {
    var tools: URL { TestBench.repositoryRoot.appendingPathComponent("Tests/Tools") }

    func testTheOpenAPIDocumentIsValidAndServed() throws {
        let result = try TestBench.runCapturing("bash", [tools.appendingPathComponent("api_check.sh").path, "validate"])
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        XCTAssertTrue(result.stdout.contains("api_check validate: OK"), result.stdout)
        let daemon = try Daemon()
        let served = try daemon.unix("/v1/openapi.yaml").body
        let file = try Data(contentsOf: TestBench.repositoryRoot.appendingPathComponent("docs/openapi.yaml"))
        XCTAssertEqual(served, file, "the daemon serves docs/openapi.yaml as it is")
    }

    func testSchemathesisFindsNoServerErrorAndNoResponseOutsideTheSchema() throws {
        // No agent is connected and the wait is short: signing cases end in no-agent quickly.
        let daemon = try Daemon(agentTimeout: 1)
        // As the configured page, with its pairing token: signing is fuzzed past the pairing check.
        let token = try daemon.pair()
        let result = try TestBench.runCapturing(
            "bash", [tools.appendingPathComponent("api_check.sh").path, "fuzz", "http://127.0.0.1:\(daemon.port)", "10"],
            environment: [
                "API_CHECK_REQUEST_TIMEOUT": "10", "API_CHECK_SEED": "20261123",
                "API_CHECK_HEADERS": "Origin: https://ezd.example.gov.pl\nAuthorization: Bearer \(token)",
            ])
        let summary = result.stdout.split(separator: "\n").last.map(String.init) ?? ""
        XCTAssertEqual(result.status, 0, String((result.stdout + result.stderr).suffix(4000)))
        XCTAssertTrue(summary.contains("api_check fuzz: OK"), summary)
        XCTAssertEqual(try daemon.unix("/v1/status").status, 200, "the daemon survived the fuzzing")
    }

    func testTheSystemdUnitsPassSystemdAnalyze() throws {
        let result = try TestBench.runCapturing("bash", [tools.appendingPathComponent("check_units.sh").path])
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        XCTAssertTrue((result.stdout + result.stderr).contains("OK: all checks passed"), result.stdout + result.stderr)
    }
}
