import Crypto
import Files
import Foundation
import SignatureAlgorithms
import Synchronization

/// The audit trail: one JSON line per signature and per refusal, appended
/// and fsynced, each line chained to the one before by its SHA-256, so that
/// an edited, deleted or reordered line is found by `podpis audit verify`.
/// Never a PIN, never document content: names, sizes and digests only.
///
/// A line is `{"hash":"<64 hex>","entry":<entry JSON>}`: `hash` is the
/// SHA-256 of the entry's bytes as written, and each entry holds `prev`, the
/// hash of the line before (64 zeros for the first). After every group of
/// lines the trail's `AuditAnchor` (count, size, last hash, HMAC) is
/// replaced, so that lines cut from the end, or the file deleted or replaced
/// by an older copy, are found too; a trail that no longer fits its anchor
/// is not written to (`AuditError`, and no signature is released).
public actor AuditTrail {
    public struct Entry: Codable, Sendable {
        public struct Document: Codable, Sendable {
            public let name: String
            public let size: Int?
            public let sha256: String?

            package init(name: String, size: Int?, sha256: String?) {
                self.name = name
                self.size = size
                self.sha256 = sha256
            }
        }
        public let time: Date
        public let requestId: String
        public let requester: Requester
        public let certificate: String
        public let holder: String
        public let token: String
        public let documents: [Document]
        public let format: String
        public let packaging: String
        public let level: String
        /// signed, refused or failed.
        public let result: String
        public let problem: String?
        public var prev: String

        package init(
            time: Date, requestId: String, requester: Requester, certificate: String, holder: String, token: String,
            documents: [Document], format: String, packaging: String, level: String, result: String, problem: String?, prev: String
        ) {
            self.time = time
            self.requestId = requestId
            self.requester = requester
            self.certificate = certificate
            self.holder = holder
            self.token = token
            self.documents = documents
            self.format = format
            self.packaging = packaging
            self.level = level
            self.result = result
            self.problem = problem
            self.prev = prev
        }
    }

    public static let genesis = String(repeating: "0", count: 64)
    public nonisolated let path: String
    /// Lines of every appender committed together by one thread: one
    /// write and one fsync under an flock for all lines waiting.
    private let writer: Writer

    public init(path: String) {
        self.path = path
        writer = Writer(path: path)
    }

    /// Whether the next line could be written: the trail opens and still
    /// fits its anchor. Asked before the clerk is, so that nobody types a
    /// PIN for a signature that could not be released.
    public func check() throws(AuditError) {
        try writer.check()
    }

    /// Appends one entry and returns when it is durable (fsynced, chained to
    /// the line before it); a trail that cannot be written fails the
    /// request's record loudly in the log, never silently. Entries appended
    /// meanwhile by others share the write and the fsync (group commit).
    public func append(_ entry: Entry) async throws {
        try await writer.group.commit(Self.split(entry, requester: writer.requester(entry.requester)))
    }

    /// The entry's JSON (as JSONEncoder writes it with `.sortedKeys`,
    /// `.withoutEscapingSlashes`, `.iso8601`) in two parts around the value
    /// of `prev`, which only the writer knows. Keys in sorted order; nil
    /// fields left out, as the synthesized Encodable does.
    static func split(_ entry: Entry, requester: [UInt8]) -> Writer.Pending {
        var json = JSONLine(capacity: 512)
        json.raw("{")
        json.field("certificate", entry.certificate, first: true)
        json.key("documents")
        json.raw("[")
        for (index, document) in entry.documents.enumerated() {
            if index > 0 { json.raw(",") }
            json.raw("{")
            json.field("name", document.name, first: true)
            json.field("sha256", document.sha256)
            json.field("size", document.size)
            json.raw("}")
        }
        json.raw("]")
        json.field("format", entry.format)
        json.field("holder", entry.holder)
        json.field("level", entry.level)
        json.field("packaging", entry.packaging)
        json.key("prev")
        json.raw("\"")
        let head = json.bytes
        json = JSONLine(capacity: 256 + requester.count)
        json.raw("\"")
        json.field("problem", entry.problem)
        json.field("requestId", entry.requestId)
        json.key("requester")
        json.raw(requester)
        json.field("result", entry.result)
        json.key("time")
        json.iso8601(secondsSince1970: entry.time.timeIntervalSince1970)
        json.field("token", entry.token)
        json.raw("}")
        return Writer.Pending(head: head, tail: json.bytes)
    }

    /// The trail's file, written by one thread: the fd kept open, the last
    /// hash kept in memory and read again from the file only when its size
    /// is not what our last write left (another process appended).
    final class Writer: Sendable {
        struct Pending: Sendable {
            let head: [UInt8]
            let tail: [UInt8]
        }

        struct File: @unchecked Sendable {
            var fd: Int32 = -1
            var size: off_t = -1
            var previous = AuditTrail.genesis
            /// Lines in the trail, and the key of its anchor.
            var count = 0
            var key: SymmetricKey?
        }

        let path: String
        let group: GroupCommit<Pending>
        private let requesters = Mutex<[Requester: [UInt8]]>([:])
        private let file: Locked<File>

        init(path: String) {
            self.path = path
            let file = Locked(File())
            self.file = file
            group = GroupCommit(label: "podpis.audit") { batch in
                let result: Result<Void, AuditError> = file.withLock { file in
                    Result { () throws(AuditError) in try Writer.write(batch, to: &file, path: path) }
                }
                if case .failure(let error) = result { return Array(repeating: error, count: batch.count) }
                return Array(repeating: nil, count: batch.count)
            }
        }

        deinit {
            file.withLock { file in
                if file.fd >= 0 { close(file.fd) }
                file.fd = -1
            }
        }

        /// The requester's JSON, encoded once per requester.
        func requester(_ requester: Requester) -> [UInt8] {
            if let known = requesters.withLock({ $0[requester] }) { return known }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let bytes = (try? encoder.encode(requester)).map { [UInt8]($0) } ?? Array("{}".utf8)
            requesters.withLock { $0[requester] = bytes }
            return bytes
        }

        /// Whether a line could be written now: the trail opened and locked,
        /// and found to fit its anchor (what `write` checks first).
        func check() throws(AuditError) {
            let path = self.path
            let result: Result<Void, AuditError> = file.withLock { file in
                Result { () throws(AuditError) in
                    try Writer.open(&file, path: path)
                    guard flock(file.fd, LOCK_EX) == 0 else { throw AuditError(path: path, reason: String(cString: strerror(errno))) }
                    defer { flock(file.fd, LOCK_UN) }
                    _ = try Writer.catchUp(&file, path: path)
                }
            }
            try result.get()
        }

        static func write(_ batch: [Pending], to file: inout File, path: String) throws(AuditError) {
            try open(&file, path: path)
            // Another process (podpisd, podpis seal --local) may append to the same trail.
            guard flock(file.fd, LOCK_EX) == 0 else { throw AuditError(path: path, reason: String(cString: strerror(errno))) }
            defer { flock(file.fd, LOCK_UN) }
            let size = try catchUp(&file, path: path)
            var lines: [UInt8] = []
            lines.reserveCapacity(batch.reduce(0) { $0 + $1.head.count + $1.tail.count + 64 + 24 })
            var previous = file.previous
            for pending in batch {
                var body = pending.head
                body.append(contentsOf: previous.utf8)
                body.append(contentsOf: pending.tail)
                let hash = SHA256.hash(data: body).hexString
                lines.append(contentsOf: AuditLine.prefix)
                lines.append(contentsOf: hash.utf8)
                lines.append(contentsOf: AuditLine.middle)
                lines.append(contentsOf: body)
                lines.append(contentsOf: "}\n".utf8)
                previous = hash
            }
            var offset = 0
            while offset < lines.count {
                let written = lines.withUnsafeBytes { Glibc.write(file.fd, $0.baseAddress! + offset, $0.count - offset) }
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else {
                    file.size = -1
                    throw AuditError(path: path, reason: String(cString: strerror(errno)))
                }
                offset += written
            }
            guard fsync(file.fd) == 0 else {
                file.size = -1
                throw AuditError(path: path, reason: String(cString: strerror(errno)))
            }
            file.previous = previous
            file.size = size + off_t(lines.count)
            file.count += batch.count
            guard let key = file.key else { throw AuditError(path: path, reason: "no key for its anchor") }
            try AuditAnchor(count: file.count, size: Int64(file.size), hash: previous, key: key).write(trail: path)
        }

        /// The trail's file open: the one now at `path` (a trail renamed
        /// away, rotated, or removed since is left), created if absent, no
        /// symbolic link followed.
        static func open(_ file: inout File, path: String) throws(AuditError) {
            if file.fd >= 0 {
                var named = stat(), opened = stat()
                if lstat(path, &named) != 0 || fstat(file.fd, &opened) != 0 || named.st_ino != opened.st_ino || named.st_dev != opened.st_dev {
                    close(file.fd)
                    file.fd = -1
                }
            }
            guard file.fd < 0 else { return }
            let directory = (path as NSString).deletingLastPathComponent
            if !directory.isEmpty, access(directory, F_OK) != 0 {
                try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            }
            file.fd = Glibc.open(path, O_RDWR | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0o600)
            guard file.fd >= 0 else { throw AuditError(path: path, reason: String(cString: strerror(errno))) }
            file.size = -1
        }

        /// The trail's size now (the lock held); when it is not what our last
        /// write left (first open, another process appended, or someone cut
        /// it), the last hash read again and the trail checked against its anchor.
        static func catchUp(_ file: inout File, path: String) throws(AuditError) -> off_t {
            var info = stat()
            guard fstat(file.fd, &info) == 0 else { throw AuditError(path: path, reason: String(cString: strerror(errno))) }
            guard info.st_mode & S_IFMT == S_IFREG else { throw AuditError(path: path, reason: "not a regular file") }
            if info.st_size != file.size {
                file.previous = try lastHash(fd: file.fd, size: info.st_size, path: path)
                try checkAnchor(&file, size: info.st_size, path: path)
                file.size = info.st_size
            }
            return info.st_size
        }

        /// Reads the anchor of a trail found at `size` bytes (first opened,
        /// or appended to by another process) and checks that the trail
        /// still holds every line it anchors: not shorter, and the line at
        /// the anchored end has the anchored hash (lines after it are ones
        /// another writer, or this one before a crash, added since). Sets
        /// the line count and the key. A trail with neither anchor nor key
        /// is new, or from before anchoring: its key is made now.
        static func checkAnchor(_ file: inout File, size: off_t, path: String) throws(AuditError) {
            let anchor = try AuditAnchor.read(trail: path)
            let key: SymmetricKey
            var keyIsNew = false
            switch AuditAnchor.key(trail: path) {
            case .success(let existing): key = existing
            case .failure(.missing) where anchor == nil:
                key = try AuditAnchor.createKey(trail: path)
                keyIsNew = true
            case .failure(.missing):
                throw AuditError(path: path, reason: "the key of its anchor (\(AuditAnchor.keyPath(trail: path))) is missing; \(Self.advice)")
            case .failure(.damaged):
                throw AuditError(path: path, reason: "the key of its anchor (\(AuditAnchor.keyPath(trail: path))) is damaged; \(Self.advice)")
            case .failure(.unreadable(let reason)):
                throw AuditError(path: path, reason: "the key of its anchor (\(AuditAnchor.keyPath(trail: path))) cannot be read: \(reason)")
            }
            guard let anchor else {
                guard size == 0 || keyIsNew else {
                    throw AuditError(path: path, reason: "its anchor (\(AuditAnchor.anchorPath(trail: path))) is missing; \(Self.advice)")
                }
                file.count = try countLines(fd: file.fd, from: 0, to: size, path: path)
                file.key = key
                return
            }
            guard anchor.isAuthentic(key: key) else {
                throw AuditError(path: path, reason: "its anchor does not carry the MAC of its key; \(Self.advice)")
            }
            guard Int64(size) >= anchor.size else {
                throw AuditError(
                    path: path, reason: "it is shorter than its anchor says (\(size) of \(anchor.size) bytes): lines were cut from its end, or it was deleted or replaced; \(Self.advice)")
            }
            guard try lastHash(fd: file.fd, size: off_t(anchor.size), path: path) == anchor.hash else {
                throw AuditError(path: path, reason: "it is not the trail its anchor names (replaced); \(Self.advice)")
            }
            file.count = try anchor.count + countLines(fd: file.fd, from: off_t(anchor.size), to: size, path: path)
            file.key = key
        }

        static let advice = "check it with podpis audit verify; to start a new trail, move the trail and its .head and .key files aside together"

        /// Newlines in the file between two offsets.
        static func countLines(fd: Int32, from start: off_t, to end: off_t, path: String) throws(AuditError) -> Int {
            var count = 0
            var offset = start
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            while offset < end {
                let wanted = Int(min(off_t(buffer.count), end - offset))
                let read = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, wanted, offset) }
                if read < 0 && errno == EINTR { continue }
                guard read > 0 else { throw AuditError(path: path, reason: String(cString: strerror(errno))) }
                count += buffer[..<read].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
                offset += off_t(read)
            }
            return count
        }

        /// The hash of the file's last line (genesis for an empty file).
        static func lastHash(fd: Int32, size: off_t, path: String) throws(AuditError) -> String {
            guard size > 0 else { return AuditTrail.genesis }
            var window: off_t = 64 << 10
            while true {
                let start = max(0, size - window)
                var bytes = [UInt8](repeating: 0, count: Int(size - start))
                let read = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, start) }
                guard read == bytes.count else { throw AuditError(path: path, reason: String(cString: strerror(errno))) }
                let lines = bytes.split(separator: UInt8(ascii: "\n"))
                // The last line must be whole: seen from its start (or the file's).
                if let last = lines.last, start == 0 || lines.count > 1 {
                    guard let parsed = AuditLine(Data(last)) else {
                        throw AuditError(path: path, reason: "its last line is not an audit line; check it with podpis audit verify")
                    }
                    return parsed.hash
                }
                if start == 0 { return AuditTrail.genesis }
                window *= 4
            }
        }
    }
}

public struct AuditError: Error, CustomStringConvertible, Sendable {
    public let path: String
    public let reason: String
    public var description: String { "audit trail \(path): \(reason)" }

    package init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }
}

/// One line of the trail, split without re-encoding: its hash and the exact
/// bytes of its entry.
public struct AuditLine {
    public let hash: String
    public let entryBytes: Data
    public let entry: AuditTrail.Entry?

    static let prefix = Array("{\"hash\":\"".utf8)
    static let middle = Array("\",\"entry\":".utf8)

    public init?(_ line: Data) {
        let bytes = [UInt8](line)
        let headerLength = Self.prefix.count + 64 + Self.middle.count
        guard bytes.count > headerLength + 1, bytes.starts(with: Self.prefix), bytes.last == UInt8(ascii: "}"),
            Array(bytes[(Self.prefix.count + 64)..<headerLength]) == Self.middle
        else { return nil }
        let hash = String(decoding: bytes[Self.prefix.count..<(Self.prefix.count + 64)], as: UTF8.self)
        guard hash.allSatisfy(\.isHexDigit) else { return nil }
        self.hash = hash
        entryBytes = Data(bytes[headerLength..<(bytes.count - 1)])
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        entry = try? decoder.decode(AuditTrail.Entry.self, from: entryBytes)
    }

    /// Whether the stored hash is the SHA-256 of the entry as written.
    public var isIntact: Bool {
        SHA256.hash(data: entryBytes).hexString == hash
    }

    /// Checks a whole trail; the first broken line (1-based) and why, or nil.
    public static func verify(_ data: Data) -> (line: Int, reason: String)? {
        var previous = AuditTrail.genesis
        var number = 0
        for raw in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            number += 1
            if raw.isEmpty {
                if number == data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).count { break }
                return (number, "empty line")
            }
            guard let line = AuditLine(Data(raw)), let entry = line.entry else { return (number, "not an audit line") }
            guard line.isIntact else { return (number, "the line was changed (its SHA-256 does not match)") }
            guard entry.prev == previous else {
                return (number, number == 1 ? "the trail does not start here: earlier lines are missing"
                    : "does not follow line \(number - 1): a line was removed, inserted or moved")
            }
            previous = line.hash
        }
        return nil
    }
}
