@testable import DaemonConfiguration
import TOMLKit
import XCTest

/// The names of value kinds are looked up by a computed key: each one is in
/// the catalog (a missing one would show its key instead of a word).
final class ValueKindMessagesTests: XCTestCase {
    func testEveryExpectedAndFoundKindHasItsNameInBothLanguages() {
        let found: [TOMLType] = [.string, .int, .double, .bool, .array, .table, .date, .time, .dateTime]
        let keys = ValueKind.allCases.map(\.rawValue) + found.map(ValueKind.foundKey)
        XCTAssertEqual(Set(keys).count, 15)
        for key in keys {
            XCTAssertNotNil(messages.entries[key], key)
        }
        XCTAssertEqual(ValueKind.stringList.names.en, #"a list of strings, e.g. ["a", "b"]"#)
        XCTAssertEqual(ValueKind.names(of: .dateTime).pl, "data z godziną")
    }
}
