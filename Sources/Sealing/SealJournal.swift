import Files
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
        /// Written as its raw value ("sealed", "failed"): the journal's
        /// format is unchanged; a line with another state is refused.
        public enum State: String, Codable, Sendable, CaseIterable { case sealed, failed }
        public let name: String
        public let sha256: String
        public let state: State
        public let output: String?
        public let code: String?
        public let time: Date
        /// The document was found sealed on resume (its line was missing).
        public var recovered: Bool?
    }

    public static let fileName = ".podpis-seal-journal.jsonl"
    public let path: String
    private let entries: Locked<[String: Entry]>
    private let fd: Int32

    /// Journal lines committed together: one write and one fsync for
    /// every line waiting (see ``commit(_:)``).
    private let group: GroupCommit<Line>

    struct Line: Sendable {
        let entry: Entry
        let bytes: [UInt8]
    }

    public init(directory: String) throws {
        path = directory + "/" + Self.fileName
        var loaded: [String: Entry] = [:]
        // Read and appended to without following a symbolic link put in its place.
        if let data = try? InputFile(path: path).readAll(limit: .max) {
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            // A torn last line (power cut mid-write) is ignored: its document is redone.
            // A whole line with a state this version does not know is refused:
            // guessing what became of its document could seal it twice.
            for line in data.split(separator: 0x0A) {
                if let entry = try? decoder.decode(Entry.self, from: Data(line)) {
                    loaded[entry.name] = entry
                } else if let state = Self.unknownState(in: Data(line)) {
                    throw SealError("journal-state", messages.text("journal-unknown-state", ["path": path, "state": state]))
                }
            }
        }
        let entries = Locked(loaded)
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw SealError("journal", messages.text("journal-unwritable", ["path": path])) }
        self.entries = entries
        self.fd = fd
        let path = path
        group = GroupCommit(label: "podpis.seal.journal") { lines in
            var batch: [UInt8] = []
            batch.reserveCapacity(lines.reduce(0) { $0 + $1.bytes.count })
            for line in lines { batch.append(contentsOf: line.bytes) }
            let failure = entries.withLock { table -> (any Error)? in
                guard Self.writeAll(fd, batch), fsync(fd) == 0 else { return Self.cannotWrite(path) }
                for line in lines { table[line.entry.name] = line.entry }
                return nil
            }
            return Array(repeating: failure, count: lines.count)
        }
    }

    deinit { close(fd) }

    /// The state of a complete JSON line whose state is none of ``Entry/State``.
    static func unknownState(in line: Data) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: line) as? [String: Any],
              let state = object["state"] as? String, Entry.State(rawValue: state) == nil
        else { return nil }
        return String(state.prefix(64))
    }

    public func entry(_ name: String) -> Entry? { entries.withLock { $0[name] } }

    public var all: [Entry] { entries.withLock { Array($0.values) } }

    /// Appends one line and fsyncs it before returning (on the caller's thread).
    public func record(_ entry: Entry) throws {
        let line = Self.line(entry)
        try entries.withLock { table in
            guard Self.writeAll(fd, line), fsync(fd) == 0 else { throw Self.cannotWrite(path) }
            table[entry.name] = entry
        }
    }

    /// Appends one line; returns when it is fsynced, together with the lines
    /// of other documents that arrived meanwhile (group commit, on the
    /// journal's own thread).
    public func commit(_ entry: Entry) async throws {
        try await group.commit(Line(entry: entry, bytes: Self.line(entry)))
    }

    static func cannotWrite(_ path: String) -> SealError {
        SealError("journal", messages.text("journal-unwritable", ["path": path]))
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += written
            }
            return true
        }
    }

    /// The entry as one JSON line, keys sorted (as JSONEncoder with
    /// `.sortedKeys`, `.iso8601` dates, nil fields left out).
    static func line(_ entry: Entry) -> [UInt8] {
        var json = JSONLine(capacity: 160 + entry.name.utf8.count * 2)
        json.raw("{")
        json.field("code", entry.code, first: true)
        json.field("name", entry.name, first: entry.code == nil)
        json.field("output", entry.output)
        json.field("recovered", entry.recovered)
        json.field("sha256", entry.sha256)
        json.field("state", entry.state.rawValue)
        json.key("time")
        json.iso8601(secondsSince1970: entry.time.timeIntervalSince1970)
        json.raw("}\n")
        return json.bytes
    }
}
