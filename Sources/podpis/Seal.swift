import ArgumentParser
import DaemonConfiguration
import Foundation
import Inventory
import Localization
import PKCS11
import Sealing
import Signing
import Audit
import StationAPI
import Synchronization
import Timestamping
import XAdES

/// `podpis seal --profile NAME FILES|DIR --out DIR --local`: seals many
/// documents with the office's seal, unattended, as a profile of
/// podpisd.toml says; resumable (the journal in the output directory).
struct Seal: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Pieczętowanie wielu dokumentów / seal many documents with the office seal.",
        discussion: """
            Each document gets its seal by the profile's rule (XML: e.g. XAdES enveloped; others: e.g. CAdES detached), \
            written atomically into --out, never over an existing file. A journal in --out \
            (.podpis-seal-journal.jsonl) lets an interrupted run be repeated: what is sealed is skipped, the rest is done. \
            A document that fails does not stop the others. Exit 0: all sealed (or already sealed); 12: some failed; \
            other codes as for podpis sign.
            """)

    @Option(help: "The seal profile ([seal.NAME] in podpisd.toml).") var profile: String
    @Option(help: "Configuration file (default: /etc/podpis/podpisd.toml, then ~/.config/podpis/podpisd.toml).") var config: String?
    @Option(help: "Output directory (made if missing).") var out: String
    @Flag(help: "Seal in this process with the token itself (podpisd not needed).") var local = false
    @Option(help: "podpisd's Unix socket (default: the user daemon's, or the system one with --system).") var socket: String?
    @Flag(help: "Use the system service's socket (/run/podpis/podpisd.sock).") var system = false
    @Flag(help: "Keep the batch on podpisd after all seals are fetched (default: deleted then).") var keep = false
    @Flag(help: "A JSON summary at the end (schema podpis.seal/1).") var json = false
    @Option(help: "The audit trail to append to (default: the daemon's, see audit_file).") var audit: String?
    @Argument(help: "Documents, or directories of documents (not recursive; hidden files skipped).") var inputs: [String]

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let files = config.map { [$0] } ?? DaemonConfiguration.defaultFiles(system: false, environment: environment)
        let (configuration, problems) = DaemonConfiguration.load(files: files, environment: environment)
        if let error = problems.first(where: { $0.severity == .error }) {
            throw fail("config-invalid", messages.text("config-invalid", ["description": error.description]), PodpisExit.badInput)
        }
        guard let profile = configuration.seals[profile] else {
            let known = configuration.seals.keys.sorted().joined(separator: ", ")
            let list = known.isEmpty ? messages.text("no-profiles") : ClerkText(verbatim: known)
            throw fail("unknown-profile", messages.text("unknown-profile", ["profile": profile, "files": files.joined(separator: ", "), "known": list]), PodpisExit.otherError)
        }
        let documents = try Self.collect(inputs)
        do {
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o750])
        } catch {
            throw fail("cannot-write", messages.text("cannot-create-output", ["out": out, "error": "\(error)"]), PodpisExit.otherError)
        }

        if !local {
            return try await throughDaemon(documents, configuration: configuration, environment: environment)
        }

        let modules = ModuleSet.load(paths: configuration.pkcs11.modules, includeRegistered: configuration.pkcs11.useRegistered)
        let key: SealKey
        do {
            key = try SealKey(certificate: profile.certificate, modules: modules.modules, sessions: profile.sessions, nice: Int32(profile.signingNice), pin: SealPINSource(profile.pin, prompt: Self.terminalPrompt))
        } catch let error as PKCS11Error {
            throw CommandFailure(error).report(json: json)
        } catch {
            throw CommandFailure(error).report(json: json)
        }
        defer { key.close() }
        let settings: SealSettings
        do { settings = try SealSettings(profile: profile, configuration: configuration) } catch { throw CommandFailure(error).report(json: json) }

        let journal: SealJournal
        do { journal = try SealJournal(directory: out) } catch { throw CommandFailure(error).report(json: json) }
        let trail = AuditTrail(path: audit ?? configuration.auditPath(system: false, environment: environment))
        let batch = UUID().uuidString.lowercased()
        let requester = Requester(transport: .local, origin: nil, uid: getuid(), pid: getpid())
        let auditor = SealAuditTrail(trail: trail, requester: requester, batch: batch)

        let display = ProgressDisplay(terminal: isatty(2) == 1, total: documents.count)
        let started = Date()
        let results = await Sealer(key: key, settings: settings).seal(documents, into: out, journal: journal, audit: auditor) { progress in
            display.show(progress)
        }
        display.finish()
        try report(results, batch: batch, started: started)
    }

    /// `podpis seal` without --local: a batch on podpisd.
    func throughDaemon(_ documents: [SealInput], configuration: DaemonConfiguration, environment: [String: String]) async throws {
        let path = socket ?? configuration.socketPath(system: system, environment: environment)
        let display = ProgressDisplay(terminal: isatty(2) == 1, total: documents.count)
        let client = SealBatchClient(socket: path, profile: profile, out: out, keep: keep, display: display)
        let started = Date()
        let outcome: SealBatchClient.Outcome
        do {
            outcome = try await client.run(documents)
        } catch let gone as SealBatchClient.DaemonGone {
            display.finish()
            let batch = (try? JSONDecoder().decode(SealBatchClient.Record.self, from: Data(contentsOf: URL(fileURLWithPath: out + "/" + SealBatchClient.recordName))))?.batch
            let which = batch.map { messages.text("in-batch", ["batch": $0]) } ?? ClerkText(verbatim: "")
            throw fail("daemon-unavailable", messages.text("daemon-lost", ["path": path, "detail": gone.detail, "batch": which]), PodpisExit.noService)
        } catch let damaged as SealBatchClient.DamagedSeal {
            display.finish()
            throw fail("seal-damaged", messages.text("seal-damaged", ["document": damaged.document, "out": out]),
                PodpisExit.otherError)
        } catch let stopped as SealBatchClient.Stopped {
            display.finish()
            throw fail(stopped.reason.code, messages.text("batch-stopped", ["batch": stopped.batch, "message": stopped.reason.message]),
                PodpisExit.otherError)
        } catch {
            display.finish()
            throw CommandFailure(error).report(json: json)
        }
        display.finish()
        let results = documents.map { outcome.results[$0.name] ?? SealBatchClient.failed($0.name, "not-sealed", messages.text("not-sealed")) }
        try report(results, batch: outcome.batches.last ?? "", started: started)
    }

    /// The summary (text or --json) and the exit code.
    func report(_ results: [SealResult], batch: String, started: Date) throws {
        let seconds = Date().timeIntervalSince(started)
        let summary = SealSummary(
            schema: "podpis.seal/1", profile: profile, batch: batch, output: out, total: results.count,
            sealed: results.filter { $0.state == .sealed }.count, skipped: results.filter { $0.state == .skipped }.count,
            failed: results.filter { $0.state == .failed }.count, seconds: seconds,
            perSecond: seconds > 0 ? Double(results.filter { $0.state == .sealed }.count) / seconds : 0, results: results)
        if json {
            print(String(decoding: try JSONEncoder.podpis.encode(summary), as: UTF8.self))
        } else {
            for result in results where result.state == .failed {
                FileHandle.standardError.write(Data("podpis: \(result.name): \(result.message?.description ?? "") [\(result.code ?? "")]\n".utf8))
            }
            let line = messages.text("seal-summary", [
                "sealed": summary.sealed, "skipped": summary.skipped, "failed": summary.failed,
                "rate": String(format: "%.1f", summary.perSecond), "out": out,
            ])
            print(line.description)
        }
        if summary.failed > 0 { throw ExitCode(PodpisExit.someFailed) }
    }

    private func fail(_ code: String, _ message: ClerkText, _ exit: Int32) -> ExitCode {
        CommandFailure(code: code, name: code, message: message, exitCode: exit).report(json: json)
    }

    /// Regular files named, and the regular, non-hidden files of directories named, by name.
    static func collect(_ inputs: [String]) throws -> [SealInput] {
        var documents: [SealInput] = []
        var seen = Set<String>()
        for input in inputs {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: input, isDirectory: &isDirectory) else {
                throw ValidationError("no such file or directory: \(input)")
            }
            let paths: [String]
            if isDirectory.boolValue {
                paths = try FileManager.default.contentsOfDirectory(atPath: input).filter { !$0.hasPrefix(".") }.sorted()
                    .map { input + "/" + $0 }
                    .filter { var d: ObjCBool = false; return FileManager.default.fileExists(atPath: $0, isDirectory: &d) && !d.boolValue }
            } else {
                paths = [input]
            }
            for path in paths {
                let name = (path as NSString).lastPathComponent
                guard seen.insert(name).inserted else { throw ValidationError("two documents named \(name): outputs would collide") }
                documents.append(SealInput(name: name, path: path))
            }
        }
        return documents
    }

    /// `pin_prompt`: the seal PIN asked once on the terminal.
    @Sendable static func terminalPrompt() throws -> SecretPIN {
        guard access("/dev/tty", R_OK) == 0 else {
            throw SealError("pin-unavailable", messages.text("pin-prompt-no-terminal"))
        }
        return try PINReader.prompt(messages.text("seal-pin-prompt").description)
    }
}

struct SealSummary: Codable {
    let schema: String
    let profile: String
    let batch: String
    let output: String
    let total: Int
    let sealed: Int
    let skipped: Int
    let failed: Int
    let seconds: Double
    let perSecond: Double
    let results: [SealResult]
}

/// On a terminal a bar with count, rate and ETA (stderr, redrawn);
/// otherwise a plain line every 5 % and when the batch pauses or resumes.
final class ProgressDisplay: Sendable {
    let terminal: Bool
    let started = Date()
    private struct Counts {
        var total = 0, sealed = 0, skipped = 0, failed = 0
        var paused: ClerkText?
        var lastStep = -1
        var lastPaused: ClerkText?
        /// When the bar was last drawn: at most 10 times a second.
        var lastDrawn = Date.distantPast
        var done: Int { sealed + skipped + failed }
    }
    private let counts = Mutex(Counts())

    init(terminal: Bool, total: Int) {
        self.terminal = terminal
        counts.withLock { $0.total = total }
    }

    /// Through podpisd: the total, and what an earlier run already did.
    func begin(total: Int, done: Int) {
        counts.withLock {
            $0.total = total
            $0.skipped = done
        }
        draw()
    }

    /// In this process (--local): the sealer's own progress.
    func show(_ progress: SealProgress) {
        counts.withLock {
            $0.sealed = progress.sealed
            $0.skipped = progress.skipped
            $0.failed = progress.failed
            $0.paused = progress.paused?.message
        }
        draw()
    }

    /// Through podpisd: one document finished.
    func add(_ result: SealResult) {
        counts.withLock {
            switch result.state {
            case .sealed: $0.sealed += 1
            case .skipped: $0.skipped += 1
            case .failed: $0.failed += 1
            }
        }
        draw()
    }

    /// Through podpisd: the batch paused, resumed or stopped.
    func status(_ status: BatchStatus) {
        counts.withLock { $0.paused = (status.stopped ?? status.paused)?.message }
        draw()
    }

    private func draw() {
        counts.withLock { counts in
            let total = counts.total
            let elapsed = Date().timeIntervalSince(started)
            let rate = elapsed > 0 ? Double(counts.done) / elapsed : 0
            let eta = rate > 0 ? Double(total - counts.done) / rate : 0
            let pausedText = counts.paused.map { " " + messages.text("progress-paused", ["reason": $0]).description } ?? ""
            if terminal {
                let now = Date()
                guard counts.done == total || counts.paused != counts.lastPaused || now.timeIntervalSince(counts.lastDrawn) >= 0.1 else { return }
                counts.lastDrawn = now
                counts.lastPaused = counts.paused
                let width = 30
                let filled = total > 0 ? min(width, width * counts.done / total) : width
                let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
                let line = "\r\(bar) \(counts.done)/\(total)  \(String(format: "%.1f", rate))/s  ETA \(Int(eta)) s  ✗ \(counts.failed)\(pausedText)   "
                FileHandle.standardError.write(Data(line.utf8))
                return
            }
            let step = total > 0 ? counts.done * 20 / total : 20
            if step != counts.lastStep || counts.paused != counts.lastPaused {
                counts.lastStep = step
                counts.lastPaused = counts.paused
                FileHandle.standardError.write(Data("seal: \(counts.done)/\(total) sealed=\(counts.sealed) skipped=\(counts.skipped) failed=\(counts.failed) rate=\(String(format: "%.1f", rate))/s\(pausedText)\n".utf8))
            }
        }
    }

    func finish() {
        if terminal { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
