import Localization
import TOMLKit

/// What a key expects, named for `wrong-type` messages; the raw value is
/// the name's key in messages.json.
enum ValueKind: String, CaseIterable {
    case integer = "expects-integer"
    case seconds = "expects-seconds"
    case string = "expects-string"
    case boolean = "expects-boolean"
    case stringList = "expects-string-list"
    case table = "expects-table"

    var names: ClerkText { messages.text(rawValue) }

    /// What a TOML value found in the file is.
    static func names(of type: TOMLType) -> ClerkText {
        messages.text(foundKey(type))
    }

    /// The key in messages.json naming a TOML type.
    static func foundKey(_ type: TOMLType) -> String {
        switch type {
        case .string: "found-string"
        case .int: "found-integer"
        case .double: "found-double"
        case .bool: "found-boolean"
        case .array: "found-array"
        case .table: "found-table"
        case .date: "found-date"
        case .time: "found-time"
        case .dateTime: "found-date-time"
        }
    }
}
