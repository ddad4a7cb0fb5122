import Hummingbird
import NIOCore
import NIOHTTPTypes

/// A client that sends a request body slower than ``minimumRate`` (after a
/// grace of the idle timeout) is disconnected: a trickle of bytes keeps an
/// idle timeout from ever firing, and would hold a connection, a spool file
/// and a slot of `max_connections` for as long as it likes. Headers sent
/// slowly are the idle timeout's (nothing counts as activity before they are
/// complete).
final class SlowClientHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    /// Bytes per second a body must average once the grace is over.
    static let minimumRate = 1024

    let grace: TimeAmount
    private var started: NIODeadline?
    private var received = 0
    private var check: Scheduled<Void>?

    init(grace: TimeAmount) { self.grace = grace }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            started = .now()
            received = 0
            schedule(context, in: grace)
        case .body(let buffer):
            received += buffer.readableBytes
        case .end:
            started = nil
            check?.cancel()
            check = nil
        }
        context.fireChannelRead(data)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        check?.cancel()
    }

    private func schedule(_ context: ChannelHandlerContext, in delay: TimeAmount) {
        check?.cancel()
        let loop = context.eventLoop.assumeIsolated()
        check = loop.scheduleTask(in: delay) { [self] in
            guard let started else { return }
            let seconds = Double((NIODeadline.now() - started).nanoseconds) / 1e9
            if Double(received) < Double(Self.minimumRate) * seconds {
                context.close(promise: nil)
            } else {
                schedule(context, in: .seconds(1))
            }
        }
    }
}
