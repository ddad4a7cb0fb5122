import Foundation

/// Writes files so that a reader never sees half of one and nothing is lost
/// on a crash: a temporary file beside the target, fsync, rename, fsync of the
/// directory. An existing file is never overwritten.
enum AtomicFile {
    struct Exists: Error, CustomStringConvertible {
        let path: String
        var description: String { "\(path) already exists; not overwritten / plik już istnieje, nie nadpisano" }
    }

    static func write(_ data: Data, to path: String) throws {
        if FileManager.default.fileExists(atPath: path) { throw Exists(path: path) }
        let directory = (path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent
        let temporary = directory + "/." + (path as NSString).lastPathComponent + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        var ok = false
        defer { if !ok { unlink(temporary) } }
        try data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Foundation.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 { close(fd); throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
                offset += n
            }
        }
        fsync(fd)
        close(fd)
        // link() fails if the target appeared meanwhile: never overwrite.
        guard link(temporary, path) == 0 else { throw Exists(path: path) }
        unlink(temporary)
        ok = true
        let dfd = open(directory, O_RDONLY)
        if dfd >= 0 { fsync(dfd); close(dfd) }
    }
}
