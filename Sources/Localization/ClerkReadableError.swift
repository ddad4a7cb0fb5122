/// An error that tells the clerk what happened and what to do: a stable code
/// for programs and the protocol, and a sentence in Polish and English.
public protocol ClerkReadableError: Error, CustomStringConvertible {
    /// Stable, lower-case, e.g. `pin-incorrect`.
    var code: String { get }
    var message: ClerkText { get }
}

extension ClerkReadableError {
    public var description: String { "\(message) [\(code)]" }
}
