import SealService
import SignatureAlgorithms
import ArgumentParser
import DaemonConfiguration
import Foundation
import Hummingbird
import Localization
import LongTerm
import Logging
import NIOCore
import PKCS11
import Sealing
import ServiceLifecycle
import Signing
import Station
import Validation
import XAdES

/// The signing daemon: the localhost protocol (HTTP/1.1 + JSON) on a Unix
/// socket and on loopback TCP, for EZD applications; readers, tokens and
/// signatures through the station.
@main
struct Podpisd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "podpisd",
        abstract: "Podpis daemon: the localhost signing API on a Unix socket and loopback TCP.",
        discussion: """
            Configuration: /etc/podpis/podpisd.toml, overridden by ~/.config/podpis/podpisd.toml \
            (or only the file given with --config). API: docs/protocol.md, GET /v1/openapi.yaml.
            """,
        version: Station.version)

    @Option(help: "Configuration file (replaces the default files).") var config: String?
    @Flag(help: "System service: socket /run/podpis/podpisd.sock, configuration from /etc only.") var system = false
    @Flag(help: "Check the configuration, print every problem with its line, and exit (1 if any error).") var checkConfig = false
    @Option(help: "Unix socket path (overrides the configuration).") var socket: String?
    @Option(help: "Loopback TCP port (overrides the configuration; 0: no TCP).") var port: Int?
    @Option(help: "Stop after this many seconds (for tests); default: run until stopped.") var seconds: Double?
    @Flag(help: "Print podpisd.toml with every setting at its default, commented out, and exit.") var printDefaultConfig = false
    /// podpisd.toml(5) in mdoc, for the package build (scripts/deb.sh); the
    /// date from SOURCE_DATE_EPOCH, as Debian's reproducible builds set it.
    @Flag(help: .hidden) var printConfigManual = false

    func run() async throws {
        if printDefaultConfig {
            print(DaemonConfiguration.commentedOutExample, terminator: "")
            return
        }
        if printConfigManual {
            let epoch = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"].flatMap(TimeInterval.init)
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "UTC")
            formatter.dateFormat = "MMMM d, yyyy"
            let date = formatter.string(from: epoch.map { Date(timeIntervalSince1970: $0) } ?? Date())
            print(DaemonConfiguration.manualPage(version: Station.version, date: date), terminator: "")
            return
        }
        ProcessDumps.forbid()  // PINs pass through: no core file, no ptrace by the same uid
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        var mutableLogger = Logger(label: "podpisd")
        mutableLogger.logLevel = .info
        let logger = mutableLogger
        let environment = ProcessInfo.processInfo.environment
        let files = config.map { [$0] } ?? DaemonConfiguration.defaultFiles(system: system, environment: environment)
        let (configuration, problems) = DaemonConfiguration.load(files: files, environment: environment)
        // The trust anchors of POST /v1/verify, read once; a file the
        // configuration check let through but whose certificates cannot be
        // read is an error of its own (its anchors are left out).
        let (trust, trustProblems) = VerifyRoutes.trustSources(configuration.verification.trust)
        if checkConfig {
            for problem in problems { print(problem.description) }
            for problem in trustProblems { print(problem) }
            let errors = problems.filter { $0.severity == .error }.count + trustProblems.count
            print(errors == 0 ? "OK: \(files.joined(separator: ", "))" : "\(errors) error(s)")
            throw ExitCode(errors == 0 ? 0 : 1)
        }
        for problem in problems { logger.warning("\(problem.description)") }
        for problem in trustProblems { logger.error("\(problem)", metadata: ["code": "verify-trust-unreadable"]) }
        logger.info("verification trust: \(trust.isEmpty ? "none" : trust.map { "\($0.name) (\($0.anchors.count))" }.joined(separator: ", "))")

        Listeners.raiseOpenFileLimit(logger: logger)
        var settings = StationSettings(configuration)
        // B-LT and B-LTA (clerks' requests and seal profiles): one supplier of
        // validation data from [verification], its collections shared.
        var longTerm: LongTermSupplier? = nil
        do {
            longTerm = try LongTermSupplier.configured(configuration.verification)
        } catch {
            let readable = error as? any ClerkReadableError
            logger.warning("B-LT/B-LTA unavailable: \(readable?.message.en ?? "\(error)")", metadata: readable.map { ["code": "\($0.code)"] })
        }
        settings.validationData = longTerm
        settings.auditPath = configuration.auditPath(system: system, environment: environment)
        settings.pairingPath = configuration.pairingPath(system: system, environment: environment)
        logger.info("audit trail: \(settings.auditPath ?? "-")")
        let station = Station(settings: settings)
        if let problem = await station.pairings.loadProblem { logger.warning("\(problem)") }
        for problem in station.moduleProblems {
            logger.warning("PKCS#11 module \(problem.path): \(problem.message)", metadata: ["code": "\(problem.code)"])
        }
        let tcpPort = port ?? configuration.tcpPort(system: system, files: files, problems: problems)
        await station.pairings.configure(
            maximumQuestions: configuration.server.maxPairingQuestions, developmentOrigins: configuration.server.developmentOrigins)
        let socketPath = socket ?? configuration.socketPath(system: system, environment: environment)
        // Seal profiles: their keys (opened once, shared), batches and hot folders.
        var profiles: [SealKeys.Profile] = []
        for profile in configuration.seals.values.sorted(by: { $0.name < $1.name }) {
            let settings = try SealSettings(profile: profile, configuration: configuration, validationData: longTerm)
            let modules = station.pkcs11Modules
            let pin = SealPINSource(profile.pin, prompt: { try AskPassword.seal(profile: profile.name) })
            profiles.append(.init(name: profile.name, certificate: profile.certificate, settings: settings) {
                try SealKey(certificate: profile.certificate, modules: modules, sessions: profile.sessions, nice: Int32(profile.signingNice), pin: pin)
            })
        }
        let sealKeys = SealKeys(profiles)
        // Unattended profiles (PIN from a credential or a file) log in now, in
        // the background: a wrong PIN or a missing token is in the log at
        // start, and the first batch does not wait for the login. A profile
        // whose PIN is asked for logs in when first needed.
        for profile in configuration.seals.values where profile.pin != .prompt {
            let name = profile.name
            Task {
                do {
                    let key = try await sealKeys.key(name)
                    logger.info("seal profile \(name): logged in, \(key.sessions) session(s), signing at nice \(key.signingNiceGranted ? key.signingNice : 0)")
                    if !key.signingNiceGranted {
                        logger.warning(
                            "seal profile \(name): the signing threads stay at nice 0, not \(key.signingNice): the process may not lower its nice (systemd: LimitNICE=\(key.signingNice) in the unit; or signing_nice = 0)",
                            metadata: ["code": "signing-nice-refused"])
                    }
                } catch {
                    let readable = error as? any ClerkReadableError
                    logger.warning("seal profile \(name): not logged in yet: \(readable?.message.en ?? "\(error)")", metadata: readable.map { ["code": "\($0.code)"] })
                }
            }
        }
        let stationSettings = settings
        let batches = SealBatches(
            directory: configuration.batchDirectory(system: system, environment: environment), keys: sealKeys, audit: station.audit,
            policy: { stationSettings.policy(for: $0) })
        await batches.load()
        logger.info("seal batches: \(batches.directory)")
        let routes = Routes(
            station: station,
            limits: .init(
                maximumBody: configuration.server.maxBodyBytes, maximumJSON: configuration.server.maxJSONBytes,
                maximumVerify: configuration.verification.limit(server: configuration.server)),
            batches: batches, log: RequestLog(logger: logger), trust: trust,
            verificationTrust: VerificationTrust(settings: configuration.verification),
            timeStampURLs: configuration.timestamp.urls.compactMap(URL.init(string:)), timeStampTimeout: configuration.timestamp.timeoutSeconds)
        let idle = TimeAmount.nanoseconds(Int64(configuration.server.idleTimeoutSeconds * 1e9))

        var services: [any Service] = []
        try Listeners.prepareSocket(socketPath)
        let mode = configuration.server.socketMode, socketGroup = configuration.server.socketGroup
        services.append(Application(
            router: routes.build(port: tcpPort, socketGroup: socketGroup.isEmpty ? nil : getgrnam(socketGroup)?.pointee.gr_gid),
            server: .http1(configuration: .init(additionalChannelHandlers: [SlowClientHandler(grace: idle), ClientGoneHandler()], idleTimeout: idle)),
            configuration: .init(
                address: .unixDomainSocket(path: socketPath), serverName: "podpisd",
                availableConnectionsDelegate: .maximum(configuration.server.maxConnections, logger: logger)),
            onServerRunning: { _ in
                Listeners.secureSocket(socketPath, mode: mode, group: socketGroup, logger: logger)
                logger.info("listening on unix:\(socketPath)")
            },
            logger: logger))
        if tcpPort > 0 {
            for host in Listeners.loopbackHosts() {
                services.append(Application(
                    router: routes.build(port: tcpPort),
                    server: .http1(configuration: .init(additionalChannelHandlers: [SlowClientHandler(grace: idle), ClientGoneHandler()], idleTimeout: idle)),
                    configuration: .init(
                        address: .hostname(host, port: tcpPort), serverName: "podpisd",
                        availableConnectionsDelegate: .maximum(configuration.server.maxConnections, logger: logger)),
                    onServerRunning: { _ in logger.info("listening on http://\(host.contains(":") ? "[\(host)]" : host):\(tcpPort)") },
                    logger: logger))
            }
        }
        // Hot folders of the seal profiles that have one.
        for profile in configuration.seals.values.sorted(by: { $0.name < $1.name }) {
            guard let folders = profile.hotFolder, let settings = sealKeys.profiles[profile.name]?.settings else { continue }
            let hotFolder = HotFolder(
                profile: profile.name,
                folders: folders,
                settings: settings, audit: station.audit,
                openKey: { try await sealKeys.key(profile.name) })
            services.append(HotFolderService(hotFolder: hotFolder))
        }
        services.append(BatchService(batches: batches))
        // Last in the list, first to stop: it ends the event and agent streams
        // so that the HTTP servers are not kept waiting by open SSE responses.
        services.append(StationWatcher(station: station))
        let group = ServiceGroup(
            configuration: .init(services: services.map { .init(service: $0) }, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        if let seconds {
            Task {
                try await Task.sleep(for: .seconds(seconds))
                await group.triggerGracefulShutdown()
            }
        }
        var failure: (any Error)?
        do { try await group.run() } catch { failure = error }
        unlink(socketPath)
        // Cached logins end and the modules are finalised, then the process
        // ends without the modules' exit-time destructors (ProcessEnd).
        let closed = await station.close(within: 5)
        logger.info(closed ? "stopped" : "stopped; a token did not answer within 5 s, its login ends with the process")
        if let failure {
            logger.error("stopped by an error: \(failure)")
            ProcessEnd.now(1)
        }
        ProcessEnd.now(0)
    }
}

/// Watches one hot folder while the daemon runs.
struct HotFolderService: Service {
    let hotFolder: HotFolder
    func run() async throws {
        try? await cancelWhenGracefulShutdown { await hotFolder.run() }
    }
}

/// Seal batches: at shutdown the documents being sealed finish, the seal
/// keys are logged out, the rest waits on disk for the next start.
struct BatchService: Service {
    let batches: SealBatches
    func run() async throws {
        try? await gracefulShutdown()
        await batches.shutdown()
    }
}

/// Publishes reader, card and token events while the daemon runs.
struct StationWatcher: Service {
    let station: Station
    func run() async throws {
        try? await cancelWhenGracefulShutdown { await station.watch() }
        await station.events.finish()
        await station.consent.finishAgents()
    }
}

extension StationSettings {
    init(_ configuration: DaemonConfiguration) {
        self.init(
            modulePaths: configuration.pkcs11.modules, useRegisteredModules: configuration.pkcs11.useRegistered,
            timeStampURLs: configuration.timestamp.urls.compactMap(URL.init(string:)),
            timeStampTimeout: configuration.timestamp.timeoutSeconds, agentTimeout: configuration.server.agentTimeoutSeconds,
            defaultFormat: SignRequest.Format(rawValue: configuration.defaults.format.rawValue) ?? .xades,
            defaultPackaging: XAdESOptions.Packaging(rawValue: configuration.defaults.packaging.rawValue) ?? .detached,
            defaultLevel: BaselineLevel(rawValue: configuration.defaults.level.rawValue) ?? .bb,
            defaultDigest: HashAlgorithm(rawValue: configuration.defaults.digest.rawValue) ?? .sha256,
            xmlLimits: XMLParseLimits(
                maximumBytes: configuration.limits.xmlMaxBytes, maximumDepth: configuration.limits.xmlMaxDepth,
                maximumNodes: configuration.limits.xmlMaxNodes))
        preapprovedOrigins = Set(configuration.server.allowedOrigins)
        policies = configuration.policies
        agentUsers = configuration.server.agentUsers
    }
}
