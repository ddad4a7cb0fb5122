import CMS
import XCTest

/// Every kind's code has its sentence in the module's catalog.
final class CMSErrorKindMessagesTests: XCTestCase {
    func testEveryKindHasASentenceWithItsDetail() {
        XCTAssertEqual(CMSErrorKind.kindsWithoutSentence, [])
    }
}
