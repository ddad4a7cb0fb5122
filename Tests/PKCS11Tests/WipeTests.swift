import PKCS11
import XCTest

/// ``Wipe``, the one helper that zeroes PIN bytes (explicit_bzero).
final class WipeTests: XCTestCase {
    func testBytesZeroesInPlaceAndKeepsTheLength() {
        var pin = Array("123456".utf8)
        let before = pin.withUnsafeBufferPointer { Int(bitPattern: $0.baseAddress) }
        Wipe.bytes(&pin)
        XCTAssertEqual(pin.withUnsafeBufferPointer { Int(bitPattern: $0.baseAddress) }, before, "the same storage, not a copy")
        XCTAssertEqual(pin, [0, 0, 0, 0, 0, 0])
    }

    func testStorageZeroesWhatACopySharesWithoutCopyOnWrite() {
        let original = Array("4321".utf8)
        // Mutating a copy (`var pin = answer.pin; pin[i] = 0`) zeroes a new
        // buffer made by copy-on-write, and the original keeps the digits:
        var copy = original
        for index in copy.indices { copy[index] = 0 }
        XCTAssertEqual(original, Array("4321".utf8), "copy-on-write: the original is untouched by a loop on a copy")
        // Wipe.storage reaches the shared buffer itself.
        let shared = original
        Wipe.storage(of: shared)
        XCTAssertEqual(original, [0, 0, 0, 0])
    }

    func testValuesZeroesEveryValueAndEmptiesTheDictionary() {
        var fields: [String: [UInt8]] = ["pin": Array("9876".utf8), "decision": Array("approve".utf8)]
        let pin = fields["pin"]!  // shares the value's storage
        Wipe.values(&fields)
        XCTAssertTrue(fields.isEmpty)
        XCTAssertEqual(pin, [0, 0, 0, 0], "the value's storage was wiped, copies included")
    }

    func testEmptyInputsAreFine() {
        var empty: [UInt8] = []
        Wipe.bytes(&empty)
        Wipe.storage(of: [])
        Wipe.bytes(UnsafeMutableRawBufferPointer(start: nil, count: 0))
        XCTAssertEqual(empty, [])
    }
}
