/// Why a text is not a web origin for `server.allowed_origins`.
enum OriginFlaw: Error, Equatable {
    /// `*`: never allowed.
    case wildcard
    /// No scheme, or not http/https.
    case scheme
    /// A path, query, fragment or user name after the host.
    case path
    /// No host, or characters a host cannot have.
    case host
    /// A port that is not 1–65535.
    case port
}
