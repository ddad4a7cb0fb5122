import Foundation
import Localization
import NIOCore
import Station
import StationAPI

/// Who is on the other end of the Unix socket (SO_PEERCRED): the daemon's
/// own user, root, or a member of the socket's group. Anyone else is refused
/// even if the socket's mode would let them connect.
enum PeerCredentials {
    /// `struct ucred` of <sys/socket.h> (glibc hides it without _GNU_SOURCE).
    struct PeerCredential: Sendable {
        var pid: Int32 = 0
        var uid: UInt32 = 0
        var gid: UInt32 = 0
    }

    /// The peer, if admitted; throws `peer-not-allowed` otherwise, also
    /// when the kernel cannot tell who it is (fails closed).
    @discardableResult
    static func check(_ channel: any Channel, allowedGroup: UInt32?) async throws -> PeerCredential {
        guard let provider = channel as? any SocketOptionProvider else { throw StationProblem.peerNotAllowed("?") }
        let credentials: PeerCredential
        do {
            let future: EventLoopFuture<PeerCredential> = provider.unsafeGetSocketOption(
                level: SocketOptionLevel(SOL_SOCKET), name: SocketOptionName(17))  // SO_PEERCRED
            credentials = try await future.get()
        } catch {
            throw StationProblem.peerNotAllowed("?")
        }
        if credentials.uid == getuid() || credentials.uid == 0 { return credentials }
        if let allowedGroup, credentials.gid == allowedGroup || isMember(uid: credentials.uid, of: allowedGroup) { return credentials }
        throw StationProblem.peerNotAllowed("uid \(credentials.uid)")
    }
}

/// Whether a user belongs to a group, counting supplementary groups (the
/// sealing server's callers are put in group podpis with usermod -aG).
func isMember(uid: UInt32, of group: UInt32) -> Bool {
    guard let entry = getpwuid(uid), let name = entry.pointee.pw_name else { return false }
    var count: Int32 = 64
    var groups = [gid_t](repeating: 0, count: Int(count))
    if getgrouplist(name, entry.pointee.pw_gid, &groups, &count) < 0 {
        groups = [gid_t](repeating: 0, count: Int(count))
        guard getgrouplist(name, entry.pointee.pw_gid, &groups, &count) >= 0 else { return false }
    }
    return groups.prefix(Int(count)).contains(group)
}

extension StationProblem {
    static func peerNotAllowed(_ who: String) -> StationProblem {
        StationProblem(.notAllowed, messages.sentence("peer-not-allowed", ["who": who]))
    }
}
