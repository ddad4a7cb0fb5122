#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The languages Podpis speaks to clerks.
public enum Language: String, Sendable, Codable, CaseIterable {
    case polish = "pl"
    case english = "en"

    /// The language chosen by the POSIX locale variables, in their order of
    /// precedence: `LC_ALL`, then `LC_MESSAGES`, then `LANG`. Polish for any
    /// `pl*` locale, English otherwise.
    public static var current: Language {
        from(environment: { name in getenv(name).map { String(cString: $0) } })
    }

    /// The language for a given environment lookup (exposed for tests).
    public static func from(environment lookup: (String) -> String?) -> Language {
        for name in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            guard let value = lookup(name), !value.isEmpty else { continue }
            return value.lowercased().hasPrefix("pl") ? .polish : .english
        }
        return .english
    }
}
