import DaemonConfiguration
import XCTest

/// `[[policy]]` tables: per-certificate users, origins, PIN caching and
/// documents per consent; every mistake on its line, and a wrong table drops
/// the whole list (never half a policy).
final class PolicyTests: ConfigurationFileTestCase {
    func testPoliciesAreReadInOrderWithNormalisedOrigins() throws {
        let (configuration, problems) = try load("""
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
        XCTAssertEqual(problems.map(\.code), [])
        XCTAssertEqual(configuration.policies, [
            .init(certificate: "a1b2c3d4e5f60718", users: ["root", "1000"], origins: ["https://ezd.example.gov.pl"], pinCacheSeconds: 300, maxDocuments: 20),
            .init(certificate: "*", users: nil, origins: [], pinCacheSeconds: 0, maxDocuments: 100),
        ])
    }

    func testEachMistakeIsReportedOnItsLineAndNoPolicyIsHalfApplied() throws {
        let (configuration, problems) = try load("""
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
        let duplicate = try load("""
            [[policy]]
            certificate = "*"
            [[policy]]
            certificate = "*"
            """, as: "a.toml")
        XCTAssertEqual(duplicate.problems.map(\.code), ["duplicate-policy"])
        XCTAssertEqual(try load("policy = 1\n", as: "b.toml").problems.map(\.code), ["wrong-type"])
    }
}
