@testable import DaemonConfiguration
import XCTest

/// The small helpers: line index and "did you mean".
final class InternalsTests: XCTestCase {
    func testEditDistanceCountsSwapsAsOneEdit() {
        XCTAssertEqual(NameSuggestion.editDistance(Array("prot"), Array("port")), 1)
        XCTAssertEqual(NameSuggestion.editDistance(Array("port"), Array("port")), 0)
        XCTAssertEqual(NameSuggestion.editDistance(Array(""), Array("port")), 4)
        XCTAssertEqual(NameSuggestion.editDistance(Array("kitten"), Array("sitting")), 3)
    }

    func testSuggestionsOnlyWithinTwoEdits() {
        let keys = ConfigurationSchema.keys(of: "server")
        XCTAssertEqual(NameSuggestion.closest(to: "prot", among: keys), "port")
        XCTAssertEqual(NameSuggestion.closest(to: "PORT", among: keys), "port")
        XCTAssertEqual(NameSuggestion.closest(to: "sockt_mode", among: keys), "socket_mode")
        XCTAssertEqual(NameSuggestion.closest(to: "max_body_mb", among: keys), "max_body_mib")
        XCTAssertNil(NameSuggestion.closest(to: "listen", among: keys))
        XCTAssertNil(NameSuggestion.closest(to: "x", among: ["y"]), "one letter rewritten is no suggestion")
    }

    func testKeyLineIndex() {
        let index = KeyLineIndex(text: """
            # comment = 1
            top = 1
            [server]
              port = 2   # trailing
            'socket.mode' = "x"
            [ "pkcs11" ]
            a.b = 3
            [[arr]]
            """)
        XCTAssertEqual(index.line(of: ["top"]), 2)
        XCTAssertEqual(index.line(of: ["server"]), 3)
        XCTAssertEqual(index.line(of: ["server", "port"]), 4)
        XCTAssertEqual(index.line(of: ["server", "socket.mode"]), 5)
        XCTAssertEqual(index.line(of: ["pkcs11", "a", "b"]), 7)
        XCTAssertEqual(index.line(of: ["pkcs11", "a"]), 7)
        XCTAssertEqual(index.line(of: ["server", "absent"]), 3, "falls back to the table")
        XCTAssertEqual(index.line(of: ["arr"]), 8)
        XCTAssertNil(index.line(of: ["comment"]))
    }

    func testElementLinesStayInsideTheValue() {
        let index = KeyLineIndex(text: """
            [server]
            allowed_origins = [
              "https://a.gov.pl", # "*"
              '*',
            ]
            socket = "*"
            """)
        XCTAssertEqual(index.line(ofElement: "https://a.gov.pl", in: ["server", "allowed_origins"]), 3)
        XCTAssertEqual(index.line(ofElement: "*", in: ["server", "allowed_origins"]), 3, "the first quoted occurrence")
        XCTAssertEqual(index.line(ofElement: "absent", in: ["server", "allowed_origins"]), 2)
    }

    func testOriginFlaws() {
        XCTAssertEqual(WebAddress.origin("*"), .failure(.wildcard))
        XCTAssertEqual(WebAddress.origin("ftp://x"), .failure(.scheme))
        XCTAssertEqual(WebAddress.origin("ezd.gov.pl"), .failure(.scheme))
        XCTAssertEqual(WebAddress.origin("https://a/b"), .failure(.path))
        XCTAssertEqual(WebAddress.origin("https://"), .failure(.host))
        XCTAssertEqual(WebAddress.origin("https://a:99999"), .failure(.port))
        XCTAssertEqual(WebAddress.origin("https://a:+80"), .failure(.port))
        XCTAssertEqual(WebAddress.origin("http://[::1]"), .success("http://[::1]"))
    }
}
