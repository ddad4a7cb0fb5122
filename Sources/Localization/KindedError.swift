/// The kinds of one error type: each kind's raw value is its stable code,
/// and it words the sentence for a detail. An error type is then
/// `KindedError<ItsKind>` and keeps the kind, the detail and the code in one
/// place for every module (CMS, Files, Timestamping, XAdES).
public protocol ErrorKind: RawRepresentable, Sendable, Hashable where RawValue == String {
    /// The clerk's sentence for this kind with the detail filled in.
    func message(_ detail: String) -> ClerkText
}

/// An error of one kind with a detail (a path, what a parser said): a
/// `ClerkReadableError` whose code is the kind's raw value.
public struct KindedError<Kind: ErrorKind>: ClerkReadableError, Sendable, Hashable {
    public let kind: Kind
    public let detail: String

    public init(_ kind: Kind, _ detail: String) {
        self.kind = kind
        self.detail = detail
    }

    public var code: String { kind.rawValue }
    public var message: ClerkText { kind.message(detail) }
}
