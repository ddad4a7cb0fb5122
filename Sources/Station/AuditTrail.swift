import Crypto
import Foundation
import Signing

/// The audit trail: one JSON line per signature and per refusal, appended
/// and fsynced, each line chained to the one before by its SHA-256, so that
/// an edited, deleted or reordered line is found by `podpis audit verify`.
/// Never a PIN, never document content: names, sizes and digests only.
///
/// A line is `{"hash":"<64 hex>","entry":<entry JSON>}`: `hash` is the
/// SHA-256 of the entry's bytes as written, and each entry holds `prev`, the
/// hash of the line before (64 zeros for the first).
public actor AuditTrail {
    public struct Entry: Codable, Sendable {
        public struct Document: Codable, Sendable {
            public let name: String
            public let size: Int?
            public let sha256: String?
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
    }

    public static let genesis = String(repeating: "0", count: 64)
    public let path: String
    private var previous: String?

    public init(path: String) {
        self.path = path
    }

    /// Appends one entry; a trail that cannot be written fails the request's
    /// record loudly in the log, never silently.
    public func append(_ entry: Entry) throws {
        var entry = entry
        entry.prev = try previousHash()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        let body = try encoder.encode(entry)
        let hash = SHA256.hash(data: body).hexString
        var line = Data("{\"hash\":\"\(hash)\",\"entry\":".utf8)
        line.append(body)
        line.append(Data("}\n".utf8))
        let directory = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw AuditError(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        let written = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == line.count, fsync(fd) == 0 else { throw AuditError(path: path, reason: String(cString: strerror(errno))) }
        previous = hash
    }

    /// The hash of the last line (read once from the file at first use).
    private func previousHash() throws -> String {
        if let previous { return previous }
        guard let data = FileManager.default.contents(atPath: path), !data.isEmpty else { return Self.genesis }
        let lines = data.split(separator: UInt8(ascii: "\n"))
        guard let last = lines.last, let parsed = AuditLine(Data(last)) else {
            throw AuditError(path: path, reason: "its last line is not an audit line; check it with podpis audit verify")
        }
        return parsed.hash
    }
}

public struct AuditError: Error, CustomStringConvertible {
    public let path: String
    public let reason: String
    public var description: String { "audit trail \(path): \(reason)" }
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
