import DaemonConfiguration
import XCTest

/// `[verification]`: the trust files of POST /v1/verify, each readable and
/// holding a certificate or reported with its line (the list then left as
/// it was), and `max_mib`, by default the server's body limit.
final class VerificationTests: ConfigurationFileTestCase {
    static let pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"

    func testByDefaultNothingIsTrustedAndTheLimitIsTheServersBodyLimitCappedAt256MiB() throws {
        let configuration = DaemonConfiguration()
        XCTAssertEqual(configuration.verification.trust, [])
        XCTAssertEqual(configuration.verification.maxBytes, 0)
        XCTAssertEqual(configuration.verification.limit(server: configuration.server), 256 * 1_048_576)

        let (smaller, problems) = try load("[server]\nmax_body_mib = 100\n")
        XCTAssertEqual(problems, [])
        XCTAssertEqual(smaller.verification.limit(server: smaller.server), 100 * 1_048_576)
    }

    func testTrustFilesAndTheLimitAreRead() throws {
        let anchors = try directory.write("anchors.pem", Self.pem)
        let der = try directory.write("root.der", bytes: [0x30, 0x82, 0x01, 0x00])
        let (configuration, problems) = try load("""
            [verification]
            trust = ["\(anchors)", "\(der)"]
            max_mib = 64
            """)
        XCTAssertEqual(problems, [])
        XCTAssertEqual(configuration.verification.trust, [anchors, der])
        XCTAssertEqual(configuration.verification.maxBytes, 64 * 1_048_576)
        XCTAssertEqual(configuration.verification.limit(server: configuration.server), 64 * 1_048_576)
    }

    func testAnUnreadableOrWrongTrustFileIsReportedWithItsLineAndTheListIsLeftAsItWas() throws {
        let good = try directory.write("good.pem", Self.pem)
        let text = try directory.write("notes.txt", "these are not certificates\n")
        let system = try directory.write("system.toml", "[verification]\ntrust = [\"\(good)\"]\n")
        let user = try directory.write("user.toml", """
            [verification]
            trust = [
              "\(good)",
              "\(directory.path)/absent.pem",
              "\(text)",
              "relative/ca.pem",
            ]
            """)
        let (configuration, problems) = DaemonConfiguration.load(files: [system, user], environment: [:])
        XCTAssertEqual(configuration.verification.trust, [good], "the system file's list stays")
        XCTAssertEqual(problems.map(\.code), ["trust-unreadable", "trust-not-certificate", "bad-path"])
        XCTAssertEqual(problems.map(\.line), [4, 5, 6])
        XCTAssertEqual(problems.map(\.key), ["verification.trust", "verification.trust", "verification.trust"])
        XCTAssertTrue(problems[0].message.en.contains("absent.pem"), problems[0].description)
        XCTAssertTrue(problems[0].message.pl.contains("absent.pem"), problems[0].description)
    }

    func testADirectoryIsNotATrustFile() throws {
        let (configuration, problems) = try load("[verification]\ntrust = [\"\(directory.path)\"]\n")
        XCTAssertEqual(configuration.verification.trust, [])
        XCTAssertEqual(problems.map(\.code), ["trust-unreadable"])
        XCTAssertEqual(problems.first?.line, 2)
    }

    func testAWrongLimitAndAnUnknownKeyAreReported() throws {
        let (configuration, problems) = try load("""
            [verification]
            max_mib = 70000
            max_mb = 10
            """)
        XCTAssertEqual(configuration.verification.maxBytes, 0)
        XCTAssertEqual(problems.map(\.code), ["out-of-range", "unknown-key"])
        XCTAssertEqual(problems.map(\.line), [2, 3])
        XCTAssertEqual(problems.last?.suggestion, "max_mib")
    }
}
