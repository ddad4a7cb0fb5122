import Foundation
import Synchronization

/// Who asks for a signature, as the clerk sees it: the transport, the web
/// page's origin, and the local process behind the connection when the
/// kernel tells it (SO_PEERCRED on the socket; /proc for loopback TCP).
public struct Requester: Sendable, Codable, Hashable {
    /// `local`: in the process itself (`podpis seal --local`, the hot folder).
    public enum Transport: String, Sendable, Codable { case unix, tcp, local }
    public let transport: Transport
    /// The web page's Origin header, if any.
    public let origin: String?
    public var uid: UInt32?
    /// The user name of `uid`.
    public var user: String?
    public var pid: Int32?
    /// The process name (/proc/PID/comm).
    public var process: String?

    public init(transport: Transport, origin: String?, uid: UInt32? = nil, pid: Int32? = nil) {
        self.transport = transport
        self.origin = origin
        self.uid = uid
        self.pid = pid
        if let uid { user = Self.userName(uid) }
        if let pid, pid > 0, let comm = try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8) {
            process = comm.trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    /// User names by uid, looked up once (getpwuid reads the user database
    /// on every call; a batch makes thousands of requests).
    private static let userNames = Mutex<[UInt32: String]>([:])

    package static func userName(_ uid: UInt32) -> String? {
        if let known = userNames.withLock({ $0[uid] }) { return known }
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getpwuid_r(uid, &entry, &buffer, buffer.count, &result) == 0, result != nil, let name = entry.pw_name else { return nil }
        let text = String(cString: name)
        userNames.withLock { $0[uid] = text }
        return text
    }

    /// "https://ezd.example.gov.pl", or "curl (pid 4242, uid 1000 jan)".
    public var summary: String {
        var local: [String] = []
        if let pid { local.append("pid \(pid)") }
        if let uid { local.append("uid \(uid)" + (user.map { " \($0)" } ?? "")) }
        let who = [process, local.isEmpty ? nil : "(\(local.joined(separator: ", ")))"].compactMap { $0 }.joined(separator: " ")
        if let origin { return who.isEmpty ? origin : "\(origin) — \(who)" }
        return who.isEmpty ? transport.rawValue : who
    }
}
