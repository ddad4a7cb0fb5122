import Timestamping
import XCTest

/// Every kind's code has its sentence in the module's catalog.
final class TimeStampErrorKindMessagesTests: XCTestCase {
    func testEveryKindHasASentenceWithItsDetail() {
        XCTAssertEqual(TimeStampErrorKind.kindsWithoutSentence, [])
    }
}
