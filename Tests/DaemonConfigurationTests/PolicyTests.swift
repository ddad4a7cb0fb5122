import DaemonConfiguration
import XCTest

/// `[[policy]]` tables: per-certificate users, origins, PIN caching and
/// documents per consent; every mistake on its line, and a wrong table drops
/// the whole list (never half a policy).
final class PolicyTests: XCTestCase {
    var directory: TemporaryDirectory!

    override func setUpWithError() throws { directory = try TemporaryDirectory() }
    override func tearDown() { directory = nil }

    func testPoliciesAreReadInOrderWithNormalisedOrigins() throws {
        let file = try directory.write("podpisd.toml", """
            [[policy]]
            certificate = "A1B2C3D4E5F60718"
            users = ["root", "1000"]
            origins = ["HTTPS://EZD.example.gov.pl:443"]
            pin_cache_seconds = 300
            max_documents = 20

            [[policy]]
            certificate = "*"
            origins = []
            """)
        let (configuration, problems) = DaemonConfiguration.load(files: [file], environment: [:])
        XCTAssertEqual(problems.map(\.code), [])
        XCTAssertEqual(configuration.policies, [
            .init(certificate: "a1b2c3d4e5f60718", users: ["root", "1000"], origins: ["https://ezd.example.gov.pl"], pinCacheSeconds: 300, maxDocuments: 20),
            .init(certificate: "*", users: nil, origins: [], pinCacheSeconds: 0, maxDocuments: 100),
        ])
    }

    func testEachMistakeIsReportedOnItsLineAndNoPolicyIsHalfApplied() throws {
        let file = try directory.write("podpisd.toml", """
            [[policy]]
            certificate = "abc"
            [[policy]]
            certificate = "*"
            pin_cache_seconds = -1
            max_documents = 0
            origins = ["*"]
            users = ["no-such-user-podpis"]
            colour = "red"
            [[policy]]
            users = ["root"]
            """)
        let (configuration, problems) = DaemonConfiguration.load(files: [file], environment: [:])
        let summary = problems.map { "\($0.line.map(String.init) ?? "-") \($0.key) \($0.code) \($0.severity)" }
        XCTAssertTrue(summary.contains("2 policy.certificate bad-certificate error"), "\(summary)")
        XCTAssertTrue(summary.contains { $0.hasSuffix("policy.pin_cache_seconds out-of-range error") }, "\(summary)")
        XCTAssertTrue(summary.contains { $0.hasSuffix("policy.max_documents out-of-range error") }, "\(summary)")
        XCTAssertTrue(summary.contains { $0.hasSuffix("policy.origins bad-origin error") }, "\(summary)")
        XCTAssertTrue(summary.contains { $0.hasSuffix("policy.users unknown-user warning") }, "\(summary)")
        XCTAssertTrue(summary.contains { $0.hasSuffix("policy.colour unknown-key error") }, "\(summary)")
        XCTAssertTrue(summary.contains { $0.hasSuffix("policy missing-key error") }, "\(summary)")
        XCTAssertEqual(configuration.policies, [], "a wrong table drops the whole list")
        XCTAssertTrue(problems.allSatisfy { !$0.message.pl.isEmpty && !$0.message.en.isEmpty })
    }

    func testTwoPoliciesForOneCertificateAndAPolicyThatIsNotATable() throws {
        let duplicate = try directory.write("a.toml", """
            [[policy]]
            certificate = "*"
            [[policy]]
            certificate = "*"
            """)
        XCTAssertEqual(DaemonConfiguration.load(files: [duplicate], environment: [:]).problems.map(\.code), ["duplicate-policy"])
        let scalar = try directory.write("b.toml", "policy = 1\n")
        XCTAssertEqual(DaemonConfiguration.load(files: [scalar], environment: [:]).problems.map(\.code), ["wrong-type"])
    }
}
