import SignatureAlgorithms
import Crypto
import Files
import Foundation

/// Revocation data and certificates kept on disk for offline validation: one
/// file per (URL, request), named by the hex SHA-256 of the URL, a zero byte
/// and the request (empty for GET; for OCSP the request without its nonce),
/// written atomically (``AtomicOutputFile``, replacing the older copy).
public struct RevocationCache: Sendable {
    public let directory: String

    /// A cache in `directory` (created if missing, mode 0700).
    public init(directory: String) throws(RevocationError) {
        self.directory = directory
        do {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw RevocationError(.cacheUnwritable, "\(directory): \(error.localizedDescription)")
        }
    }

    /// The file name for a URL and request.
    public static func key(url: String, request: [UInt8] = []) -> String {
        var hasher = SHA256()
        hasher.update(data: Array(url.utf8))
        hasher.update(data: [0])
        hasher.update(data: request)
        return hasher.finalize().hexString
    }

    /// The path of the file for a URL and request.
    public func path(url: String, request: [UInt8] = []) -> String {
        directory + "/" + Self.key(url: url, request: request)
    }

    /// Writes (or replaces) the copy for a URL and request.
    public func store(_ bytes: [UInt8], url: String, request: [UInt8] = []) throws(RevocationError) {
        do {
            let file = try AtomicOutputFile(path: path(url: url, request: request), replacing: true, mode: 0o600)
            try file.write(bytes)
            try file.commit()
        } catch {
            throw RevocationError(.cacheUnwritable, error.detail)
        }
    }

    /// The copy for a URL and request, if any (at most `limit` bytes).
    public func load(url: String, request: [UInt8] = [], limit: Int = 64 << 20) -> [UInt8]? {
        // A missing file, a link, anything but a regular file, or one over the limit: no copy.
        try? InputFile(path: path(url: url, request: request)).readAll(limit: limit)
    }
}
