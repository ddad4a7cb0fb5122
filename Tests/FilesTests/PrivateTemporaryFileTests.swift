import Files
import Foundation
import XCTest

/// The spool of a JSON request's document: 0600 from the first byte whatever
/// the umask, a new file every time, removed again when writing fails.
final class PrivateTemporaryFileTests: XCTestCase {
    func testASpooledDocumentIsOnlyItsOwnersFromTheStartWhateverTheUmask() throws {
        let old = umask(0)
        defer { umask(old) }
        let path = try PrivateTemporaryFile.write(Array("Zaświadczenie\n".utf8), prefix: "podpis-test-")
        defer { unlink(path) }
        var status = stat()
        XCTAssertEqual(lstat(path, &status), 0)
        XCTAssertEqual(status.st_mode & S_IFMT, S_IFREG)
        XCTAssertEqual(status.st_mode & 0o777, 0o600)
        XCTAssertEqual(status.st_uid, getuid())
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), Data("Zaświadczenie\n".utf8))

        let second = try PrivateTemporaryFile.create(prefix: "podpis-test-")
        close(second.fd)
        defer { unlink(second.path) }
        XCTAssertNotEqual(second.path, path, "a new name every time")
    }
}
