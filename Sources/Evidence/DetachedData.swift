import Files
import Foundation

/// A file the user gives next to a detached signature (CAdES .p7s, XAdES
/// detached references): its name and a way to digest it, in constant
/// memory, with whatever algorithm the signature names. Format-neutral: the
/// formats only ask for digests and the name.
public struct DetachedData: Sendable {
    /// Where the bytes are.
    public enum Source: Sendable {
        /// A file, read in chunks each time it is digested (never held whole).
        case file(InputFile)
        /// Bytes already in memory (an upload, a test).
        case bytes([UInt8])
    }

    /// The name the report shows (the file's last path component by default).
    public let name: String
    public let source: Source
    /// Digests already computed: a 1 GiB file is read once however many
    /// times the examiner and the report ask (the signature's algorithm, SHA-256).
    private let computed = Computed()

    final class Computed: @unchecked Sendable {
        let lock = NSLock()
        var digests: [DigestAlgorithm: [UInt8]] = [:]
        var size: Int?
    }

    public init(name: String, bytes: [UInt8]) {
        self.name = name
        self.source = .bytes(bytes)
    }

    public init(name: String, file: InputFile) {
        self.name = name
        self.source = .file(file)
    }

    /// The regular file at `path` (no symbolic link followed), named by its last component.
    public init(path: String) {
        let last = path.split(separator: "/", omittingEmptySubsequences: true).last.map(String.init) ?? path
        self.init(name: last, file: InputFile(path: path))
    }

    /// The data's digest with `algorithm`.
    public func digest(_ algorithm: DigestAlgorithm) throws(FileError) -> [UInt8] {
        try digests([algorithm])[algorithm] ?? []
    }

    /// Digests with several algorithms in one pass over the data, and its size.
    public func digests(_ algorithms: Set<DigestAlgorithm>) throws(FileError) -> [DigestAlgorithm: [UInt8]] {
        try measure(algorithms).digests
    }

    /// The SHA-256 a report shows for the file.
    public func sha256() throws(FileError) -> [UInt8] { try digest(.sha256) }

    /// Digests with `algorithms` and the number of bytes, in one pass.
    public func measure(_ algorithms: Set<DigestAlgorithm>) throws(FileError) -> (digests: [DigestAlgorithm: [UInt8]], size: Int) {
        let known = computed.lock.withLock { () -> (digests: [DigestAlgorithm: [UInt8]], size: Int)? in
            guard let size = computed.size, algorithms.allSatisfy({ computed.digests[$0] != nil }) else { return nil }
            return (computed.digests.filter { algorithms.contains($0.key) }, size)
        }
        if let known { return known }
        // SHA-256 comes along in every pass: the report always shows it.
        var hashers = algorithms.union([.sha256]).map { ($0, $0.hasher()) }
        let size: Int
        switch source {
        case .bytes(let bytes):
            for index in hashers.indices { hashers[index].1.update(bytes) }
            size = bytes.count
        case .file(let file):
            do {
                size = try file.forEachChunk { chunk in
                    for index in hashers.indices { hashers[index].1.update(chunk) }
                }
            } catch let error as FileError {
                throw error
            } catch {
                throw FileError(.cannotRead, "\(file.path): \(error)")
            }
        }
        var result: [DigestAlgorithm: [UInt8]] = [:]
        for (algorithm, hasher) in hashers { result[algorithm] = hasher.finalize() }
        computed.lock.withLock {
            computed.digests.merge(result) { $1 }
            computed.size = size
        }
        return (result.filter { algorithms.contains($0.key) }, size)
    }

    /// The data's bytes, refused over `limit` (for transforms that need them whole).
    public func contents(limit: Int) throws -> [UInt8] {
        switch source {
        case .bytes(let bytes):
            guard bytes.count <= limit else { throw FileError(.tooLarge, "\(name): over \(limit) bytes") }
            return bytes
        case .file(let file):
            return try file.readAll(limit: limit)
        }
    }
}
