import PKCS11
@testable import Station
import XCTest

/// FlatJSON parses the agent's answer, PIN included, into byte arrays: each
/// value is written into an array reserved once (it never grows, so no
/// reallocation leaves a copy), and every failure wipes what was read.
final class FlatJSONTests: XCTestCase {
    func testParsesStringsAndEscapesIntoBytes() throws {
        let fields = try XCTUnwrap(FlatJSON.parse(Array(#" { "decision" : "approve" , "pin" : "1\u00e9\"\\\/\t2" } "#.utf8)))
        XCTAssertEqual(fields["decision"], Array("approve".utf8))
        XCTAssertEqual(fields["pin"], Array("1é\"\\/\t2".utf8))
        XCTAssertEqual(FlatJSON.parse(Array("{}".utf8))?.count, 0)
        // Longer than any first guess of a value's size.
        let long = String(repeating: "7", count: 300)
        XCTAssertEqual(FlatJSON.parse(Array(#"{"pin":"\#(long)\u00e9"}"#.utf8))?["pin"], Array((long + "é").utf8))
    }

    func testRefusesWhatIsNotAFlatObjectOfStrings() {
        for bad in [#"{"a":1}"#, #"{"a":"x","a":"y"}"#, #"{"a":"x"} x"#, #"{"a":"\q"}"#, #"{"a":"\u12"}"#, #"{"a":"x""#, "[]", "", #"{"a":"\u{1}"}"#] {
            XCTAssertNil(FlatJSON.parse(Array(bad.utf8)), bad)
        }
    }

    /// Every value read before the parse fails is handed to the wipe and
    /// zeroed: a PIN in a body that turns out malformed leaves nothing behind.
    func testEveryFailureWipesTheValuesRead() {
        let cases: [(body: String, read: [String])] = [
            (#"{"pin":"2468","pin":"1357"}"#, ["2468", "1357"]),  // duplicate key
            (#"{"pin":"2468","decision":"approve""#, ["2468", "approve"]),  // cut short
            (#"{"pin":"2468"} trailing"#, ["2468"]),  // bytes after the object
            (#"{"pin":"2468","decision":"ap\x"}"#, ["2468"]),  // bad escape: the partial value too
            (#"{"pin":"2468","decision":"appr"#, ["2468"]),  // unterminated string
            (#"{"pin":"2468" "decision":"approve"}"#, ["2468"]),  // missing comma
        ]
        for (body, read) in cases {
            var wiped: [[UInt8]] = []
            let result = FlatJSON.parse(Array(body.utf8)) { value in
                Wipe.bytes(&value)
                wiped.append(value)
            }
            XCTAssertNil(result, body)
            for value in read {
                XCTAssertTrue(wiped.contains([UInt8](repeating: 0, count: value.utf8.count)), "\(body): \(value) wiped")
            }
            XCTAssertTrue(wiped.allSatisfy { $0.allSatisfy { $0 == 0 } }, body)
        }
    }
}
