import DaemonConfiguration
import XCTest

/// The keys that guard the consent: `[[policy]] digest_only` (who may sign a
/// digest alone) and `[server] agent_users` (who may be the clerk's agent).
final class ConsentKeysTests: ConfigurationFileTestCase {
    func testDigestOnlyIsLocalByDefaultAndReadPerCertificate() throws {
        XCTAssertEqual(DaemonConfiguration.Policy().digestOnly, .local)
        let (configuration, problems) = try load("""
            [[policy]]
            certificate = "a1b2c3d4e5f60718"
            digest_only = "never"
            [[policy]]
            certificate = "b1b2c3d4e5f60718"
            digest_only = "Always"
            [[policy]]
            certificate = "*"
            """)
        XCTAssertEqual(problems.map(\.code), [])
        XCTAssertEqual(configuration.policies.map(\.digestOnly), [.never, .always, .local])
    }

    func testAnUnknownDigestOnlyValueIsAnErrorOnItsLineAndDropsThePolicies() throws {
        let (configuration, problems) = try load("""
            [[policy]]
            certificate = "*"
            digest_only = "sometimes"
            """)
        let summary = problems.map { "\($0.line.map(String.init) ?? "-") \($0.key) \($0.code) \($0.severity)" }
        XCTAssertEqual(summary, ["3 policy.digest_only unknown-value error"])
        XCTAssertEqual(configuration.policies, [])
    }

    func testAgentUsersAreReadAndAnUnknownUserIsAWarning() throws {
        XCTAssertEqual(DaemonConfiguration.Server().agentUsers, [])
        let (configuration, problems) = try load("""
            [server]
            agent_users = ["root", "1000", "no-such-user-podpis"]
            """)
        XCTAssertEqual(configuration.server.agentUsers, ["root", "1000", "no-such-user-podpis"])
        let summary = problems.map { "\($0.line.map(String.init) ?? "-") \($0.key) \($0.code) \($0.severity)" }
        XCTAssertEqual(summary, ["2 server.agent_users unknown-user warning"])
    }
}
