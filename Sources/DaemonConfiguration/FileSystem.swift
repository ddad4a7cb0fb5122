#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The few file operations configuration loading needs, with POSIX reasons.
enum FileSystem {
    /// A configuration file larger than this is refused (it cannot be one).
    static let largestFile = 1 << 20

    static func contents(of path: String, limit largestFile: Int = FileSystem.largestFile) -> FileRead {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        if fd < 0 {
            return errno == ENOENT || errno == ENOTDIR ? .missing : .failed(reason(errno))
        }
        defer { close(fd) }
        var status = stat()
        guard fstat(fd, &status) == 0 else { return .failed(reason(errno)) }
        guard (status.st_mode & S_IFMT) == S_IFREG else { return .failed("not a regular file") }
        guard Int(status.st_size) <= largestFile else { return .failed("larger than \(largestFile >> 20) MiB") }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return .failed(reason(errno))
            }
            if count == 0 { return .contents(bytes) }
            bytes.append(contentsOf: buffer[..<count])
            guard bytes.count <= largestFile else { return .failed("larger than \(largestFile >> 20) MiB") }
        }
    }

    /// A regular file (after symbolic links) is at `path`.
    static func isRegularFile(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFREG
    }

    /// A local user of that name, or a numeric uid.
    static func userExists(_ user: String) -> Bool {
        if UInt32(user) != nil { return true }
        return getpwnam(user) != nil
    }

    private static func reason(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}
