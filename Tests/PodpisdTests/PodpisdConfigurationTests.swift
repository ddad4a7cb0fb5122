import Foundation
import TestBench
import XCTest

/// `podpisd --check-config` names each mistake with its line.
final class PodpisdConfigurationTests: XCTestCase {
    func testCheckConfigNamesEachMistakeWithItsLine() throws {
        let dir = try TestBench.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = dir.appendingPathComponent("podpisd.toml")
        try Data("[server]\nport = 99999\nprot = 1\nallowed_origins = [\"*\"]\n[defaults]\nformat = \"pades\"\n".utf8).write(to: config)
        let result = try TestBench.runCapturing(Daemon.binary, ["--config", config.path, "--check-config"])
        XCTAssertEqual(result.status, 1)
        for (line, key) in [(2, "server.port"), (3, "server.prot"), (4, "server.allowed_origins"), (6, "defaults.format")] {
            XCTAssertTrue(result.stdout.contains("podpisd.toml:\(line): \(key)"), "\(line) \(key): \(result.stdout)")
        }
        XCTAssertTrue(result.stdout.contains("port"), "did-you-mean for prot")
    }
}
