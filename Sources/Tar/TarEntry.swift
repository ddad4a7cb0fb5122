/// An entry of an archive as ``TarReader`` hands it out: its header with
/// the name and size from any pax records or GNU long name before it, and
/// those pax records (vendor keys such as `PODPIS.sha256` included).
public struct TarEntry: Sendable, Equatable {
    public var name: String
    public var size: Int
    public var kind: TarHeader.Kind
    public var mtime: Int
    public var pax: [String: String]
    /// Where its data starts in the archive (bytes from the start).
    public var offset: Int

    public init(name: String, size: Int, kind: TarHeader.Kind = .file, mtime: Int = 0, pax: [String: String] = [:], offset: Int = 0) {
        self.name = name
        self.size = size
        self.kind = kind
        self.mtime = mtime
        self.pax = pax
        self.offset = offset
    }
}
