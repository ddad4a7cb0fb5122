import Audit
import Blocking
import CAdES
import Dispatch
import Files
import Foundation
import Inventory
import Localization
import Logging
import PKCS11
import QualifiedCertificates
import Signing
import SmartCard
import StationAPI
import Timestamping
import XAdES

/// The signing station: what podpisd serves. Lists readers, tokens and
/// certificates; signs a request after the clerk's consent, one request per
/// token at a time (in arrival order), different tokens in parallel; and
/// publishes what happens as events.
public final class Station: Sendable {
    public static let version = PodpisVersion.string

    public let settings: StationSettings
    public let events = EventHub()
    public let consent = ConsentBroker()
    let modules: ModuleSet
    let workers = WorkerRegistry()
    let inventory = BlockingExecutor(label: "podpis.inventory")
    let started = Date()
    let logger = Logger(label: "podpisd.station")
    public let audit: AuditTrail?
    public let pairings: PairingRegistry

    public init(settings: StationSettings) {
        self.settings = settings
        audit = settings.auditPath.map(AuditTrail.init(path:))
        pairings = PairingRegistry(path: settings.pairingPath, preapproved: settings.preapprovedOrigins)
        modules = ModuleSet.load(paths: settings.modulePaths, includeRegistered: settings.useRegisteredModules)
    }

    /// The loaded PKCS#11 modules (the sealer shares them: one C_Initialize per module).
    public var pkcs11Modules: [Module] { modules.modules }

    /// Module problems found at start (a vendor module that does not load).
    public var moduleProblems: [ModuleProblem] { modules.problems }

    /// Runs `body` on the inventory thread (PKCS#11 and PC/SC listing calls block).
    func onInventory<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await inventory.run(body)
    }

    // MARK: Listings

    public func readers() async throws -> ReaderList {
        do {
            return ReaderList(schema: "podpis.readers/1", readers: try await onInventory { try ReaderReport.all() })
        } catch let error as PCSCError
            where [PCSCError.Code.noReadersAvailable, PCSCError.Code.noService, PCSCError.Code.serviceStopped].contains(error.rawValue)
        {
            // No readers, or pcscd not running: an empty list (GET /v1/status says which).
            return ReaderList(schema: "podpis.readers/1", readers: [])
        }
    }

    public func tokens() async throws -> TokenList {
        let modules = self.modules
        let tokens = try await onInventory { TokenReport.all(in: modules.modules) }
        return TokenList(schema: "podpis.tokens/1", tokens: tokens, moduleProblems: modules.problems)
    }

    public func certificates() async throws -> CertificateList {
        let (list, problems, unreadable) = try await certificateList()
        return CertificateList(
            schema: "podpis.certs/1", certificates: list.map(\.report), moduleProblems: modules.problems, tokenProblems: problems,
            certificateProblems: unreadable)
    }

    func certificateList() async throws -> ([(report: CertificateReport, der: [UInt8])], [TokenProblem], [CertificateProblem]) {
        let modules = self.modules.modules
        let (list, problems, unreadable) = try await onInventory { try CertificateReport.all(in: modules) }
        // Tuples are not Sendable; rebuild them on this side.
        return (list.map { ($0.report, $0.der) }, problems, unreadable)
    }

    /// One certificate by id (or a unique prefix of 8+ hex digits), with its DER.
    public func certificate(_ id: String) async throws -> (report: CertificateReport, der: [UInt8]) {
        let wanted = id.lowercased()
        guard wanted.count >= 8, wanted.allSatisfy(\.isHexDigit) else { throw StationProblem.unknownCertificate(id) }
        let matches = try await certificateList().0.filter { $0.report.facts.sha256.hasPrefix(wanted) }
        guard let match = matches.first else { throw StationProblem.unknownCertificate(id) }
        if matches.count > 1, Set(matches.map(\.der)).count == 1,
            let preferred = CertificateReport.preferredForSigning(matches.map(\.report)),
            let copy = matches.first(where: { $0.report == preferred })
        {
            return copy  // one certificate on several slots of one card
        }
        guard matches.count == 1 else { throw StationProblem.ambiguousCertificate(matches.map(\.report.id)) }
        return match
    }

    public func status() async -> StationStatus {
        let pcsc = (try? PCSCContext()) != nil
        let tokens = (try? await self.tokens().tokens.count) ?? 0
        return StationStatus(
            service: "podpisd", version: Self.version, api: "v1", pcsc: .init(available: pcsc), tokens: tokens,
            agents: await consent.agentCount, uptimeSeconds: Date().timeIntervalSince(started))
    }
}

/// One ``TokenWorker`` per token, made on first use.
actor WorkerRegistry {
    private var workers: [String: TokenWorker] = [:]

    func worker(key: String, label: String) -> TokenWorker {
        if let worker = workers[key] { return worker }
        let worker = TokenWorker(key: key, label: label)
        workers[key] = worker
        return worker
    }

    var all: [TokenWorker] { Array(workers.values) }
}
