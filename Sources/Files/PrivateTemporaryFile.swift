import Foundation

/// A new file only its owner can read (0600), made in the temporary
/// directory with `O_CREAT | O_EXCL | O_NOFOLLOW`: nothing already at the
/// name is used, a link planted there is never followed, and the mode is
/// right from the first byte (no window in which the umask decides).
public enum PrivateTemporaryFile {
    /// Creates `<tmp>/<prefix><uuid>` and returns its path and open descriptor.
    public static func create(prefix: String) throws(FileError) -> (path: String, fd: Int32) {
        let directory = NSTemporaryDirectory()
        let path = directory + (directory.hasSuffix("/") ? "" : "/") + prefix + UUID().uuidString
        let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw FileError(.cannotWrite, "\(path): \(String(cString: strerror(errno)))") }
        return (path, fd)
    }

    /// Creates such a file holding `bytes`, closed; removed again if writing fails.
    public static func write(_ bytes: [UInt8], prefix: String) throws(FileError) -> String {
        let (path, fd) = try create(prefix: prefix)
        defer { close(fd) }
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, bytes.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno))
                unlink(path)
                throw FileError(.cannotWrite, "\(path): \(reason)")
            }
            offset += n
        }
        return path
    }
}
