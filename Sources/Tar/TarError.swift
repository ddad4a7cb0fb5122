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

    /// The same in Polish, for messages a clerk or an administrator reads.
    public var polishDescription: String {
        switch self {
        case .badChecksum: "to nie jest archiwum tar (suma kontrolna nagłówka się nie zgadza)"
        case .badHeader(let field): "nie można odczytać pola \(field) nagłówka tar"
        case .badPaxRecord: "rozszerzony nagłówek pax jest uszkodzony"
        case .badPaxValue(let key): "wartości \(key) w rozszerzonym nagłówku pax nie można przyjąć"
        case .tooLong(let limit): "rozszerzony nagłówek tar przekracza \(limit) bajtów"
        case .truncated: "archiwum tar jest urwane"
        }
    }

    public var description: String {
        switch self {
        case .badChecksum: "not a tar archive (a header's checksum is wrong)"
        case .badHeader(let field): "a tar header's \(field) cannot be read"
        case .badPaxRecord: "a pax extended header is malformed"
        case .badPaxValue(let key): "a pax extended header's \(key) cannot be taken"
        case .tooLong(let limit): "a tar extended header is over \(limit) bytes"
        case .truncated: "the tar archive is cut off"
        }
    }
}
