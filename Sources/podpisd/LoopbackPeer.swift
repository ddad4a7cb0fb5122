import Foundation
import NIOCore
import Station

/// Who is behind a loopback TCP connection: the kernel's socket tables
/// (/proc/net/tcp, tcp6) give the client socket's uid and inode; the process
/// holding that inode is found in /proc/PID/fd where we may look (our own
/// user's processes, or all when running as root).
enum LoopbackPeer {
    static func lookup(clientPort: Int, serverPort: Int) -> (uid: UInt32, pid: Int32?)? {
        for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
            // procfs files have no size: read to the end, not one page.
            guard let handle = FileHandle(forReadingAtPath: table), let data = try? handle.readToEnd() else { continue }
            try? handle.close()
            let text = String(decoding: data, as: UTF8.self)
            for line in text.split(separator: "\n").dropFirst() {
                let fields = line.split(separator: " ", omittingEmptySubsequences: true)
                guard fields.count > 9, port(of: fields[1]) == clientPort, port(of: fields[2]) == serverPort,
                    let uid = UInt32(fields[7])
                else { continue }
                return (uid, process(holding: String(fields[9])))
            }
        }
        return nil
    }

    private static func port(of address: Substring) -> Int? {
        guard let colon = address.lastIndex(of: ":") else { return nil }
        return Int(address[address.index(after: colon)...], radix: 16)
    }

    private static func process(holding inode: String) -> Int32? {
        guard inode != "0", let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return nil }
        let target = "socket:[\(inode)]"
        let me = getpid()
        for entry in entries {
            guard let pid = Int32(entry), pid != me,
                let fds = try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(entry)/fd")
            else { continue }
            for fd in fds where (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(entry)/fd/\(fd)")) == target {
                return pid
            }
        }
        return nil
    }
}

extension PodpisRequestContext {
    /// The requester: transport, the page's origin, and the local process.
    func requester(origin: String?) -> Requester {
        switch transport {
        case .unix, .local:
            return Requester(transport: .unix, origin: origin, uid: peer?.uid, pid: peer.map { $0.pid })
        case .tcp:
            guard let client = channel.remoteAddress?.port, let server = channel.localAddress?.port,
                let found = LoopbackPeer.lookup(clientPort: client, serverPort: server)
            else { return Requester(transport: .tcp, origin: origin) }
            return Requester(transport: .tcp, origin: origin, uid: found.uid, pid: found.pid)
        }
    }
}
