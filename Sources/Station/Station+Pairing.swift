import Foundation
import Localization

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
                return PairingResult(token: try await pairings.issue(origin: origin, kind: "configured"), origin: origin, kind: "configured")
            }
            if await pairings.recentlyRefused(origin) { throw StationProblem.pairingRefused(origin) }
            guard await pairings.beginAsking(origin) else { throw StationProblem.pairingPending(origin) }
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
    public static func pairingRefused(_ origin: String?) -> StationProblem {
        StationProblem(
            "pairing-refused", status: 403, title: "Pairing refused",
            message: ClerkText(
                pl: "Użytkownik nie pozwolił \(origin ?? "temu programowi") korzystać z podpisu. Kolejna prośba będzie możliwa za kilka minut.",
                en: "The user did not allow \(origin ?? "this program") to use the signing station. A new request is possible in a few minutes."))
    }

    public static func pairingPending(_ origin: String?) -> StationProblem {
        StationProblem(
            "pairing-pending", status: 409, title: "Pairing already asked",
            message: ClerkText(
                pl: "Użytkownik jest już pytany o \(origin ?? "ten program"); poczekaj na odpowiedź.",
                en: "The user is already being asked about \(origin ?? "this program"); wait for the answer."))
    }

    public static func notPaired(_ origin: String?) -> StationProblem {
        StationProblem(
            "not-paired", status: 403, title: "Pairing token required",
            message: ClerkText(
                pl: "To wywołanie wymaga tokenu parowania w nagłówku Authorization: Bearer …; najpierw POST /v1/pairing (użytkownik zatwierdza stronę \(origin ?? "lub program") w agencie podpisu).",
                en: "This call needs the pairing token in the Authorization: Bearer … header; first POST /v1/pairing (the user approves \(origin ?? "the program") in the signing agent)."))
    }
}
