import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A blocking AF_UNIX stream connection, for probing pcscd's and podpisd's
/// sockets: whether they accept this user, and podpisd's `GET /v1/status`.
/// Always used under a time limit.
struct UnixSocket {
    /// What `connect(2)` said.
    enum ConnectResult {
        case connected(Int32)
        case failed(errno: Int32)
    }

    static func connect(path: String) -> ConnectResult {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return .failed(errno: errno) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard bytes.count < capacity else {
            close(fd)
            return .failed(errno: ENAMETOOLONG)
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, byte) in bytes.enumerated() { raw[i] = byte }
            raw[bytes.count] = 0
        }
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        if rc != 0 {
            let error = errno
            close(fd)
            return .failed(errno: error)
        }
        return .connected(fd)
    }

    /// An HTTP/1.1 GET over the socket: status code and body, or the errno.
    static func get(path socketPath: String, _ resource: String) -> Result<(status: Int, body: [UInt8]), SocketError> {
        switch connect(path: socketPath) {
        case .failed(let error):
            return .failure(SocketError(errno: error))
        case .connected(let fd):
            defer { close(fd) }
            let request = Array("GET \(resource) HTTP/1.1\r\nHost: localhost\r\nAccept: application/json\r\nConnection: close\r\n\r\n".utf8)
            var sent = 0
            while sent < request.count {
                let n = request[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                if n <= 0 {
                    if n < 0 && errno == EINTR { continue }
                    return .failure(SocketError(errno: errno))
                }
                sent += n
            }
            var response: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 16384)
            while response.count < 1 << 20 {
                let n = read(fd, &buffer, buffer.count)
                if n > 0 {
                    response += buffer[0..<n]
                } else if n < 0 && errno == EINTR {
                    continue
                } else {
                    break
                }
            }
            return parse(response).map { .success($0) } ?? .failure(SocketError(errno: EPROTO))
        }
    }

    /// Status code and body of an HTTP/1.1 response (Content-Length or chunked or to EOF).
    static func parse(_ response: [UInt8]) -> (status: Int, body: [UInt8])? {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let end = response.indices.first(where: { response[$0...].starts(with: separator) }) else { return nil }
        let head = String(decoding: response[..<end], as: UTF8.self)
        let lines = head.components(separatedBy: "\r\n")
        let parts = lines.first?.split(separator: " ") ?? []
        guard parts.count >= 2, let status = Int(parts[1]) else { return nil }
        var body = Array(response[(end + 4)...])
        let chunked = lines.dropFirst().contains { $0.lowercased().hasPrefix("transfer-encoding:") && $0.lowercased().contains("chunked") }
        if chunked { body = dechunk(body) }
        return (status, body)
    }

    private static func dechunk(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var index = 0
        while index < data.count {
            guard let lineEnd = data[index...].firstIndex(of: 13), lineEnd + 1 < data.count else { break }
            let sizeText = String(decoding: data[index..<lineEnd], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16), size > 0 else { break }
            let start = lineEnd + 2
            guard start + size <= data.count else { break }
            out += data[start..<(start + size)]
            index = start + size + 2
        }
        return out
    }
}

/// An errno from a socket call, with its text.
struct SocketError: Error {
    let errno: Int32
    var text: String { String(cString: strerror(errno)) }
    var name: String {
        switch errno {
        case ENOENT: return "ENOENT"
        case EACCES: return "EACCES"
        case EPERM: return "EPERM"
        case ECONNREFUSED: return "ECONNREFUSED"
        case ENOTSOCK: return "ENOTSOCK"
        case ENAMETOOLONG: return "ENAMETOOLONG"
        case EPROTO: return "EPROTO"
        case ECONNRESET: return "ECONNRESET"
        case EPIPE: return "EPIPE"
        default: return "errno \(errno)"
        }
    }
}
