import Localization
import SmartCard
import XCTest

/// A PC/SC error is a clerk-readable error: generic code sees its stable code and sentence.
final class PCSCErrorReadableTests: XCTestCase {
    func testAPCSCErrorIsClerkReadableWithItsNamedCode() throws {
        let error: any Error = PCSCError(rawValue: PCSCError.Code.noAccess, function: "SCardEstablishContext")
        let readable = try XCTUnwrap(error as? any ClerkReadableError)
        XCTAssertEqual(readable.code, "pcsc-no-access")
        XCTAssertFalse(readable.message.pl.isEmpty)
        XCTAssertFalse(readable.message.en.isEmpty)
        XCTAssertEqual(PCSCError(rawValue: PCSCError.Code.unknownReader, function: "SCardConnect").name, "SCARD_E_UNKNOWN_READER")
    }
}
