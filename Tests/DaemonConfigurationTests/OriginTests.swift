import DaemonConfiguration
import XCTest

/// `server.allowed_origins`: scheme://host[:port] as browsers send them, never "*".
final class OriginTests: ConfigurationFileTestCase {
    private func load(_ origins: [String]) throws -> (configuration: DaemonConfiguration, problems: [ConfigurationProblem]) {
        let list = origins.map { "\"\($0)\"" }.joined(separator: ", ")
        return try load("[server]\nallowed_origins = [\(list)]\n")
    }

    func testOriginsAreAccepted() throws {
        let loaded = try load(["https://ezd.gov.pl", "http://localhost:8080", "http://[::1]:8080", "http://127.0.0.1:3000"])
        XCTAssertEqual(loaded.problems, [])
        XCTAssertEqual(
            loaded.configuration.server.allowedOrigins,
            ["https://ezd.gov.pl", "http://localhost:8080", "http://[::1]:8080", "http://127.0.0.1:3000"])
    }

    func testOriginsAreNormalisedAsBrowsersSendThem() throws {
        let loaded = try load(["HTTPS://EZD.Gov.PL:443", "http://localhost:80", "https://ezd.gov.pl"])
        XCTAssertEqual(loaded.problems, [])
        XCTAssertEqual(loaded.configuration.server.allowedOrigins, ["https://ezd.gov.pl", "http://localhost"])
    }

    func testNonOriginsAreRejected() throws {
        for bad in [
            "*", "https://*.gov.pl", "https://a/b", "https://ezd.gov.pl/", "https://ezd.gov.pl?x=1",
            "ftp://x", "ezd.gov.pl", "null", "https://", "https://user@ezd.gov.pl", "http://localhost:0",
            "http://localhost:65536", "http://localhost:", "http://ezd gov.pl", "https://urząd.gov.pl",
        ] {
            let loaded = try load(["https://ezd.gov.pl", bad])
            XCTAssertEqual(loaded.problems.map(\.code), ["bad-origin"], bad)
            XCTAssertEqual(loaded.problems.first?.line, 2, bad)
            XCTAssertEqual(loaded.problems.first?.key, "server.allowed_origins", bad)
            XCTAssertEqual(loaded.configuration.server.allowedOrigins, [], "\(bad): the whole list is refused")
        }
    }

    func testWildcardMessageSaysWhy() throws {
        let problem = try XCTUnwrap(try load(["*"]).problems.first)
        XCTAssertEqual(
            problem.message.en,
            "'*' is not a web origin (scheme://host[:port]): '*' would let any web page reach the clerk's card; list the sites one by one.")
        XCTAssertTrue(problem.message.pl.contains("każdą stronę WWW"))
    }

    func testEveryBadOriginOfAListIsReportedOnItsOwnLine() throws {
        let file = try directory.write("podpisd.toml", """
            [server]
            allowed_origins = [
              "https://ezd.gov.pl",
              "*",
              "https://a/b",
              "ftp://x",
              "ezd.gov.pl",
            ]
            port = 1
            """)
        let (configuration, problems) = DaemonConfiguration.load(files: [file], environment: [:])
        XCTAssertEqual(problems.map(\.line), [4, 5, 6, 7])
        XCTAssertEqual(Set(problems.map(\.code)), ["bad-origin"])
        XCTAssertEqual(configuration.server.allowedOrigins, [])
        XCTAssertEqual(configuration.server.port, 1)
    }
}
