import CAdES
import Crypto
import Files
import Foundation
import Localization
import PKCS11
import Signing
import Timestamping
import XAdES

/// How a seal profile seals.
public struct SealSettings: Sendable {
    public var xml: SealMethod = .xadesEnveloped
    public var other: SealMethod = .cadesDetached
    public var level: BaselineLevel = .bb
    public var digest: DigestAlgorithm = .sha256
    public var timeStamp: TimeStampClient?
    public var maxDocumentBytes = 64 << 20
    public var xmlLimits = XMLParseLimits()
    public init() {}
}

/// One document to seal: its name (shown, recorded, used for the output)
/// and where its bytes are.
public struct SealInput: Sendable, Hashable {
    public let name: String
    public let path: String
    public init(name: String, path: String) {
        self.name = name
        self.path = path
    }
}

/// What became of one document.
public struct SealResult: Sendable, Codable, Equatable {
    public enum State: String, Sendable, Codable { case sealed, skipped, failed }
    public let name: String
    public var sha256: String?
    public var size: Int?
    public var state: State
    public var method: SealMethod?
    public var output: String?
    public var code: String?
    public var message: ClerkText?
    /// Already sealed by an earlier run (skipped), or found sealed on resume.
    public var recovered: Bool?
}

/// Progress, after each document and when the batch pauses or resumes.
public struct SealProgress: Sendable {
    /// Documents added so far (a streamed batch grows).
    public let total: Int
    public let sealed: Int
    public let skipped: Int
    public let failed: Int
    /// Why the batch waits (token-absent…), nil while it runs.
    public let paused: SealError?
    /// The document just finished (nil for a pause or a resume).
    public let last: SealResult?
    public var done: Int { sealed + skipped + failed }
}

/// The audit trail, as the sealer needs it.
public protocol SealAudit: Sendable {
    func record(_ result: SealResult, key: SealKey, settings: SealSettings) async
    /// Whether a sealed line for this document is already in the trail.
    func contains(name: String, sha256: String) async -> Bool
}

/// Seals documents with the seal key as fast as the token allows: a few
/// workers per session of the key, so that reading, hashing and
/// canonicalizing one document overlaps the token signing another; each
/// output committed atomically, then audited, then journaled. A document
/// that fails does not stop the others; a token that goes away pauses all
/// until it is back and logged in again.
public final class Sealer: Sendable {
    public let key: SealKey
    public let settings: SealSettings

    public init(key: SealKey, settings: SealSettings) {
        self.key = key
        self.settings = settings
    }

    /// Seals `inputs` into `directory`; the results in input order.
    public func seal(
        _ inputs: [SealInput], into directory: String, journal: SealJournal, audit: (any SealAudit)? = nil,
        retryEvery: Duration = .seconds(1), progress: @escaping @Sendable (SealProgress) -> Void = { _ in }
    ) async -> [SealResult] {
        await seal(queue: SealQueue(inputs, finished: true), into: directory, journal: journal, audit: audit, retryEvery: retryEvery, progress: progress)
    }

    /// Seals what `queue` hands out until it is finished (or cancelled) and
    /// empty; the results in the order the documents were added.
    public func seal(
        queue: SealQueue, into directory: String, journal: SealJournal, audit: (any SealAudit)? = nil,
        retryEvery: Duration = .seconds(1), progress: @escaping @Sendable (SealProgress) -> Void = { _ in }
    ) async -> [SealResult] {
        Self.removeStaleTemporaries(in: directory)
        let tally = Tally(progress: progress)
        let workers = key.lanes * Self.workersPerLane
        await withTaskGroup(of: Void.self) { group in
            for worker in 0..<workers {
                group.addTask {
                    let lane = worker % self.key.lanes
                    let key = self.key
                    var signer: Signer?
                    while let (index, input) = await queue.next() {
                        var result: SealResult
                        while true {
                            do {
                                if signer == nil {
                                    let algorithm = try self.algorithm()
                                    signer = try Signer(certificateDER: key.certificateDER, algorithm: algorithm, sign: { digest in
                                        try await key.sign(digest: digest, algorithm: algorithm, lane: lane)
                                    })
                                }
                                result = try await self.sealOne(input, signer: signer!, into: directory, journal: journal, audit: audit)
                                break
                            } catch let error as SealError where error.code == "token-absent" {
                                await tally.pause(error)
                                let watch = Task {
                                    // Say why, if the token refuses the PIN while the key is recovered.
                                    while !Task.isCancelled {
                                        if let refused = key.loginRefused { await tally.explain(refused) }
                                        try? await Task.sleep(for: retryEvery)
                                    }
                                }
                                await key.recover(after: error.generation, retryEvery: retryEvery)
                                watch.cancel()
                                await tally.resume()
                            } catch {
                                result = Self.failure(input, error)
                                break
                            }
                        }
                        if result.state == .failed { await audit?.record(result, key: key, settings: self.settings) }
                        if result.state == .failed, let sha = result.sha256 {
                            try? journal.record(.init(
                                name: input.name, sha256: sha, state: "failed", output: nil, code: result.code, time: Date(), recovered: nil))
                        }
                        await tally.add(result, at: index, total: await queue.count)
                    }
                }
            }
        }
        return await tally.results()
    }

    /// Workers per session: while one waits for the token, the others read,
    /// canonicalize, hash and write.
    static let workersPerLane = 3

    func algorithm() throws -> SignatureAlgorithm {
        guard let privateKey = key.key else { throw SealError.tokenLost("not open", generation: key.generation) }
        switch privateKey.keyType {
        case .rsa: return .rsaPKCS1v15(settings.digest.pkcs11)
        case .ec: return .ecdsa(settings.digest.pkcs11)
        case .other: throw PKCS11Error(.unsupportedAlgorithm("key type"), function: "seal")
        }
    }

    /// Temporary outputs of a run that was killed (`.NAME.podpis-PID-N.tmp`
    /// whose process is gone): never committed, so never a result.
    static func removeStaleTemporaries(in directory: String) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        for name in names where name.hasPrefix(".") && name.hasSuffix(".tmp") {
            guard let range = name.range(of: ".podpis-", options: .backwards),
                let pid = Int32(name[range.upperBound...].split(separator: "-").first ?? ""), pid != getpid()
            else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH { unlink(directory + "/" + name) }
        }
    }

    static func isXML(_ name: String) -> Bool {
        MediaType.guess(fileName: name).hasSuffix("xml")
    }

    private func sealOne(
        _ input: SealInput, signer: Signer, into directory: String, journal: SealJournal, audit: (any SealAudit)?
    ) async throws -> SealResult {
        let file = InputFile(path: input.path)
        let size = try file.size()
        guard size <= settings.maxDocumentBytes else { throw SealError.tooLarge(size, limit: settings.maxDocumentBytes) }
        let bytes = try file.readAll(limit: settings.maxDocumentBytes)
        let sha256 = SHA256.hash(data: bytes).hexString
        let method = Self.isXML(input.name) ? settings.xml : settings.other
        let outputName = method.outputName(for: input.name)
        let outputPath = directory + "/" + outputName
        var result = SealResult(name: input.name, sha256: sha256, size: size, state: .sealed, method: method, output: outputName)

        if let entry = journal.entry(input.name), entry.state == "sealed" {
            guard entry.sha256 == sha256 else { throw SealError.nameReused(input.name) }
            result.state = .skipped
            result.recovered = true
            return result
        }
        if access(outputPath, F_OK) == 0 {
            // Committed by a run that stopped before its journal line: take it
            // as sealed, complete the audit trail if the line is missing there too.
            result.state = .skipped
            result.recovered = true
            if let audit, await !audit.contains(name: input.name, sha256: sha256) {
                var recorded = result
                recorded.state = .sealed
                await audit.record(recorded, key: key, settings: settings)
            }
            try journal.record(.init(name: input.name, sha256: sha256, state: "sealed", output: outputName, code: nil, time: Date(), recovered: true))
            return result
        }

        let signature = try await produce(bytes, name: input.name, path: input.path, method: method, signer: signer)
        let output = try AtomicOutputFile(path: outputPath)
        try output.write(signature)
        try output.commit()
        if let audit { await audit.record(result, key: key, settings: settings) }
        try journal.record(.init(name: input.name, sha256: sha256, state: "sealed", output: outputName, code: nil, time: Date(), recovered: nil))
        return result
    }

    private func produce(_ bytes: [UInt8], name: String, path: String, method: SealMethod, signer: Signer) async throws -> [UInt8] {
        let mimeType = MediaType.guess(fileName: name)
        switch method {
        case .xadesEnveloped, .xadesEnveloping, .xadesDetached:
            let options = XAdESOptions(packaging: method.packaging, level: settings.level, digest: settings.digest, timeStampClient: settings.timeStamp)
            switch method {
            case .xadesEnveloped:
                let document = try XMLDocument.parse(bytes: bytes, name: name, limits: settings.xmlLimits)
                return try await XAdES.signEnveloped(document, signer: signer, options: options)
            case .xadesEnveloping where Self.isXML(name):
                let document = try XMLDocument.parse(bytes: bytes, name: name, limits: settings.xmlLimits)
                return try await XAdES.signEnveloping(xml: document, signer: signer, options: options)
            case .xadesEnveloping:
                return try await XAdES.signEnveloping(file: .init(name: name, file: InputFile(path: path), mimeType: mimeType), signer: signer, options: options)
            default:
                return try await XAdES.signDetached(
                    [.init(name: name, digest: settings.digest.digest(bytes), mimeType: mimeType)], signer: signer, options: options)
            }
        case .cadesDetached, .cadesAttached:
            let options = CAdESOptions(level: settings.level, digest: settings.digest, timeStampClient: settings.timeStamp)
            return try await CAdES.signedData(
                contentDigest: settings.digest.digest(bytes), content: method == .cadesAttached ? bytes : nil, signer: signer, options: options)
        }
    }

    static func failure(_ input: SealInput, _ error: any Error) -> SealResult {
        let readable = error as? any ClerkReadableError
        var result = SealResult(name: input.name, state: .failed)
        result.code = readable?.code ?? "seal-failed"
        result.message = readable?.message ?? ClerkText(pl: "\(error)", en: "\(error)")
        if let data = FileManager.default.contents(atPath: input.path) {
            result.sha256 = SHA256.hash(data: data).hexString
            result.size = data.count
        }
        return result
    }
}

/// Results in input order, counts, progress.
actor Tally {
    private var finished: [Int: SealResult] = [:]
    private var sealed = 0, skipped = 0, failed = 0
    private var pausedBy = 0
    private var reason: SealError?
    private var total = 0
    let progress: @Sendable (SealProgress) -> Void

    init(progress: @escaping @Sendable (SealProgress) -> Void) {
        self.progress = progress
    }

    func add(_ result: SealResult, at index: Int, total: Int) {
        self.total = total
        finished[index] = result
        switch result.state {
        case .sealed: sealed += 1
        case .skipped: skipped += 1
        case .failed: failed += 1
        }
        report(result)
    }

    func pause(_ why: SealError) {
        pausedBy += 1
        if reason == nil {
            reason = why
            report(nil)
        }
    }

    /// A better reason for the pause under way.
    func explain(_ why: SealError) {
        guard reason != nil, reason?.code != why.code else { return }
        reason = why
        report(nil)
    }

    func resume() {
        pausedBy -= 1
        if pausedBy == 0, reason != nil {
            reason = nil
            report(nil)
        }
    }

    private func report(_ last: SealResult?) {
        progress(SealProgress(total: total, sealed: sealed, skipped: skipped, failed: failed, paused: reason, last: last))
    }

    func results() -> [SealResult] { finished.keys.sorted().map { finished[$0]! } }
}
