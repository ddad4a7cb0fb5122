import Foundation
import Logging

/// Where podpisd listens, and the file permissions of its Unix socket.
enum Listeners {
    /// Makes the socket's directory (0700 for a user daemon; systemd's
    /// RuntimeDirectory= already exists for the system service) and removes a
    /// stale socket left by a crash.
    static func prepareSocket(_ path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        if !FileManager.default.fileExists(atPath: directory) {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        var status = stat()
        if lstat(path, &status) == 0 {
            guard status.st_mode & S_IFMT == S_IFSOCK else {
                throw ValidationErrorText("\(path) exists and is not a socket; not touching it")
            }
            unlink(path)
        }
    }

    /// The socket's mode (0600 for a desk, 0660 with a group for a shared service).
    static func secureSocket(_ path: String, mode: UInt16, group: String, logger: Logger) {
        if chmod(path, mode_t(mode)) != 0 { logger.error("chmod \(path): \(String(cString: strerror(errno)))") }
        guard !group.isEmpty else { return }
        guard let entry = getgrnam(group) else {
            logger.error("socket group \(group) does not exist")
            return
        }
        if chown(path, uid_t.max, entry.pointee.gr_gid) != 0 { logger.error("chown \(path) :\(group): \(String(cString: strerror(errno)))") }
    }

    /// Every connection is a descriptor: lift the soft limit (often 1024) to
    /// the hard one so that many idle clients cannot starve the daemon.
    static func raiseOpenFileLimit(logger: Logger) {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return }
        let wanted = min(limit.rlim_max, 65536)
        if limit.rlim_cur < wanted {
            limit.rlim_cur = wanted
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) != 0 { logger.warning("cannot raise the open-file limit") }
        }
    }

    /// 127.0.0.1, and ::1 when this machine has IPv6 loopback.
    static func loopbackHosts() -> [String] {
        var hosts = ["127.0.0.1"]
        let fd = socket(AF_INET6, Int32(SOCK_STREAM.rawValue), 0)
        if fd >= 0 {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_addr = in6addr_loopback
            address.sin6_port = 0
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
            }
            close(fd)
            if bound == 0 { hosts.append("::1") }
        }
        return hosts
    }
}

struct ValidationErrorText: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
