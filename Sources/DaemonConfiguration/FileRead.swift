/// What reading a configuration file gave.
enum FileRead: Equatable {
    /// Not there (skipped silently).
    case missing
    case contents([UInt8])
    /// There but not readable: the reason, in English (from `strerror`).
    case failed(String)
}
