import Audit
import Foundation
import Localization
import StationAPI

/// What a page gets when it is paired.
public struct PairingResult: Sendable, Codable {
    /// Sent back as `Authorization: Bearer <token>`; never put it in a URL.
    public let token: String
    public let origin: String?
    /// once (until podpisd stops), always (remembered), configured (allowed_origins).
    public let kind: String
}

extension Station {
    /// Pairs a web page (its origin) or a program over TCP with the daemon:
    /// origins in `allowed_origins` at once, others after the clerk's
    /// "allow once / always / deny" in the agent. A denied origin is not
    /// asked about again for a few minutes; one question per origin at a time.
    public func pair(requester: Requester, application: String?, requestID: String) async throws(StationProblem) -> PairingResult {
        let origin = requester.origin
        do {
            if let origin, settings.preapprovedOrigins.contains(origin) {
                // Listed by the administrator, but anyone on this machine can
                // send that Origin: only the desk's own user gets its token.
                guard let uid = requester.uid, uid == getuid() else {
                    logger.warning(
                        "pre-approved origin asked by another user", metadata: ["origin": "\(origin)", "uid": "\(requester.uid.map(String.init) ?? "?")", "requestId": "\(requestID)"])
                    throw StationProblem.peerNotDeskUser(requester.uid)
                }
                return PairingResult(token: try await pairings.issue(origin: origin, kind: "configured"), origin: origin, kind: "configured")
            }
            if let origin, await !pairings.isPairable(origin) { throw StationProblem.originNotPairable(origin) }
            if await pairings.recentlyRefused(origin) { throw StationProblem.pairingRefused(origin) }
            try await pairings.beginAsking(origin)
            let decision: ConsentDecision
            do {
                decision = try await consent.ask(
                    .pairing(PairingRequest(id: requestID, requester: requester, application: application)), timeout: settings.agentTimeout)
            } catch {
                await pairings.endAsking(origin)
                throw error
            }
            await pairings.endAsking(origin)
            let kind: String
            switch decision {
            case .allowOnce: kind = "once"
            case .allowAlways: kind = "always"
            default:
                await pairings.refuse(origin)
                logger.info("pairing refused by the user", metadata: ["origin": "\(origin ?? "-")", "requestId": "\(requestID)"])
                throw StationProblem.pairingRefused(origin)
            }
            let token = try await pairings.issue(origin: origin, kind: kind)
            logger.info("paired", metadata: ["origin": "\(origin ?? "-")", "kind": "\(kind)", "requestId": "\(requestID)"])
            return PairingResult(token: token, origin: origin, kind: kind)
        } catch {
            throw StationProblem(error)
        }
    }
}

extension StationProblem {
    /// The seconds a page refused with `too-many-pairings` is told to wait (Retry-After).
    public static let pairingRetrySeconds = 30

    public static func originNotPairable(_ origin: String) -> StationProblem {
        let shown = VisibleText.escaped(String(origin.prefix(100)))
        return StationProblem(.notAllowed, messages.sentence("origin-not-pairable", ["shown": shown]))
    }

    public static func peerNotDeskUser(_ uid: UInt32?) -> StationProblem {
        let who = uid.map { ClerkText(verbatim: "uid \($0)") } ?? messages.text("unknown-user")
        return StationProblem(.notAllowed, messages.sentence("peer-not-desk-user", ["who": who]))
    }

    public static let tooManyPairings = StationProblem(.busy, messages.sentence("too-many-pairings", ["pairingRetrySeconds": pairingRetrySeconds]))

    public static func pairingRefused(_ origin: String?) -> StationProblem {
        StationProblem(.notAllowed, messages.sentence("pairing-refused", ["who": origin.map(ClerkText.init(verbatim:)) ?? messages.text("this-program-dative")]))
    }

    public static func pairingPending(_ origin: String?) -> StationProblem {
        StationProblem(.conflict, messages.sentence("pairing-pending", ["who": origin.map(ClerkText.init(verbatim:)) ?? messages.text("this-program")]))
    }

    public static func notPaired(_ origin: String?) -> StationProblem {
        StationProblem(.notAllowed, messages.sentence("not-paired", ["who": origin.map(ClerkText.init(verbatim:)) ?? messages.text("or-the-program")]))
    }
}
