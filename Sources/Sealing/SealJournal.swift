import Foundation
import Synchronization

/// What happened to each document of an output directory, one JSON line per
/// event, fsynced: a batch stopped by a crash, `kill -9` or a power cut
/// resumes from here without sealing anything twice or losing anything.
///
/// Order per document: the output is committed (atomically), then the audit
/// trail, then this journal. An output that exists without its journal line
/// (a crash in between) is taken as sealed on resume and recorded then.
public final class SealJournal: Sendable {
    public struct Entry: Codable, Sendable, Equatable {
        public let name: String
        public let sha256: String
        /// sealed or failed.
        public let state: String
        public let output: String?
        public let code: String?
        public let time: Date
        /// The document was found sealed on resume (its line was missing).
        public var recovered: Bool?
    }

    public static let fileName = ".podpis-seal-journal.jsonl"
    public let path: String
    private let entries: Mutex<[String: Entry]>
    private let fd: Int32

    public init(directory: String) throws {
        path = directory + "/" + Self.fileName
        var loaded: [String: Entry] = [:]
        if let data = FileManager.default.contents(atPath: path) {
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            // A torn last line (power cut mid-write) is ignored: its document is redone.
            for line in data.split(separator: 0x0A) {
                if let entry = try? decoder.decode(Entry.self, from: Data(line)) { loaded[entry.name] = entry }
            }
        }
        entries = Mutex(loaded)
        fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw SealError("journal", .init(pl: "Nie można pisać dziennika \(path).", en: "Cannot write the journal \(path).")) }
    }

    deinit { close(fd) }

    public func entry(_ name: String) -> Entry? { entries.withLock { $0[name] } }

    public var all: [Entry] { entries.withLock { Array($0.values) } }

    public func record(_ entry: Entry) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        var line = try encoder.encode(entry)
        line.append(0x0A)
        try entries.withLock { table in
            let written = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard written == line.count, fsync(fd) == 0 else {
                throw SealError("journal", .init(pl: "Nie można pisać dziennika \(path).", en: "Cannot write the journal \(path)."))
            }
            table[entry.name] = entry
        }
    }
}
