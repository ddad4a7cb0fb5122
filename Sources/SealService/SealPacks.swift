#if canImport(Glibc)
import Glibc
#endif
import Crypto
import Files
import Foundation
import Sealing
import SignatureAlgorithms
import StationAPI
import Synchronization
import Tar

/// The seals of a batch, many to a file: `seals/pack-N.tar`, each seal a tar
/// entry (pax) named as its output, with the records of the seal stream
/// (``SealStreamRecord``) and the seal's own SHA-256. A seal is appended at
/// once, and the pack fsynced for every seal waiting (group commit): one
/// file and one fsync for many seals instead of a file, an fsync, a link and
/// an unlink each.
///
/// Each run of podpisd appends to a pack of its own (never to one a killed
/// run left): at start, the packs are read entry by entry; a tail cut by a
/// power loss (an entry incomplete, or whose bytes do not match its
/// SHA-256) ends what is taken from that pack. The journal only names seals
/// that were fsynced before it, so what the tail loses was never recorded.
final class SealPacks: SealOutputs {
    /// Where one seal is: its whole tar entry, and its bytes inside it.
    struct Location: Sendable {
        let path: String
        let entryStart: Int
        let dataStart: Int
        let size: Int
        var entryEnd: Int { dataStart + size + TarHeader.padding(size) }
    }

    /// A pack being written: its descriptor, closed when the last commit
    /// using it is done with it.
    final class PackFile: Sendable {
        let path: String
        let fd: Int32

        init(path: String) throws(FileError) {
            self.path = path
            fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
            guard fd >= 0 else { throw FileError(.cannotWrite, "\(path): \(String(cString: strerror(errno)))") }
        }

        deinit { close(fd) }
    }

    private struct Writer {
        var file: PackFile?
        var tail = 0
        var next: Int
    }

    private struct Pending: Sendable {
        let file: PackFile
    }

    let directory: String
    private let index: Mutex<[String: Location]>
    private let writer: Mutex<Writer>
    private let group: GroupCommit<Pending>

    /// A new pack is started once the current one holds this much.
    static let bytesPerPack = 256 << 20

    /// The seals already in `directory`'s packs (read again at start).
    init(directory: String) {
        self.directory = directory
        var found: [String: Location] = [:]
        var highest = 0
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        for name in names where name.hasPrefix("pack-") && name.hasSuffix(".tar") {
            // A number of a pack not written here (pack-9223372036854775807.tar) is no reason to trap on +1.
            if let number = Int(name.dropFirst(5).dropLast(4)), number < 1 << 40 { highest = max(highest, number) }
            let path = directory + "/" + name
            let intact = Self.read(pack: path)
            for (output, location) in intact { found[output] = location }
            // What a killed run wrote but had not fsynced yet is durable from
            // here on; a torn tail is cut off the file itself (kill -9 can
            // stop a write midway; nothing is ever appended to this pack
            // again), so that the pack stays a tar any tar reads.
            let fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC)
            if fd >= 0 {
                var status = stat()
                let end = intact.last?.1.entryEnd ?? 0
                if fstat(fd, &status) == 0, status.st_mode & S_IFMT == S_IFREG, Int(status.st_size) > end {
                    _ = ftruncate(fd, off_t(end))
                }
                fsync(fd)
                close(fd)
            }
        }
        index = Mutex(found)
        writer = Mutex(Writer(next: highest + 1))
        group = GroupCommit(label: "podpis.seal-packs", linger: Sealer.commitLinger) { batch in
            var synced: [ObjectIdentifier: (any Error)?] = [:]
            return batch.map { pending in
                let key = ObjectIdentifier(pending.file)
                if let done = synced[key] { return done }
                let error: (any Error)? = fsync(pending.file.fd) == 0
                    ? nil : FileError(.cannotWrite, "\(pending.file.path): fsync: \(String(cString: strerror(errno)))")
                synced[key] = error
                return error
            }
        }
    }

    /// The complete, intact seals of one pack, by output name.
    static func read(pack path: String) -> [(String, Location)] {
        var reader = TarReader()
        var found: [(String, Location)] = []
        var entryStart = 0
        var current: (entry: TarEntry, hasher: SHA256)?
        do {
            try InputFile(path: path).forEachChunk { chunk in
                for event in try reader.feed(chunk) {
                    switch event {
                    case .entry(let entry):
                        current = entry.kind == .file ? (entry, SHA256()) : nil
                    case .data(let bytes):
                        current?.hasher.update(data: bytes)
                    case .entryEnd:
                        guard let (entry, hasher) = current else { continue }
                        current = nil
                        guard entry.pax[SealStreamRecord.sealSHA256] == hasher.finalize().hexString else { throw TarError.truncated }
                        let location = Location(path: path, entryStart: entryStart, dataStart: entry.offset, size: entry.size)
                        found.append((entry.name, location))
                        entryStart = location.entryEnd
                    case .end:
                        return
                    }
                }
            }
        } catch {
            // A tail cut by a power loss: what came before it stands.
        }
        return found
    }

    func prepare() {}

    func contains(_ outputName: String) -> Bool {
        index.withLock { $0[outputName] != nil }
    }

    func location(_ outputName: String) -> Location? {
        index.withLock { $0[outputName] }
    }

    func commit(_ bytes: [UInt8], as outputName: String, for result: SealResult) async throws {
        guard !contains(outputName) else { throw FileError(.exists, outputName) }
        var records = [
            SealStreamRecord.document: result.name, SealStreamRecord.sealSHA256: SHA256.hash(data: bytes).hexString,
        ]
        if let sha256 = result.sha256 { records[SealStreamRecord.sha256] = sha256 }
        if let size = result.size { records[SealStreamRecord.size] = String(size) }
        if let method = result.method { records[SealStreamRecord.method] = method.rawValue }
        let header = TarWriter.header(name: outputName, size: bytes.count, mtime: Int(Date().timeIntervalSince1970), pax: records)
        let entry = header + bytes + TarWriter.padding(bytes.count)
        let (file, location) = try append(entry, dataAt: header.count, size: bytes.count)
        try await group.commit(Pending(file: file))
        index.withLock { $0[outputName] = location }
    }

    /// The seal is no longer listed nor served; its bytes stay in the pack
    /// until the batch is deleted (read again at start, it is taken up as a
    /// seal whose audit line is missing, and released only once that is written).
    func withdraw(_ outputName: String) async {
        _ = index.withLock { $0.removeValue(forKey: outputName) }
    }

    /// Appends one entry at the end of the current pack (a new one first if
    /// there is none yet, or it is full); a failed write is cut off again.
    private func append(_ entry: [UInt8], dataAt headerSize: Int, size: Int) throws(FileError) -> (PackFile, Location) {
        let directory = self.directory
        return try writer.withLock { writer throws(FileError) -> (PackFile, Location) in
            if writer.file == nil || writer.tail >= Self.bytesPerPack {
                let file = try PackFile(path: directory + "/pack-\(writer.next).tar")
                writer.next += 1
                writer.file = file
                writer.tail = 0
                // The new name, durable before any seal in it is.
                AtomicOutputFile.syncDirectory(directory)
            }
            let file = writer.file!
            let start = writer.tail
            let written = entry.withUnsafeBytes { raw -> Bool in
                var offset = 0
                while offset < raw.count {
                    let n = pwrite(file.fd, raw.baseAddress! + offset, raw.count - offset, off_t(start + offset))
                    if n < 0 && errno == EINTR { continue }
                    guard n > 0 else { return false }
                    offset += n
                }
                return true
            }
            guard written else {
                let reason = String(cString: strerror(errno))
                _ = ftruncate(file.fd, off_t(start))
                throw FileError(.cannotWrite, "\(file.path): \(reason)")
            }
            writer.tail = start + entry.count
            return (file, Location(path: file.path, entryStart: start, dataStart: start + headerSize, size: size))
        }
    }

    /// The seal's bytes.
    func bytes(at location: Location) throws -> [UInt8] {
        try InputFile(path: location.path).readRange(offset: location.dataStart, count: location.size)
    }

    /// The seal and the SHA-256 recorded for it when it was committed (its
    /// entry's `seal-sha256` record), for a reader to check the bytes against.
    func sealWithRecord(at location: Location) throws -> (bytes: [UInt8], sealSHA256: String?) {
        let entry = try self.entry(at: location)
        var reader = TarReader()
        var records: [String: String] = [:]
        for event in try entry.withUnsafeBytes({ try reader.feed($0) }) {
            if case .entry(let begun) = event { records = begun.pax }
        }
        let dataStart = location.dataStart - location.entryStart
        return (Array(entry[dataStart..<dataStart + location.size]), records[SealStreamRecord.sealSHA256])
    }

    /// The seal's whole tar entry (header with its records, data, padding), as the seal stream sends it.
    func entry(at location: Location) throws -> [UInt8] {
        try InputFile(path: location.path).readRange(offset: location.entryStart, count: location.entryEnd - location.entryStart)
    }
}
