import XAdES
import XCTest

/// Every kind's code has its sentence in the module's catalog.
final class XAdESErrorKindMessagesTests: XCTestCase {
    func testEveryKindHasASentenceWithItsDetail() {
        XCTAssertEqual(XAdESErrorKind.kindsWithoutSentence, [])
    }
}

final class XMLInputErrorMessagesTests: XCTestCase {
    func testEveryKindHasASentenceNamingTheDocument() {
        for kind in XMLInputError.Kind.allCases {
            let message = XMLInputError(kind, document: "pismo.xml", detail: "line 3").message
            XCTAssertFalse(message.en.hasPrefix(kind.rawValue), kind.rawValue)
            XCTAssertTrue(message.pl.contains("pismo.xml") && message.en.contains("pismo.xml"), kind.rawValue)
            XCTAssertFalse(message.pl.contains("{") || message.en.contains("{"), kind.rawValue)
        }
        XCTAssertEqual(XMLInputError(.tooDeep, document: "a.xml", detail: "line 3").message.en, "a.xml is nested too deeply (line 3).")
        XCTAssertEqual(XMLInputError(.tooDeep, document: "a.xml").message.pl, "Plik a.xml jest zagnieżdżony zbyt głęboko.")
    }
}
