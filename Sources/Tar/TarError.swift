import Localization

/// Why an archive could not be read.
public enum TarError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A header whose checksum does not add up: not a tar archive, or damaged.
    case badChecksum
    /// A header field that cannot be read.
    case badHeader(String)
    /// A pax record that is not `LENGTH KEY=VALUE\n`.
    case badPaxRecord
    /// A pax record whose value cannot be taken (an `mtime` of `nan`, `inf`
    /// or `1e300`, a negative or huge `size`): same code as a bad record.
    case badPaxValue(String)
    /// An extended header or long name over the limit.
    case tooLong(Int)
    /// The data ended inside an entry or before the end-of-archive blocks.
    case truncated

    /// A stable code for problems and logs.
    public var code: String {
        switch self {
        case .badChecksum: "tar-bad-checksum"
        case .badHeader: "tar-bad-header"
        case .badPaxRecord, .badPaxValue: "tar-bad-pax"
        case .tooLong: "tar-too-long"
        case .truncated: "tar-truncated"
        }
    }

    /// What went wrong, in Polish and English (for a clerk or an administrator).
    public var message: ClerkText {
        switch self {
        case .badChecksum: messages.text("tar-bad-checksum")
        case .badHeader(let field): messages.text("tar-bad-header", ["field": field])
        case .badPaxRecord: messages.text("tar-bad-pax-record")
        case .badPaxValue(let key): messages.text("tar-bad-pax-value", ["key": key])
        case .tooLong(let limit): messages.text("tar-too-long", ["limit": limit])
        case .truncated: messages.text("tar-truncated")
        }
    }

    public var description: String { message.en }
}
