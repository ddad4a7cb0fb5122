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
        return StationProblem(
            "origin-not-pairable", kind: .notAllowed, title: "Origin cannot pair",
            message: ClerkText(
                pl: "Strona o pochodzeniu „\(shown)” nie może prosić o parowanie: tylko strony https:// (oraz http://localhost przy development_origins = true).",
                en: "A page with origin “\(shown)” cannot ask to pair: only https:// pages may (and http://localhost with development_origins = true)."))
    }

    public static func peerNotDeskUser(_ uid: UInt32?) -> StationProblem {
        StationProblem(
            "peer-not-desk-user", kind: .notAllowed, title: "Not the desk's user",
            message: ClerkText(
                pl: "Stronę z allowed_origins może sparować tylko użytkownik, dla którego działa podpisd; to połączenie należy do \(uid.map { "uid \($0)" } ?? "nieznanego użytkownika").",
                en: "A page of allowed_origins pairs only for the user podpisd runs for; this connection belongs to \(uid.map { "uid \($0)" } ?? "an unknown user")."))
    }

    public static let tooManyPairings = StationProblem(
        "too-many-pairings", kind: .busy, title: "Too many pairing requests",
        message: ClerkText(
            pl: "Użytkownik ma już kilka pytań o parowanie; spróbuj ponownie za \(pairingRetrySeconds) s.",
            en: "The user already has several pairing questions open; try again in \(pairingRetrySeconds) s."))

    public static func pairingRefused(_ origin: String?) -> StationProblem {
        StationProblem(
            "pairing-refused", kind: .notAllowed, title: "Pairing refused",
            message: ClerkText(
                pl: "Użytkownik nie pozwolił \(origin ?? "temu programowi") korzystać z podpisu. Kolejna prośba będzie możliwa za kilka minut.",
                en: "The user did not allow \(origin ?? "this program") to use the signing station. A new request is possible in a few minutes."))
    }

    public static func pairingPending(_ origin: String?) -> StationProblem {
        StationProblem(
            "pairing-pending", kind: .conflict, title: "Pairing already asked",
            message: ClerkText(
                pl: "Użytkownik jest już pytany o \(origin ?? "ten program"); poczekaj na odpowiedź.",
                en: "The user is already being asked about \(origin ?? "this program"); wait for the answer."))
    }

    public static func notPaired(_ origin: String?) -> StationProblem {
        StationProblem(
            "not-paired", kind: .notAllowed, title: "Pairing token required",
            message: ClerkText(
                pl: "To wywołanie wymaga tokenu parowania w nagłówku Authorization: Bearer …; najpierw POST /v1/pairing (użytkownik zatwierdza stronę \(origin ?? "lub program") w agencie podpisu).",
                en: "This call needs the pairing token in the Authorization: Bearer … header; first POST /v1/pairing (the user approves \(origin ?? "the program") in the signing agent)."))
    }
}
