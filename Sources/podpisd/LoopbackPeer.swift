import Foundation
import NIOCore
import Audit
import Station
import Synchronization

/// Who is behind a loopback TCP connection: the kernel's socket tables
/// (/proc/net/tcp, tcp6) give the client socket's uid and inode; the process
/// holding that inode is found in /proc/PID/fd where we may look (our own
/// user's processes, or all when running as root).
///
/// The client's row is the one whose local end is the connection's remote
/// address and port and whose remote end is ours: all four, compared as
/// IPv6 addresses (IPv4 as `::ffff:a.b.c.d`, as a dual-stack client socket
/// shows it in tcp6). Ports alone are not enough: a process on `[::1]` may
/// bind the same port number as a clerk's connection to 127.0.0.1.
enum LoopbackPeer {
    /// One end of a TCP connection: a 16-byte address and a port.
    struct Endpoint: Equatable {
        let address: [UInt8]
        let port: Int

        /// IPv4 addresses as IPv4-mapped IPv6 (`::ffff:a.b.c.d`).
        static func mapped(_ bytes: [UInt8]) -> [UInt8] {
            bytes.count == 4 ? [UInt8](repeating: 0, count: 10) + [0xFF, 0xFF] + bytes : bytes
        }

        var isIPv4: Bool { address.prefix(12).elementsEqual([UInt8](repeating: 0, count: 10) + [0xFF, 0xFF]) }

        init?(_ socket: SocketAddress?) {
            switch socket {
            case .v4(let ipv4)?:
                var raw = ipv4.address.sin_addr
                address = Self.mapped(withUnsafeBytes(of: &raw) { Array($0) })
            case .v6(let ipv6)?:
                var raw = ipv6.address.sin6_addr
                address = withUnsafeBytes(of: &raw) { Array($0) }
            default:
                return nil
            }
            guard let port = socket?.port else { return nil }
            self.port = port
        }

        /// `0100007F:8CA0` (tcp) or 32 hex digits and a port (tcp6): the
        /// address as the kernel's 32-bit words printed in host order.
        init?(proc field: Substring) {
            let parts = field.split(separator: ":")
            guard parts.count == 2, parts[0].count == 8 || parts[0].count == 32, let port = Int(parts[1], radix: 16) else { return nil }
            var bytes: [UInt8] = []
            var rest = parts[0]
            while !rest.isEmpty {
                guard let word = UInt32(rest.prefix(8), radix: 16) else { return nil }
                bytes += withUnsafeBytes(of: word) { Array($0) }
                rest = rest.dropFirst(8)
            }
            address = Self.mapped(bytes)
            self.port = port
        }
    }

    /// The uid owning the client socket of the connection from `client` to
    /// `server`, and the process holding it when it can be found; nil when
    /// no row matches (the connection is gone, or not on this machine).
    static func lookup(client clientAddress: SocketAddress?, server serverAddress: SocketAddress?) -> (uid: UInt32, pid: Int32?)? {
        guard let client = Endpoint(clientAddress), let server = Endpoint(serverAddress) else { return nil }
        // An IPv4 connection's client socket is in tcp, or in tcp6 when it is
        // a dual-stack socket; an IPv6 one only in tcp6.
        let tables = client.isIPv4 ? ["/proc/net/tcp", "/proc/net/tcp6"] : ["/proc/net/tcp6"]
        for table in tables {
            // procfs files have no size: read to the end, not one page.
            guard let handle = FileHandle(forReadingAtPath: table), let data = try? handle.readToEnd() else { continue }
            try? handle.close()
            let text = String(decoding: data, as: UTF8.self)
            for line in text.split(separator: "\n").dropFirst() {
                let fields = line.split(separator: " ", omittingEmptySubsequences: true)
                guard fields.count > 9, Endpoint(proc: fields[1]) == client, Endpoint(proc: fields[2]) == server, fields[9] != "0",
                    let uid = UInt32(fields[7])
                else { continue }
                return (uid, process(holding: String(fields[9])))
            }
        }
        return nil
    }

    private static func process(holding inode: String) -> Int32? {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return nil }
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

/// The TCP peer of one request, looked up once (the /proc scan is not
/// free) and kept for the request log.
final class LoopbackPeerMemo: Sendable {
    private let found = Mutex<(uid: UInt32, pid: Int32?)??>(nil)

    func peer(_ channel: any Channel) -> (uid: UInt32, pid: Int32?)? {
        if let known = found.withLock({ $0 }) { return known }
        let looked = LoopbackPeer.lookup(client: channel.remoteAddress, server: channel.localAddress)
        found.withLock { $0 = .some(looked) }
        return looked
    }

    /// What was found, if anyone asked (nil: not looked up).
    var known: (uid: UInt32, pid: Int32?)?? { found.withLock { $0 } }
}

extension PodpisRequestContext {
    /// The requester: transport, the page's origin, and the local process.
    /// A TCP peer that cannot be found has no uid: whatever needs one refuses it.
    func requester(origin: String?) -> Requester {
        switch transport {
        case .unix, .local:
            return Requester(transport: .unix, origin: origin, uid: peer?.uid, pid: peer.map { $0.pid })
        case .tcp:
            guard let found = tcpPeer.peer(channel) else { return Requester(transport: .tcp, origin: origin) }
            return Requester(transport: .tcp, origin: origin, uid: found.uid, pid: found.pid)
        }
    }
}
