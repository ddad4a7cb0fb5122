import Crypto
import Foundation
import Hummingbird
import NIOCore
import SignatureAlgorithms
import Signing
import Station
import Files
import StationAPI

/// Streams a request body into a private temporary file (mode 0600), with a
/// size limit and its SHA-256, so that a document of any size is never held
/// in memory.
enum BodySpool {
    /// `path`: where to spool (default: a new file in the temporary directory).
    static func write(_ body: RequestBody, limit: Int, path given: String? = nil) async throws -> (path: String, size: Int, sha256: String) {
        let (path, fd): (String, Int32)
        if let given {
            (path, fd) = (given, open(given, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600))
            guard fd >= 0 else { throw StationProblem.internalError("cannot create \(given)") }
        } else {
            do { (path, fd) = try PrivateTemporaryFile.create(prefix: "podpisd-body-") } catch {
                throw StationProblem.internalError("cannot create a temporary file: \(error.detail)")
            }
        }
        var size = 0
        var hasher = SHA256()
        do {
            defer { close(fd) }
            for try await buffer in body {
                size += buffer.readableBytes
                if size > limit {
                    throw StationProblem.tooLarge(limit)
                }
                try buffer.withUnsafeReadableBytes { bytes in
                    hasher.update(bufferPointer: bytes)
                    var offset = 0
                    while offset < bytes.count {
                        let n = Foundation.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                        guard n > 0 else { throw StationProblem.internalError("cannot write the temporary file") }
                        offset += n
                    }
                }
            }
        } catch {
            unlink(path)
            if error is StationProblem { throw error }
            throw StationProblem.badRequest(messages.text("the-request-body-was-cut"))
        }
        let hex = hasher.finalize().hexString
        return (path, size, hex)
    }
}
