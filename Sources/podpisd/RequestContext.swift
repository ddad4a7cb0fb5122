import Hummingbird
import NIOCore
import Audit
import Station

/// Per-request context: which listener the request came in on (the Unix
/// socket is trusted with the agent interface; TCP is not) and its channel,
/// to notice a client that leaves.
struct PodpisRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel
    let transport: Requester.Transport
    /// The Unix socket's peer (SO_PEERCRED), set by the guard.
    var peer: PeerCredentials.PeerCredential?
    /// The loopback TCP peer, looked up when first needed.
    let tcpPeer = LoopbackPeerMemo()

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
        if case .unixDomainSocket? = source.channel.localAddress {
            transport = .unix
        } else {
            transport = .tcp
        }
    }

    /// Bodies are read by the handlers themselves, with their own limits.
    var maxUploadSize: Int { 64 << 20 }
}
