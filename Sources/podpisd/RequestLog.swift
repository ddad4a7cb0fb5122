import HTTPTypes
import Hummingbird
import Localization
import Logging
import NIOCore

/// The request log: every request, answered or refused, is one line with
/// its request id (the `X-Request-Id` the client got, the `requestId` of
/// events and the audit trail), transport, method and path, the peer
/// (uid/pid on the Unix socket or when looked up for a TCP request, else the
/// client's address; the page's Origin) and the outcome (a problem code, or
/// `ok`) with the HTTP status. Never a body, a query, a header other than
/// Origin: no PIN and no document content can get here.
struct RequestLog: Sendable {
    let logger: Logger

    func record(_ request: Request, context: PodpisRequestContext, status: HTTPResponse.Status, problem: String?) {
        var metadata: Logger.Metadata = [
            "requestId": "\(context.id)",
            "transport": "\(context.transport.rawValue)",
            "method": "\(Self.printable(request.method.rawValue))",
            "path": "\(Self.printable(request.uri.path))",
            "status": "\(status.code)",
            "outcome": "\(problem ?? "ok")",
        ]
        if let origin = request.headers[.origin] { metadata["origin"] = "\(Self.printable(origin))" }
        switch context.transport {
        case .tcp:
            if let known = context.tcpPeer.known, let peer = known {
                metadata["uid"] = "\(peer.uid)"
                if let pid = peer.pid { metadata["pid"] = "\(pid)" }
            } else if let remote = context.channel.remoteAddress, let address = remote.ipAddress, let port = remote.port {
                metadata["client"] = "\(address.contains(":") ? "[\(address)]" : address):\(port)"
            }
        case .unix, .local:
            if let peer = context.peer {
                metadata["uid"] = "\(peer.uid)"
                metadata["pid"] = "\(peer.pid)"
            }
        }
        logger.info("request", metadata: metadata)
    }

    /// At most 200 characters, every control, bidi or invisible one shown
    /// as `\uXXXX` (``VisibleText``): a client's text cannot forge log
    /// lines or what a terminal shows of them.
    static func printable(_ text: String) -> String {
        VisibleText.escaped(String(text.prefix(200)))
    }
}
