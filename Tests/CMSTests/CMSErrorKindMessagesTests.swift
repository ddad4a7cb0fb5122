import CMS
import XCTest

/// Every kind's code has its sentence in the module's catalog, in both languages.
final class CMSErrorKindMessagesTests: XCTestCase {
    func testEveryKindHasASentenceWithItsDetail() {
        for kind in CMSErrorKind.allCases {
            XCTAssertNotNil(CMSErrorKind.catalog.entries[kind.rawValue], kind.rawValue)
            let message = kind.message("DETAIL")
            XCTAssertFalse(message.pl.contains("{") || message.en.contains("{"), kind.rawValue)
            XCTAssertNotEqual(message.pl, message.en, kind.rawValue)
        }
    }
}
