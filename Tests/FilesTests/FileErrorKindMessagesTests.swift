import Files
import XCTest

/// Every kind's code has its sentence in the module's catalog.
final class FileErrorKindMessagesTests: XCTestCase {
    func testEveryKindHasASentenceWithItsDetail() {
        XCTAssertEqual(FileErrorKind.kindsWithoutSentence, [])
    }
}
