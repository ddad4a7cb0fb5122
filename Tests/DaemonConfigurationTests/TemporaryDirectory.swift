import DaemonConfiguration
import Foundation
import XCTest

/// A directory of configuration files for one test, removed afterwards.
final class TemporaryDirectory {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory
            .appendingPathComponent("podpis-configuration-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Writes `text` to `name` in the directory; returns the file's path.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let file = path + "/" + name
        try FileManager.default.createDirectory(
            atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: file, contents: Data(text.utf8)) else {
            throw CocoaError(.fileWriteUnknown)
        }
        return file
    }

    /// Writes raw bytes to `name`; returns the file's path.
    @discardableResult
    func write(_ name: String, bytes: [UInt8]) throws -> String {
        let file = path + "/" + name
        guard FileManager.default.createFile(atPath: file, contents: Data(bytes)) else {
            throw CocoaError(.fileWriteUnknown)
        }
        return file
    }
}

/// A test of configuration files: each test has a TemporaryDirectory of its own.
class ConfigurationFileTestCase: XCTestCase {
    var directory: TemporaryDirectory!

    override func setUpWithError() throws { directory = try TemporaryDirectory() }
    override func tearDown() { directory = nil }

    /// `text` written to `name` in the directory and loaded alone.
    func load(
        _ text: String, as name: String = "podpisd.toml", environment: [String: String] = [:]
    ) throws -> (configuration: DaemonConfiguration, problems: [ConfigurationProblem]) {
        DaemonConfiguration.load(files: [try directory.write(name, text)], environment: environment)
    }
}
