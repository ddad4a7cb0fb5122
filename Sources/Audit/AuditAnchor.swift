import Crypto
import Files
import Foundation

/// The anchor of the audit trail: how many lines it has, how many bytes, and
/// the hash of its last line, with an HMAC-SHA256 over the three under a key
/// of the trail's own. A hash chain alone shows lines edited, removed or
/// moved inside it, but not lines cut from its end, nor the file deleted or
/// replaced by an older copy: each is again a valid chain. The anchor says
/// how far the chain went.
///
/// Beside the trail `audit.jsonl`: `audit.jsonl.head` (the anchor, one JSON
/// line, replaced atomically after every group of lines is fsynced) and
/// `audit.jsonl.key` (32 random bytes, 0600, created once with the trail).
/// A process that can write the trail but cannot read the key cannot make an
/// anchor that fits a shortened trail; one that can read the key (root, the
/// daemon's uid, which is the clerk's uid on a desk) can: see the threat model
/// in docs/deployment.md.
public struct AuditAnchor: Sendable, Equatable {
    /// Lines in the trail.
    public let count: Int
    /// The trail's size in bytes.
    public let size: Int64
    /// The `hash` of the trail's last line (genesis for an empty trail).
    public let hash: String
    /// HMAC-SHA256 of the three, lower-case hex.
    public let mac: String

    public static func anchorPath(trail: String) -> String { trail + ".head" }
    public static func keyPath(trail: String) -> String { trail + ".key" }

    public init(count: Int, size: Int64, hash: String, key: SymmetricKey) {
        self.count = count
        self.size = size
        self.hash = hash
        mac = Self.mac(count: count, size: size, hash: hash, key: key)
    }

    init(count: Int, size: Int64, hash: String, mac: String) {
        self.count = count
        self.size = size
        self.hash = hash
        self.mac = mac
    }

    static func mac(count: Int, size: Int64, hash: String, key: SymmetricKey) -> String {
        let message = "podpis-audit-anchor/1 \(count) \(size) \(hash)"
        return HMAC<SHA256>.authenticationCode(for: Data(message.utf8), using: key).map { String(format: "%02x", $0) }.joined()
    }

    /// Whether the MAC was made with this key.
    public func isAuthentic(key: SymmetricKey) -> Bool {
        Self.mac(count: count, size: size, hash: hash, key: key) == mac
    }

    /// `{"count":N,"hash":"…","mac":"…","size":N}` and a newline.
    var line: [UInt8] {
        Array("{\"count\":\(count),\"hash\":\"\(hash)\",\"mac\":\"\(mac)\",\"size\":\(size)}\n".utf8)
    }

    private struct Stored: Decodable {
        let count: Int
        let size: Int64
        let hash: String
        let mac: String
    }

    /// The anchor of the trail at `trail`; nil when there is none.
    public static func read(trail: String) throws(AuditError) -> AuditAnchor? {
        let path = anchorPath(trail: trail)
        let bytes: [UInt8]
        switch readSmallFile(path) {
        case .success(let read): bytes = read
        case .failure(.missing): return nil
        case .failure(.failed(let reason)): throw AuditError(path: path, reason: reason)
        }
        guard let stored = try? JSONDecoder().decode(Stored.self, from: Data(bytes)), stored.count >= 0, stored.size >= 0,
            stored.hash.count == 64, stored.hash.allSatisfy(\.isHexDigit)
        else { throw AuditError(path: path, reason: "not an audit anchor") }
        return AuditAnchor(count: stored.count, size: stored.size, hash: stored.hash, mac: stored.mac)
    }

    /// Replaces the anchor atomically (a temporary file fsynced, renamed
    /// over the old one, the directory fsynced).
    func write(trail: String) throws(AuditError) {
        let path = Self.anchorPath(trail: trail)
        do {
            let file = try AtomicOutputFile(path: path, replacing: true, mode: 0o600)
            try file.write(line)
            try file.commit()
        } catch {
            throw AuditError(path: path, reason: "the anchor cannot be written: \(error)")
        }
    }

    /// Why a key could not be had.
    public enum KeyFailure: Error, Equatable {
        /// There is no key file.
        case missing
        /// It exists but cannot be read (not the daemon's user).
        case unreadable(String)
        /// It is not 32 bytes.
        case damaged
    }

    /// The trail's key, read.
    public static func key(trail: String) -> Result<SymmetricKey, KeyFailure> {
        switch readSmallFile(keyPath(trail: trail)) {
        case .success(let bytes) where bytes.count == 32: return .success(SymmetricKey(data: bytes))
        case .success: return .failure(.damaged)
        case .failure(.missing): return .failure(.missing)
        case .failure(.failed(let reason)): return .failure(.unreadable(reason))
        }
    }

    /// The trail's key, made now (32 random bytes, 0600) when there is none yet.
    static func createKey(trail: String) throws(AuditError) -> SymmetricKey {
        let path = keyPath(trail: trail)
        let key = SymmetricKey(size: .bits256)
        do {
            let file = try AtomicOutputFile(path: path, mode: 0o600)
            try file.write(key.withUnsafeBytes { Array($0) })
            try file.commit()
        } catch {
            throw AuditError(path: path, reason: "the anchor's key cannot be created: \(error)")
        }
        return key
    }

    enum ReadFailure: Error {
        case missing
        case failed(String)
    }

    /// A file of at most 4 KiB, opened without following a symlink (`InputFile`).
    static func readSmallFile(_ path: String) -> Result<[UInt8], ReadFailure> {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            return .failure(errno == ENOENT ? .missing : .failed(String(cString: strerror(errno))))
        }
        do {
            return .success(try InputFile(path: path).readAll(limit: 4096))
        } catch {
            return .failure(.failed("\(error)"))
        }
    }
}

/// What `podpis audit verify` found comparing a trail with its anchor.
public enum AuditAnchorCheck: Equatable, Sendable {
    /// The trail ends where the anchor says, and the anchor's MAC is right.
    case anchored(count: Int)
    /// As anchored, but the key could not be read to check the MAC (not the daemon's user).
    case anchoredWithoutKey(count: Int, reason: String)
    /// Something is wrong: why, in a sentence.
    case broken(String)

    /// Compares a trail whose chain is intact (its line hashes, in order)
    /// with its anchor. `anchor` nil: the trail has none.
    public static func check(trail: String, hashes: [String], size: Int64, anchor: AuditAnchor?, key: Result<SymmetricKey, AuditAnchor.KeyFailure>) -> AuditAnchorCheck {
        let anchorPath = AuditAnchor.anchorPath(trail: trail)
        guard let anchor else {
            if hashes.isEmpty { return .anchored(count: 0) }
            return .broken("no anchor \(anchorPath): where the trail should end cannot be checked (lines may have been cut from its end)")
        }
        var keyReason: String?
        switch key {
        case .success(let key):
            guard anchor.isAuthentic(key: key) else {
                return .broken("the anchor \(anchorPath) does not carry the MAC of the trail's key: it was forged, or the key replaced")
            }
        case .failure(.missing):
            return .broken("the anchor's key \(AuditAnchor.keyPath(trail: trail)) is missing: the anchor cannot be checked")
        case .failure(.damaged):
            return .broken("the anchor's key \(AuditAnchor.keyPath(trail: trail)) is damaged (not 32 bytes)")
        case .failure(.unreadable(let reason)):
            keyReason = reason
        }
        if hashes.count < anchor.count {
            return .broken(
                "\(hashes.count) line(s), but its anchor says \(anchor.count): lines were cut from its end, or the file was deleted or replaced by an older copy")
        }
        let anchoredHash = anchor.count == 0 ? AuditTrail.genesis : hashes[anchor.count - 1]
        guard anchoredHash == anchor.hash else {
            return .broken("line \(anchor.count) is not the line its anchor names: the trail was replaced")
        }
        if hashes.count > anchor.count {
            return .broken(
                "lines \(anchor.count + 1)–\(hashes.count) are not covered by its anchor (added by something other than the station, or written just before a crash; the station's next line anchors them)")
        }
        guard size == anchor.size else { return .broken("\(size) bytes, but its anchor says \(anchor.size)") }
        if let keyReason { return .anchoredWithoutKey(count: anchor.count, reason: keyReason) }
        return .anchored(count: anchor.count)
    }
}

extension AuditTrail {
    /// The trail's bytes and its anchor, read together under a shared lock
    /// (a writer holds it exclusively from its first byte to its anchor).
    public struct Snapshot: Sendable {
        /// nil: there is no trail file.
        public let data: Data?
        public let anchor: AuditAnchor?
    }

    public static func snapshot(path: String) throws(AuditError) -> Snapshot {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else {
            guard errno == ENOENT else { throw AuditError(path: path, reason: String(cString: strerror(errno))) }
            return Snapshot(data: nil, anchor: try AuditAnchor.read(trail: path))
        }
        defer { close(fd) }
        flock(fd, LOCK_SH)
        defer { flock(fd, LOCK_UN) }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { throw AuditError(path: path, reason: String(cString: strerror(errno))) }
            if n == 0 { break }
            data.append(contentsOf: buffer[..<n])
        }
        return Snapshot(data: data, anchor: try AuditAnchor.read(trail: path))
    }
}
