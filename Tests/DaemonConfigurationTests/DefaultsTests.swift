@testable import DaemonConfiguration
import XCTest

/// `DaemonConfiguration()` and the documented example agree, key by key.
final class DefaultsTests: XCTestCase {
    func testDefaultsAreTheDocumentedValues() {
        let configuration = DaemonConfiguration()
        XCTAssertEqual(configuration.server.port, 35900)
        XCTAssertEqual(configuration.server.socket, "")
        XCTAssertEqual(configuration.server.socketMode, 0o600)
        XCTAssertEqual(configuration.server.socketGroup, "")
        XCTAssertEqual(configuration.server.allowedOrigins, [])
        XCTAssertEqual(configuration.server.maxBodyBytes, 2048 * 1_048_576)
        XCTAssertEqual(configuration.server.maxJSONBytes, 32 * 1_048_576)
        XCTAssertEqual(configuration.server.agentTimeoutSeconds, 120)
        XCTAssertEqual(configuration.server.idleTimeoutSeconds, 60)
        XCTAssertEqual(configuration.pkcs11.modules, [])
        XCTAssertTrue(configuration.pkcs11.useRegistered)
        XCTAssertEqual(configuration.timestamp.urls, [])
        XCTAssertEqual(configuration.timestamp.timeoutSeconds, 20)
        XCTAssertEqual(configuration.defaults.format, .xades)
        XCTAssertEqual(configuration.defaults.packaging, .detached)
        XCTAssertEqual(configuration.defaults.level, .baselineB)
        XCTAssertEqual(configuration.defaults.digest, .sha256)
        XCTAssertEqual(configuration.limits.xmlMaxBytes, 64 * 1_048_576)
        XCTAssertEqual(configuration.limits.xmlMaxDepth, 200)
        XCTAssertEqual(configuration.limits.xmlMaxNodes, 2_000_000)
        XCTAssertEqual(DaemonConfiguration.Level.baselineT.rawValue, "B-T")
        XCTAssertEqual(DaemonConfiguration.Digest.sha512.rawValue, "SHA-512")
    }

    func testNoFileOrMissingFilesGiveTheDefaultsSilently() throws {
        let directory = try TemporaryDirectory()
        let none = DaemonConfiguration.load(files: [], environment: [:])
        XCTAssertEqual(none.configuration, DaemonConfiguration())
        XCTAssertEqual(none.problems, [])
        let missing = DaemonConfiguration.load(
            files: [directory.path + "/absent.toml", directory.path + "/no/such/dir/podpisd.toml"], environment: [:])
        XCTAssertEqual(missing.configuration, DaemonConfiguration())
        XCTAssertEqual(missing.problems, [])
    }

    func testDocumentedExampleParsesToExactlyTheDefaults() throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write("podpisd.toml", DaemonConfiguration.documentedExample)
        let (configuration, problems) = DaemonConfiguration.load(files: [file], environment: [:])
        XCTAssertEqual(problems, [])
        XCTAssertEqual(configuration, DaemonConfiguration())
    }

    func testDocumentedExampleWithItsListsFilledIn() throws {
        let directory = try TemporaryDirectory()
        let module = try directory.write("vendor-pkcs11.so", "")
        let text = DaemonConfiguration.documentedExample
            .replacingOccurrences(
                of: "allowed_origins = []", with: #"allowed_origins = ["https://ezd.example.gov.pl", "http://localhost:8080"]"#)
            .replacingOccurrences(of: "modules = []", with: #"modules = ["\#(module)"]"#)
            .replacingOccurrences(of: "urls = []", with: #"urls = ["http://time.certum.pl", "https://tsa.example.gov.pl/tsa"]"#)
        let file = try directory.write("podpisd.toml", text)
        let (configuration, problems) = DaemonConfiguration.load(files: [file], environment: [:])
        XCTAssertEqual(problems, [])
        XCTAssertEqual(configuration.server.allowedOrigins, ["https://ezd.example.gov.pl", "http://localhost:8080"])
        XCTAssertEqual(configuration.pkcs11.modules, [module])
        XCTAssertEqual(configuration.timestamp.urls, ["http://time.certum.pl", "https://tsa.example.gov.pl/tsa"])
        var expected = DaemonConfiguration()
        expected.server.allowedOrigins = configuration.server.allowedOrigins
        expected.pkcs11.modules = configuration.pkcs11.modules
        expected.timestamp.urls = configuration.timestamp.urls
        XCTAssertEqual(configuration, expected)
    }

    /// Every key the loader knows is documented, under its table.
    func testDocumentedExampleNamesEveryKnownKey() {
        let lines = DaemonConfiguration.documentedExample.split(separator: "\n").map(String.init)
        for (table, keys) in ConfigurationSchema.tables {
            // [[policy]] has no default entry: documented commented out.
            let prefix = table == "policy" || table == "seal" ? "# " : ""
            guard let start = lines.firstIndex(where: { $0 == "[\(table)]" || $0.hasPrefix("# [[\(table)]]") || $0.hasPrefix("# [\(table).") }) else {
                XCTFail("[\(table)] not in the documented example")
                continue
            }
            let section = lines[(start + 1)...].prefix(while: { !$0.hasPrefix("[") && !$0.hasPrefix("# [") })
            for key in keys {
                XCTAssertTrue(section.contains(where: { $0.hasPrefix("\(prefix)\(key) = ") }), "\(table).\(key) not documented")
            }
        }
    }
}
