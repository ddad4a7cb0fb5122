import Timestamping
import XCTest

/// Every kind's code has its sentence in the module's catalog, in both languages.
final class TimeStampErrorKindMessagesTests: XCTestCase {
    func testEveryKindHasASentenceWithItsDetail() {
        for kind in TimeStampErrorKind.allCases {
            XCTAssertNotNil(TimeStampErrorKind.catalog.entries[kind.rawValue], kind.rawValue)
            let message = kind.message("DETAIL")
            XCTAssertFalse(message.pl.contains("{") || message.en.contains("{"), kind.rawValue)
            XCTAssertNotEqual(message.pl, message.en, kind.rawValue)
        }
    }
}
