import Localization
import SmartCard

/// The card in one reader: can it be connected to (not held exclusively by
/// another program), does it answer a harmless command (GET RESPONSE with
/// nothing pending: every card answers it with an error status at once, and
/// it changes neither the selected application nor a verified PIN of a
/// program using the card meanwhile), and, for cards in our table, how many
/// PIN tries it has left (read without spending one).
///
/// Each step has its own PC/SC context and time limit: a card that never
/// answers leaves a thread blocked in SCardTransmit, and nothing else.
struct CardProbeCheck {
    static let name = "card"
    let reader: ReaderStatus
    let limit: Double
    let helperLimit: Double
    /// Whether to ask the card for its PIN tries (only cards we know).
    let askTries: Bool

    struct Probe: Sendable {
        var findings: [Finding] = []
        var responsive: Bool = false
        var triesLeft: Int? = nil
        var activeProtocol: CardProtocol? = nil
    }

    func run() -> Probe {
        var probe = Probe()
        let name = reader.name
        if reader.presence == .mute {
            probe.findings.append(mute(details: ["state": "mute"]))
            return probe
        }
        let connected = TimeLimited.run(limit, name: "card-connect") { () throws(PCSCError) -> CardConnection in
            try PCSCContext().connect(to: name)
        }
        let connection: CardConnection
        switch connected {
        case .timedOut(let seconds):
            probe.findings.append(unresponsive(seconds: seconds, step: "SCardConnect"))
            return probe
        case .finished(.failure(let error), let seconds):
            probe.findings.append(connectFailure(error).timed(seconds))
            return probe
        case .finished(.success(let c), _):
            connection = c
        }
        probe.activeProtocol = connection.activeProtocol
        // Any status word (6F 00, 69 85, 6D 00…) shows the card is alive.
        let answered = TimeLimited.run(limit, name: "card-probe") { () throws(PCSCError) -> ResponseAPDU in
            try connection.transmit(CommandAPDU(bytes: [0x00, 0xC0, 0x00, 0x00, 0x00]))
        }
        switch answered {
        case .timedOut(let seconds):
            probe.findings.append(unresponsive(seconds: seconds, step: "SCardTransmit"))
            return probe
        case .finished(.failure(let error), let seconds) where error.rawValue == PCSCError.Code.sharingViolation:
            // Another program is in a transaction with the card right now.
            probe.findings.append(Finding.ok(
                Self.name, "card-busy",
                messages.text("card-busy.found"),
                details: ["pcsc": error.name]).timed(seconds))
            return probe
        case .finished(.failure(let error), let seconds):
            probe.findings.append(Finding.problem(
                Self.name, "card-unresponsive",
                found: messages.text("card-unresponsive.error", ["reader": name, "error": error.name]),
                why: Self.unusableWhy, fix: Self.reinsertFix, details: ["pcsc": error.name]).timed(seconds))
            return probe
        case .finished(.success(let response), let seconds):
            probe.responsive = true
            probe.findings.append(Finding.ok(
                Self.name, "card-responsive",
                messages.text("card-responsive.found", ["protocol": connection.activeProtocol?.rawValue ?? "?"]),
                details: ["sw": String(format: "%02X%02X", response.sw1, response.sw2)]).timed(seconds))
        }
        if askTries {
            let tries = TimeLimited.run(limit, name: "card-tries") { PINTriesProbe.userPINTriesLeft(connection) }
            probe.triesLeft = tries.value ?? nil
        }
        return probe
    }

    private func connectFailure(_ error: PCSCError) -> Finding {
        switch error.rawValue {
        case PCSCError.Code.sharingViolation:
            return ExclusiveHolder(reader: reader.name, limit: helperLimit).finding(error: error)
        case PCSCError.Code.unresponsiveCard, PCSCError.Code.unpoweredCard:
            return mute(details: ["pcsc": error.name])
        default:
            return .problem(
                Self.name, "card-connect-failed",
                found: messages.text("card-connect-failed.found", ["reader": reader.name, "error": error.name, "reason": error.message.withoutDoctorAdvice]),
                why: Self.unusableWhy, fix: Self.reinsertFix, details: ["pcsc": error.name])
        }
    }

    private func mute(details: [String: String]) -> Finding {
        .problem(
            Self.name, "card-mute",
            found: messages.text("card-mute.found", ["reader": reader.name]),
            why: Self.unusableWhy,
            fix: messages.text("card-mute.fix"),
            details: details)
    }

    private func unresponsive(seconds: Double, step: String) -> Finding {
        Finding(
            check: Self.name, code: "card-unresponsive", outcome: .problem,
            found: messages.text("card-unresponsive.timeout", ["reader": reader.name, "seconds": Finding.format(seconds), "step": step]),
            why: Self.unusableWhy, fix: Self.reinsertFix,
            details: ["step": step, "waitedSeconds": Finding.format(seconds)], seconds: seconds)
    }

    static let unusableWhy = messages.text("card-unusable.why")

    static let reinsertFix = messages.text("card-reinsert.fix")
}
