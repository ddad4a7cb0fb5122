import Foundation
import SignatureAlgorithms
import XCTest

/// base64 text as XML Schema's base64Binary and PEM carry it: XML
/// whitespace anywhere is skipped, nothing else is.
final class Base64Tests: XCTestCase {
    func testXMLWhitespaceAnywhereIsSkipped() {
        let bytes: [UInt8] = Array(0...255)
        let text = Data(bytes).base64EncodedString(options: [.lineLength64Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
        XCTAssertEqual(text.base64DecodedIgnoringWhitespace, bytes)
        XCTAssertEqual(" \tAAEC\r\nAw==\n ".base64DecodedIgnoringWhitespace, [0, 1, 2, 3])
        // A substring (not a native String's contiguous storage) reads the same.
        XCTAssertEqual("xAAECAw==".dropFirst().base64DecodedIgnoringWhitespace, [0, 1, 2, 3])
    }

    func testOtherCharactersAreRefusedNotSkipped() {
        XCTAssertNil("AAEC\u{00A0}Aw==".base64DecodedIgnoringWhitespace, "a no-break space is not XML whitespace")
        XCTAssertNil("AAEC!Aw==".base64DecodedIgnoringWhitespace)
        XCTAssertNil("AAECAw=".base64DecodedIgnoringWhitespace, "bad padding")
        XCTAssertEqual("".base64DecodedIgnoringWhitespace, [])
    }
}
