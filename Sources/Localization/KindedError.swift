/// The kinds of one error type: each kind's raw value is its stable code,
/// and the key of its sentence in the module's message catalog, where
/// `{detail}` stands for the detail. An error type is then
/// `KindedError<ItsKind>` and keeps the kind, the detail and the code in one
/// place for every module (CMS, Files, Timestamping, XAdES).
public protocol ErrorKind: RawRepresentable, Sendable, Hashable, CaseIterable where RawValue == String {
    /// The catalog of the module that defines the kind.
    static var catalog: MessageCatalog { get }
    /// The clerk's sentence for this kind with the detail filled in.
    func message(_ detail: String) -> ClerkText
}

extension ErrorKind {
    public func message(_ detail: String) -> ClerkText {
        Self.catalog.text(rawValue, ["detail": detail])
    }
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

extension ErrorKind {
    /// The kinds whose sentence is missing from the catalog or names a
    /// placeholder other than `{detail}` (for each module's tests: empty).
    public static var kindsWithoutSentence: [Self] {
        allCases.filter { kind in
            guard let entry = catalog.entries[kind.rawValue] else { return true }
            return !Set(MessageCatalog.placeholders(entry.pl) + MessageCatalog.placeholders(entry.en)).isSubset(of: ["detail"])
        }
    }
}
