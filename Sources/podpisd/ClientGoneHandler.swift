import NIOCore
import NIOHTTPTypes

/// A client that closes its side of a TCP connection is gone: the connection
/// is closed, which cancels what it asked (a signature waiting for the clerk
/// is withdrawn from the agent's screen, `client-gone`). The server accepts
/// half-closed connections (Hummingbird enables `allowRemoteHalfClosure`), so
/// without this a browser's aborted `fetch` (AbortController), which only
/// sends its FIN, left the question on the clerk's screen until the agent
/// time-out; on the Unix socket a client that closes is seen at once (the
/// kernel reports both directions shut). No HTTP/1.1 client half-closes and
/// still waits for its answer.
final class ClientGoneHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed {
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }
}
