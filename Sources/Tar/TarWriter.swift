/// Writes the blocks of a tar archive in pax interchange format: a pax
/// extended header before an entry when its name does not fit ustar's 100
/// bytes or when it carries records of its own (`PODPIS.sha256`...).
/// Readable by GNU tar, bsdtar and Python's tarfile.
public enum TarWriter {
    /// The header blocks of an entry of `size` bytes; its data, then
    /// ``padding(_:)``, follow.
    public static func header(name: String, size: Int, mtime: Int = 0, mode: Int = 0o644, pax: [String: String] = [:]) -> [UInt8] {
        var records = pax
        let fits = name.utf8.count <= 100 && name.utf8.allSatisfy { $0 < 0x80 }
        if !fits { records["path"] = name }
        var bytes: [UInt8] = []
        if !records.isEmpty {
            var body: [UInt8] = []
            for key in records.keys.sorted() { body += record(key, records[key]!) }
            let paxName = "PaxHeaders/" + String(name.utf8.prefix(80).filter { $0 < 0x80 }.map { Character(UnicodeScalar($0)) })
            bytes += TarHeader(name: paxName, size: body.count, kind: .paxExtended, mode: 0o644, mtime: mtime).encoded()
            bytes += body
            bytes += [UInt8](repeating: 0, count: TarHeader.padding(body.count))
        }
        let shortName = fits ? name : String(name.utf8.prefix(100).filter { $0 < 0x80 }.map { Character(UnicodeScalar($0)) })
        bytes += TarHeader(name: shortName, size: size, kind: .file, mode: mode, mtime: mtime).encoded()
        return bytes
    }

    /// Zero bytes after `size` bytes of data, up to the next block.
    public static func padding(_ size: Int) -> [UInt8] {
        [UInt8](repeating: 0, count: TarHeader.padding(size))
    }

    /// The end of the archive: two zero blocks.
    public static let end = [UInt8](repeating: 0, count: 2 * TarHeader.blockSize)

    /// One whole entry: header, data, padding.
    public static func entry(name: String, data: [UInt8], mtime: Int = 0, pax: [String: String] = [:]) -> [UInt8] {
        header(name: name, size: data.count, mtime: mtime, pax: pax) + data + padding(data.count)
    }

    /// A pax record: its length in decimal counts the digits themselves.
    static func record(_ key: String, _ value: String) -> [UInt8] {
        let tail = " \(key)=\(value)\n".utf8.count
        var length = tail + 1
        while String(length).utf8.count + tail != length { length = String(length).utf8.count + tail }
        return Array("\(length) \(key)=\(value)\n".utf8)
    }
}
