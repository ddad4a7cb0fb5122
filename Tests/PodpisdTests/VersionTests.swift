import Foundation
import TestBench
import XCTest

/// One version number (Localization's PodpisVersion): `podpis --version`,
/// `podpisd --version` and podpisd's `/v1/status` agree.
final class VersionTests: XCTestCase {
    func testPodpisPodpisdAndStatusShowTheSameVersion() throws {
        let podpis = URL(fileURLWithPath: Daemon.binary).deletingLastPathComponent().appendingPathComponent("podpis").path
        let cli = try TestBench.runCapturing(podpis, ["--version"])
        let server = try TestBench.runCapturing(Daemon.binary, ["--version"])
        XCTAssertEqual(cli.status, 0)
        XCTAssertEqual(server.status, 0)
        let version = cli.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertTrue(version.range(of: #"^\d+\.\d+\.\d+$"#, options: .regularExpression) != nil, version)
        XCTAssertEqual(server.stdout.trimmingCharacters(in: .whitespacesAndNewlines), version)

        let daemon = try Daemon()
        let status = try daemon.unix("/v1/status")
        XCTAssertEqual(status.status, 200)
        let body = try JSONSerialization.jsonObject(with: status.body) as? [String: Any]
        XCTAssertEqual(body?["version"] as? String, version)
    }
}
