import Localization
import TOMLKit

/// What a key expects, named for `wrong-type` messages.
enum ValueKind {
    case integer
    case seconds
    case string
    case boolean
    case stringList
    case table

    var names: ClerkText {
        switch self {
        case .integer: ClerkText(pl: "liczba całkowita", en: "an integer")
        case .seconds: ClerkText(pl: "liczba sekund", en: "a number of seconds")
        case .string: ClerkText(pl: "tekst w cudzysłowie", en: "a string in quotes")
        case .boolean: ClerkText(pl: "true albo false", en: "true or false")
        case .stringList: ClerkText(pl: "lista tekstów, np. [\"a\", \"b\"]", en: "a list of strings, e.g. [\"a\", \"b\"]")
        case .table: ClerkText(pl: "tabela, np. [server]", en: "a table, e.g. [server]")
        }
    }

    /// What a TOML value found in the file is.
    static func names(of type: TOMLType) -> ClerkText {
        switch type {
        case .string: ClerkText(pl: "tekst", en: "a string")
        case .int: ClerkText(pl: "liczba całkowita", en: "an integer")
        case .double: ClerkText(pl: "liczba ułamkowa", en: "a floating-point number")
        case .bool: ClerkText(pl: "wartość logiczna", en: "a boolean")
        case .array: ClerkText(pl: "lista", en: "a list")
        case .table: ClerkText(pl: "tabela", en: "a table")
        case .date: ClerkText(pl: "data", en: "a date")
        case .time: ClerkText(pl: "godzina", en: "a time")
        case .dateTime: ClerkText(pl: "data z godziną", en: "a date-time")
        }
    }
}
