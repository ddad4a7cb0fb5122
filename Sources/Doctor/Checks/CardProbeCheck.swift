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
        let connected = TimeLimited.run(limit, name: "card-connect") { () -> Swift.Result<CardConnection, PCSCError> in
            do throws(PCSCError) {
                let context = try PCSCContext()
                return .success(try context.connect(to: name))
            } catch {
                return .failure(error)
            }
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
        let answered = TimeLimited.run(limit, name: "card-probe") { () -> Swift.Result<ResponseAPDU, PCSCError> in
            do throws(PCSCError) {
                return .success(try connection.transmit(CommandAPDU(bytes: [0x00, 0xC0, 0x00, 0x00, 0x00])))
            } catch {
                return .failure(error)
            }
        }
        switch answered {
        case .timedOut(let seconds):
            probe.findings.append(unresponsive(seconds: seconds, step: "SCardTransmit"))
            return probe
        case .finished(.failure(let error), let seconds) where error.rawValue == PCSCError.Code.sharingViolation:
            // Another program is in a transaction with the card right now.
            probe.findings.append(Finding.ok(
                Self.name, "card-busy",
                ClerkText(
                    pl: "Karta jest w tej chwili zajęta przez inny program (transakcja); nie sprawdzono jej odpowiedzi.",
                    en: "The card is busy with another program right now (a transaction); its answer was not checked."),
                details: ["pcsc": error.name]).timed(seconds))
            return probe
        case .finished(.failure(let error), let seconds):
            probe.findings.append(Finding.problem(
                Self.name, "card-unresponsive",
                found: ClerkText(
                    pl: "Karta w czytniku „\(name)” nie odpowiada poprawnie na polecenia: \(error.name).",
                    en: "The card in reader “\(name)” does not answer commands properly: \(error.name)."),
                why: Self.unusableWhy, fix: Self.reinsertFix, details: ["pcsc": error.name]).timed(seconds))
            return probe
        case .finished(.success(let response), let seconds):
            probe.responsive = true
            probe.findings.append(Finding.ok(
                Self.name, "card-responsive",
                ClerkText(
                    pl: "Karta odpowiada (protokół \(connection.activeProtocol?.rawValue ?? "?")).",
                    en: "The card answers (protocol \(connection.activeProtocol?.rawValue ?? "?"))."),
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
                found: ClerkText(
                    pl: "Nie można połączyć się z kartą w czytniku „\(reader.name)”: \(error.name) (\(error.message.withoutDoctorAdvice.pl))",
                    en: "Cannot connect to the card in reader “\(reader.name)”: \(error.name) (\(error.message.withoutDoctorAdvice.en))"),
                why: Self.unusableWhy, fix: Self.reinsertFix, details: ["pcsc": error.name])
        }
    }

    private func mute(details: [String: String]) -> Finding {
        .problem(
            Self.name, "card-mute",
            found: ClerkText(
                pl: "Karta w czytniku „\(reader.name)” milczy: nie podaje ATR (czytnik jej nie zasila lub nie może się z nią porozumieć).",
                en: "The card in reader “\(reader.name)” is mute: it gives no ATR (the reader cannot power it or talk to it)."),
            why: Self.unusableWhy,
            fix: ClerkText(
                pl: "Wyjmij kartę, sprawdź, czy wkładasz ją chipem do przodu i stykami we właściwą stronę, przetrzyj styki i włóż ponownie. Jeśli inna karta działa w tym czytniku, ta karta jest uszkodzona: zgłoś to wystawcy.",
                en: "Remove the card, check it goes in chip first with the contacts the right way, wipe the contacts and insert it again. If another card works in this reader, this card is damaged: tell its issuer."),
            details: details)
    }

    private func unresponsive(seconds: Double, step: String) -> Finding {
        Finding(
            check: Self.name, code: "card-unresponsive", outcome: .problem,
            found: ClerkText(
                pl: "Karta w czytniku „\(reader.name)” nie odpowiada: brak odpowiedzi w ciągu \(Finding.format(seconds)) s (\(step)).",
                en: "The card in reader “\(reader.name)” does not respond: no answer within \(Finding.format(seconds)) s (\(step))."),
            why: Self.unusableWhy, fix: Self.reinsertFix,
            details: ["step": step, "waitedSeconds": Finding.format(seconds)], seconds: seconds)
    }

    static let unusableWhy = ClerkText(
        pl: "Karta, która nie odpowiada, nie podpisze, a programy, które na nią czekają, zawieszają się.",
        en: "A card that does not answer cannot sign, and programs waiting for it hang.")

    static let reinsertFix = ClerkText(
        pl: "Wyjmij kartę i włóż ją ponownie; jeśli to nie pomoże, odłącz i podłącz czytnik. Gdy karta nadal milczy, a inna działa, kartę trzeba wymienić u wystawcy.",
        en: "Remove the card and insert it again; if that does not help, unplug and replug the reader. If the card stays silent while another works, the issuer must replace it.")
}
