import Localization

/// Something wrong in a configuration file, found by
/// ``DaemonConfiguration/load(files:environment:)``.
///
/// Codes are stable, for programs and tests:
///
/// | code             | meaning                                                        |
/// |------------------|----------------------------------------------------------------|
/// | `toml-syntax`    | the file is not valid TOML (or not UTF-8 text)                 |
/// | `unreadable`     | the file exists but cannot be read                             |
/// | `unknown-key`    | a table or key podpisd does not know (maybe a typo)            |
/// | `wrong-type`     | e.g. a string where a number belongs                           |
/// | `out-of-range`   | a number (or socket path length) outside its bounds            |
/// | `bad-url`        | a TSA URL that is not http(s)://host…                          |
/// | `bad-origin`     | an allowed origin that is not scheme://host[:port]             |
/// | `bad-mode`       | a socket mode that is not an octal string such as "0660"       |
/// | `bad-path`       | a socket or module path that is not absolute                   |
/// | `unknown-value`  | a format, packaging, level or digest podpisd does not know     |
/// | `module-missing` | a PKCS#11 module file not there (a warning)                    |
/// | `trust-unreadable` | a `[verification] trust` file missing or not readable        |
/// | `trust-not-certificate` | a `[verification] trust` file with no certificate in it |
/// | `bad-address-range` | a `[verification] allow_addresses` entry that is not an address or CIDR range |
///
/// A value with an error is ignored: the earlier file's value (or the
/// default) stays in force.
public struct ConfigurationProblem: Sendable, Equatable, CustomStringConvertible {
    /// The file as it was given to `load`.
    public let file: String
    /// The 1-based line, when known.
    public let line: Int?
    /// The dotted key, e.g. `server.port`; a table name for a table; empty
    /// when the problem concerns the whole file.
    public let key: String
    /// Stable, lower-case, e.g. `out-of-range`.
    public let code: String
    /// What is wrong and how to fix it, in Polish and English.
    public let message: ClerkText
    public private(set) var severity: Severity = .error
    /// For `unknown-key` and `unknown-value`: the known name meant, probably.
    public private(set) var suggestion: String? = nil

    /// `file:line: key: message [code]`, in English (for logs); warnings say so
    /// before the message.
    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        text += ": "
        if !key.isEmpty { text += "\(key): " }
        if severity == .warning { text += "warning: " }
        return text + "\(message.en) [\(code)]"
    }
}
