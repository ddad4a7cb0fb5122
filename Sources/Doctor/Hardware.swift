import DaemonConfiguration
import Foundation
import Inventory
import Localization
import PKCS11
import QualifiedCertificates
import SmartCard
import X509

/// The PC/SC and PKCS#11 side of the desk: pcscd, readers and cards first,
/// then the modules and their tokens, then joined as reader → card → token →
/// certificate (a token belongs to a reader when its slot is named after it,
/// as OpenSC and most card modules name slots).
struct Hardware {
    let options: DoctorOptions
    let configuration: DaemonConfiguration

    struct Result {
        var systemFindings: [Finding] = []
        var modules: [ModuleEntry] = []
        var readers: [ReaderEntry] = []
        var tokens: [TokenEntry] = []
    }

    private var limits: TimeLimits { options.limits }

    func examine() -> Result {
        var result = Result()

        // PC/SC: the service, the readers, a probe of each card (side by side).
        let service = PCSCServiceCheck(environment: options.environment, limit: limits.pcsc).run()
        result.systemFindings += service.findings
        var statuses: [ReaderStatus] = []
        if service.available {
            let listed = ReaderListCheck(limit: limits.pcsc).run()
            result.systemFindings += listed.findings
            statuses = listed.readers
        }
        var considered = statuses
        if let wanted = options.reader {
            considered = statuses.filter { $0.name == wanted }
            if considered.isEmpty {
                let partial = statuses.filter { $0.name.contains(wanted) }
                if partial.count == 1 { considered = partial }
            }
            if considered.isEmpty && service.available && !statuses.isEmpty {
                result.systemFindings.append(.problem(ReaderListCheck.name, messages.finding("reader-not-found", ["wanted": wanted, "readers": statuses.map(\.name).joined(separator: ", ")])))
            }
        }
        let identifier = CardIdentifier()
        let reports = considered.map { ReaderReport(status: $0, identifier: identifier) }
        let probes: [Pending<CardProbeCheck.Probe>?] = zip(considered, reports).map { status, report in
            guard status.hasCard else { return nil }
            let check = CardProbeCheck(
                reader: status, limit: limits.card, helperLimit: limits.helper, askTries: report.card?.identifiedBy == "table")
            return Pending(name: "doctor-card") { check.run() }
        }
        let cardBound = limits.card * 3 + limits.helper + 2
        let probed: [CardProbeCheck.Probe?] = zip(considered, probes).map { status, pending in
            guard let pending else { return nil }
            if let probe = pending.wait(upTo: cardBound) { return probe }
            var late = CardProbeCheck.Probe()
            late.findings = [.timeout(
                CardProbeCheck.name, component: messages.text("hardware.card-component", ["reader": status.name]),
                seconds: cardBound, fix: CardProbeCheck.reinsertFix)]
            return late
        }

        // PKCS#11: every module, side by side, each step under its limit.
        let candidates = moduleCandidates()
        let readerFocus = considered.map(\.name), focusOnReader = options.reader != nil, tokenFocus = options.token
        let wanted: @Sendable (TokenInfo, SlotInfo?) -> Bool = { info, slotInfo in
            if let tokenFocus, info.label != tokenFocus, info.serialNumber != tokenFocus { return false }
            if focusOnReader {
                let description = slotInfo?.description ?? ""
                return readerFocus.contains { description == $0 || description.hasPrefix($0) }
            }
            return true
        }
        let pipelines = candidates.map { candidate in
            let pipeline = ModulePipeline(candidate: candidate, limits: limits, wanted: wanted)
            return Pending(name: "doctor-module") { pipeline.run() }
        }
        let moduleBound = limits.module * 2 + limits.token * 8 + 2
        let observations: [ModuleObservation] = zip(candidates, pipelines).map { candidate, pending in
            if let observation = pending.wait(upTo: moduleBound) { return observation }
            var late = ModuleObservation(candidate: candidate)
            late.findings = [.timeout(
                ModuleLoadCheck.name, component: messages.text("hardware.module-component", ["path": candidate.path]),
                seconds: moduleBound, fix: ModuleLoadCheck.hangFix)]
            return late
        }
        let loaded = Set(observations.filter(\.loaded).map(\.candidate.realPath))
        let looked = Set(candidates.map(\.realPath))

        // Certificates, for the chain check: all on the tokens plus --chain-file.
        var poolCertificates: [Certificate] = []
        for observation in observations {
            for token in observation.tokens {
                if case .read(let pairs)? = token.objects {
                    poolCertificates += pairs.compactMap { try? Certificate(derEncoded: $0.certificate.der) }
                }
            }
        }
        for file in options.chainFiles {
            if let certificates = CertificatePool.read(file: file), !certificates.isEmpty {
                poolCertificates += certificates
            } else {
                result.systemFindings.append(.problem(ChainCheck.name, messages.finding("chain-file-unreadable", ["file": file]),
                    details: ["file": file]))
            }
        }
        let pool = CertificatePool(certificates: poolCertificates, systemBundle: options.systemCABundle)

        // Copies of one certificate on several slots of one card: the key may be on another slot.
        var keyed: [String: Set<[UInt8]>] = [:]
        for observation in observations {
            for token in observation.tokens {
                guard case .read(let pairs)? = token.objects else { continue }
                let group = observation.candidate.realPath + "|" + (token.slotInfo?.description ?? "")
                for pair in pairs where pair.key != nil || pair.keyHiddenUntilLogin {
                    keyed[group, default: []].insert(pair.certificate.der)
                }
            }
        }

        // Modules.
        result.modules = observations.map { observation in
            ModuleEntry(
                name: observation.candidate.name, path: observation.candidate.path, configured: observation.candidate.configured,
                registered: observation.candidate.registered, findings: observation.findings)
        }

        // Tokens, each to its reader or to the list of tokens in no reader.
        func readerIndex(_ slot: SlotInfo?) -> Int? {
            guard let description = slot?.description else { return nil }
            return considered.firstIndex { description == $0.name || description.hasPrefix($0.name) }
        }
        var readerTokens = Array(repeating: [TokenEntry](), count: considered.count)
        var cardExtra = Array(repeating: [Finding](), count: considered.count)
        var tokenSeen = Array(repeating: false, count: considered.count)
        for observation in observations {
            for token in observation.tokens {
                let index = readerIndex(token.slotInfo)
                if index == nil && focusOnReader { continue }
                let tries = index.flatMap { probed[$0]?.triesLeft }
                let entry = tokenEntry(token, observation.candidate, triesLeft: tries, pool: pool, keyed: keyed)
                if let index {
                    readerTokens[index].append(entry)
                    tokenSeen[index] = true
                } else {
                    result.tokens.append(entry)
                }
            }
            for slot in observation.slotErrors {
                guard let error = slot.error, error.returnValue != ReturnValue.tokenNotPresent else { continue }
                let index = readerIndex(slot.slotInfo)
                if error.returnValue == ReturnValue.tokenNotRecognized {
                    // Expected when the card needs another module; reported only
                    // when this is the module the card is known to need.
                    guard let index, let hint = reports[index].card?.module,
                        hint.usualPaths.contains(where: { ($0 as NSString).lastPathComponent == (observation.candidate.path as NSString).lastPathComponent })
                    else { continue }
                    cardExtra[index].append(.problem(CardIdentityCheck.name, messages.finding("token-not-recognized", ["module": hint.name, "package": hint.providedBy]),
                        details: ["C_GetTokenInfo": error.name, "module": observation.candidate.path]))
                    continue
                }
                let finding = Finding.problem(TokenListing.name, messages.finding("token-error", ["module": observation.candidate.name, "slot": slot.slotInfo?.description ?? "?", "error": error.name]),
                    details: ["C_GetTokenInfo": error.name])
                if let index { cardExtra[index].append(finding) } else if !focusOnReader {
                    if let m = result.modules.firstIndex(where: { $0.path == observation.candidate.path }) { result.modules[m].findings.append(finding) }
                }
            }
        }

        // Readers and cards.
        let noCardAnywhere = !considered.contains { $0.hasCard }
        for (index, status) in considered.enumerated() {
            let report = reports[index]
            if options.token != nil && readerTokens[index].isEmpty { continue }
            var entry = ReaderEntry(
                name: status.name, state: status.presence.rawValue,
                findings: [ReaderStateCheck(status: status, noCardAnywhere: noCardAnywhere, note: report.readerNote).run()], card: nil)
            if let atr = status.atr, status.hasCard, let card = report.card {
                var findings = probed[index]?.findings ?? []
                findings += CardIdentityCheck(
                    reader: status.name, atr: atr, card: card, candidateModules: looked, loadedModules: loaded, tokenSeen: tokenSeen[index]).run()
                findings += cardExtra[index]
                entry.card = CardEntry(
                    atr: atr.hex, name: card.name, identifiedBy: card.identifiedBy, module: card.module?.name, findings: findings,
                    tokens: readerTokens[index])
            }
            result.readers.append(entry)
        }

        if let wanted = options.token, result.readers.allSatisfy({ $0.card?.tokens.isEmpty ?? true }), result.tokens.isEmpty {
            result.systemFindings.append(.problem(TokenObjectsCheck.name, messages.finding("token-not-found", ["wanted": wanted])))
        }
        return result
    }

    /// The modules of the configuration and the command line, then those
    /// registered with p11-kit (unless left out), one entry per real file.
    func moduleCandidates() -> [ModuleCandidate] {
        var out: [ModuleCandidate] = []
        func add(name: String, path: String, configured: Bool, registered: Bool) {
            let real = CardIdentityCheck.realPath(path)
            if let index = out.firstIndex(where: { $0.realPath == real }) {
                out[index].configured = out[index].configured || configured
                out[index].registered = out[index].registered || registered
                return
            }
            out.append(ModuleCandidate(name: name, path: path, realPath: real, configured: configured, registered: registered))
        }
        for path in options.modulePaths + configuration.pkcs11.modules {
            add(name: (path as NSString).lastPathComponent, path: path, configured: true, registered: false)
        }
        if options.includeRegistered ?? configuration.pkcs11.useRegistered {
            for entry in P11KitRegistry.entries(directories: P11KitRegistry.directories(environment: options.environment)) {
                add(name: entry.name, path: entry.path, configured: false, registered: true)
            }
        }
        return out
    }

    /// One token's findings: its PIN, its objects, and each certificate's.
    private func tokenEntry(
        _ token: TokenObservation, _ module: ModuleCandidate, triesLeft: Int?, pool: CertificatePool, keyed: [String: Set<[UInt8]>]
    ) -> TokenEntry {
        var findings = [PINStateCheck(token: token.info, triesLeft: triesLeft).run()]
        findings += token.findings
        var certificates: [CertificateEntry] = []
        if case .read(let pairs)? = token.objects {
            let group = module.realPath + "|" + (token.slotInfo?.description ?? "")
            for pair in pairs {
                let facts: CertificateFacts
                do { facts = try CertificateFacts(der: pair.certificate.der) } catch {
                    findings.append(CertificateReadCheck(certificate: pair.certificate, error: error).run())
                    continue
                }
                guard !facts.isCA else { continue }
                var certificateFindings = [
                    CertificateValidityCheck(facts: facts, now: options.now).run(),
                    QualificationCheck(facts: facts).run(),
                ]
                if let usage = KeyUsageCheck(facts: facts).run() { certificateFindings.append(usage) }
                do {
                    let certificate = try Certificate(derEncoded: pair.certificate.der)
                    certificateFindings.append(ChainCheck(certificate: certificate, facts: facts, pool: pool).run())
                } catch {
                    certificateFindings.append(CertificateReadCheck.keyUnsupported(facts, reason: String(describing: error)))
                }
                certificateFindings.append(KeyPairCheck(
                    pair: pair, facts: facts, keyOnAnotherSlot: keyed[group]?.contains(pair.certificate.der) ?? false).run())
                certificates.append(CertificateEntry(
                    id: facts.id, label: pair.certificate.label, commonName: facts.commonName, subject: facts.subject,
                    issuer: facts.issuer, notAfter: facts.notAfter, qualifiedForSigning: facts.qualifiedForSigning,
                    qualifiedForSealing: facts.qualifiedForSealing, findings: certificateFindings))
            }
            if certificates.isEmpty, !findings.contains(where: { $0.check == CertificateReadCheck.name }) {
                findings.append(TokenObjectsCheck.noCertificate(label: token.info.label))
            }
        }
        return TokenEntry(
            label: token.info.label, serialNumber: token.info.serialNumber, manufacturer: token.info.manufacturer,
            model: token.info.model, module: module.name, modulePath: module.path, slot: token.slotInfo?.description ?? "",
            pinStatus: token.info.pinStatus.rawValue, triesLeft: triesLeft, findings: findings, certificates: certificates)
    }
}
