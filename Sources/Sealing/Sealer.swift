import SignatureAlgorithms
import CAdES
import Crypto
import Files
import Foundation
import Localization
import PKCS11
import Signatures
import Signing
import Synchronization
import Timestamping
import XAdES

/// How a seal profile seals.
public struct SealSettings: Sendable {
    public var xml: SealMethod = .xadesEnveloped
    public var other: SealMethod = .cadesDetached
    public var level: BaselineLevel = .bb
    public var digest: HashAlgorithm = .sha256
    public var timeStamp: TimeStampClient?
    /// B-LT and B-LTA: where each seal's validation data comes from (collected once per second of sealing, not per document).
    public var validationData: (any ValidationDataSupplier)?
    public var maxDocumentBytes = 64 << 20
    /// All documents of one batch together.
    public var maxBatchBytes = 16 << 30
    public var xmlLimits = XMLParseLimits()
    public init() {}
}

/// One document to seal: its name (shown, recorded, used for the output)
/// and where its bytes are: a file of its own, or `length` bytes at
/// `offset` in a pack file holding many documents.
public struct SealInput: Sendable, Hashable {
    public let name: String
    public let path: String
    public let offset: Int
    /// nil: the whole file.
    public let length: Int?
    /// The file as it was picked (a hot folder's `lstat`): another file
    /// found under `path` when it is opened is refused (`input-changed`).
    public let expected: InputFile.Identity?
    public init(name: String, path: String, offset: Int = 0, length: Int? = nil, expected: InputFile.Identity? = nil) {
        self.name = name
        self.path = path
        self.offset = offset
        self.length = length
        self.expected = expected
    }

    /// The document's bytes, up to `limit`: opened without following a
    /// symbolic link, and only if it is still the file picked.
    func read(limit: Int) throws -> [UInt8] {
        let file = InputFile(path: path, expected: expected)
        guard let length else {
            let size = try file.size()
            guard size <= limit else { throw SealError.tooLarge(size, limit: limit) }
            return try file.readAll(limit: limit)
        }
        guard length <= limit else { throw SealError.tooLarge(length, limit: limit) }
        return try file.readRange(offset: offset, count: length)
    }

    /// The document's SHA-256 and size, read a chunk at a time and never
    /// held whole: a document refused as too large is still named by its hash.
    public func digest() throws -> (sha256: String, size: Int) {
        let file = InputFile(path: path, expected: expected)
        var hasher = SHA256()
        guard let length else {
            let size = try file.forEachChunk { hasher.update(bufferPointer: $0) }
            return (hasher.finalize().hexString, size)
        }
        var done = 0
        while done < length {
            let count = min(InputFile.chunkSize, length - done)
            hasher.update(data: try file.readRange(offset: offset + done, count: count))
            done += count
        }
        return (hasher.finalize().hexString, length)
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
    /// Durable when it returns; throws (code `audit-unavailable`) when the
    /// line cannot be written, and the seal is then not released.
    func record(_ result: SealResult, key: SealKey, settings: SealSettings) async throws
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
    /// The profile's signature maker, made once for every document.
    let maker: SignatureMaker

    public init(key: SealKey, settings: SealSettings) {
        self.key = key
        self.settings = settings
        maker = SignatureMaker(
            level: settings.level, digest: settings.digest, timeStampClient: settings.timeStamp, validationData: settings.validationData,
            xmlLimits: settings.xmlLimits, maximumAttachedBytes: settings.maxDocumentBytes)
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
    ///
    /// Each worker reads, canonicalizes, signs and writes one document at a
    /// time (at most ``producersPerSession`` per session hold a document in
    /// memory), then waits for its commit while others go on: outputs,
    /// audit lines and journal lines are committed in groups (one directory
    /// fsync, one audit fsync, one journal fsync for every document waiting),
    /// in that order for each document.
    public func seal(
        queue: SealQueue, into directory: String, journal: SealJournal, audit: (any SealAudit)? = nil,
        retryEvery: Duration = .seconds(1), progress: @escaping @Sendable (SealProgress) -> Void = { _ in }
    ) async -> [SealResult] {
        await seal(queue: queue, into: SealOutputFiles(directory: directory), journal: journal, audit: audit, retryEvery: retryEvery, progress: progress)
    }

    /// The same, the seals committed into `outputs`.
    public func seal(
        queue: SealQueue, into outputs: any SealOutputs, journal: SealJournal, audit: (any SealAudit)? = nil,
        retryEvery: Duration = .seconds(1), progress: @escaping @Sendable (SealProgress) -> Void = { _ in }
    ) async -> [SealResult] {
        outputs.prepare()
        let tally = Tally(progress: progress)
        let workers = key.sessions * Self.workersPerSession
        let producing = AsyncSemaphore(permits: key.sessions * Self.producersPerSession)
        await withTaskGroup(of: Void.self) { group in
            for worker in 0..<workers {
                group.addTask {
                    let session = worker % self.key.sessions
                    let key = self.key
                    var signer: Signer?
                    while let (index, input) = await queue.next() {
                        var result: SealResult
                        await producing.acquire()
                        var step: Step
                        while true {
                            do {
                                if signer == nil {
                                    let algorithm = try self.algorithm()
                                    signer = try Signer(certificateDER: key.certificateDER, algorithm: algorithm, sign: { digest in
                                        try await key.sign(digest: digest, algorithm: algorithm, session: session)
                                    })
                                }
                                step = try await self.prepare(input, signer: signer!, into: outputs, journal: journal, audit: audit)
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
                                step = .done(self.failure(input, error))
                                break
                            }
                        }
                        producing.release()
                        switch step {
                        case .done(let done):
                            result = done
                        case .commit(let prepared, let signature):
                            do {
                                result = try await self.commit(prepared, signature: signature, outputs: outputs, journal: journal, audit: audit)
                            } catch {
                                result = self.failure(input, error)
                            }
                        }
                        if result.state == .failed { try? await audit?.record(result, key: key, settings: self.settings) }
                        if result.state == .failed, let sha = result.sha256 {
                            try? await journal.commit(.init(
                                name: input.name, sha256: sha, state: .failed, output: nil, code: result.code, time: Date(), recovered: nil))
                        }
                        await tally.add(result, at: index, total: await queue.count)
                    }
                }
            }
        }
        return await tally.results()
    }

    /// Documents in flight per session: producing, or waiting for their
    /// group commit (which holds no document in memory).
    static let workersPerSession = 32

    /// How long (µs) the output committer waits for more documents before
    /// it starts a batch: fewer fsyncs of the directory, the audit trail and
    /// the journal, for a few milliseconds more per document (hidden by the
    /// documents in flight).
    public static let commitLinger = 10_000

    /// Documents being read, canonicalized, signed and written at once per
    /// session: while one waits for the token, the others prepare.
    static let producersPerSession = 3

    /// Where a document stands after its production.
    enum Step {
        /// Finished: skipped, recovered, or failed.
        case done(SealResult)
        /// Made, to be committed into the outputs.
        case commit(SealResult, [UInt8])
    }

    func algorithm() throws -> SignatureAlgorithm {
        guard let privateKey = key.key else { throw SealError.tokenLost("not open", generation: key.generation) }
        switch privateKey.keyType {
        case .rsa: return .rsaPKCS1v15(settings.digest)
        case .ec: return .ecdsa(settings.digest)
        case .other: throw PKCS11Error(.unsupportedAlgorithm("key type"), function: "seal")
        }
    }

    /// Reads, checks and seals one document (not yet committed).
    private func prepare(
        _ input: SealInput, signer: Signer, into outputs: any SealOutputs, journal: SealJournal, audit: (any SealAudit)?
    ) async throws -> Step {
        let bytes = try input.read(limit: settings.maxDocumentBytes)
        let size = bytes.count
        let sha256 = SHA256.hash(data: bytes).hexString
        let method = method(for: input.name)
        let outputName = method.outputName(for: input.name)
        var result = SealResult(name: input.name, sha256: sha256, size: size, state: .sealed, method: method, output: outputName)

        if let entry = journal.entry(input.name), entry.state == .sealed {
            guard entry.sha256 == sha256 else { throw SealError.nameReused(input.name) }
            result.state = .skipped
            result.recovered = true
            return .done(result)
        }
        if outputs.contains(outputName) {
            // Committed by a run that stopped before its journal line: take it
            // as sealed, complete the audit trail if the line is missing there too.
            result.state = .skipped
            result.recovered = true
            if let audit, await !audit.contains(name: input.name, sha256: sha256) {
                var recorded = result
                recorded.state = .sealed
                try await released(outputName, outputs: outputs) { try await audit.record(recorded, key: key, settings: settings) }
            }
            try await journal.commit(.init(name: input.name, sha256: sha256, state: .sealed, output: outputName, code: nil, time: Date(), recovered: true))
            return .done(result)
        }

        return .commit(result, try await produce(bytes, name: input.name, method: method, signer: signer))
    }

    /// Output, then audit line, then journal line, each durable before the
    /// next, each committed together with other documents'.
    private func commit(
        _ result: SealResult, signature: [UInt8], outputs: any SealOutputs, journal: SealJournal, audit: (any SealAudit)?
    ) async throws -> SealResult {
        let outputName = result.output ?? result.name
        try await outputs.commit(signature, as: outputName, for: result)
        if let audit { try await released(outputName, outputs: outputs) { try await audit.record(result, key: key, settings: settings) } }
        try await journal.commit(.init(name: result.name, sha256: result.sha256 ?? "", state: .sealed, output: result.output, code: nil, time: Date(), recovered: nil))
        return result
    }

    /// No seal is released without its audit line: when the line cannot be
    /// written, the output is withdrawn again and the document fails with
    /// the trail's error (`audit-unavailable`).
    private func released(_ outputName: String, outputs: any SealOutputs, audit record: () async throws -> Void) async throws {
        do {
            try await record()
        } catch {
            await outputs.withdraw(outputName)
            throw error
        }
    }

    private func produce(_ bytes: [UInt8], name: String, method: SealMethod, signer: Signer) async throws -> [UInt8] {
        try await maker.sign(.init(name: name, content: .bytes(bytes)), as: method, signer: signer)
    }

    /// A failed document, with the form it was meant to be sealed in (its
    /// audit line says xades for an XML file that failed, not the other
    /// files' form).
    func failure(_ input: SealInput, _ error: any Error) -> SealResult {
        var result = Self.failure(input, error)
        result.method = method(for: input.name)
        return result
    }

    /// The profile's form for a document: `xml` for an XML file, else `other`.
    func method(for name: String) -> SealMethod {
        SignatureMaker.isXML(name: name) ? settings.xml : settings.other
    }

    static func failure(_ input: SealInput, _ error: any Error) -> SealResult {
        let readable = error as? any ClerkReadableError
        var result = SealResult(name: input.name, state: .failed)
        result.code = readable?.code ?? "seal-failed"
        result.message = readable?.message ?? ClerkText(verbatim: "\(error)")
        if let (sha256, size) = try? input.digest() {
            result.sha256 = sha256
            result.size = size
        }
        return result
    }
}

/// A counting semaphore for tasks: `acquire` suspends (never blocks a thread).
final class AsyncSemaphore: Sendable {
    private struct State {
        var permits: Int
        var waiting: [CheckedContinuation<Void, Never>] = []
    }

    private let state: Mutex<State>

    init(permits: Int) {
        state = Mutex(State(permits: permits))
    }

    func acquire() async {
        if state.withLock({ state -> Bool in
            guard state.permits > 0 else { return false }
            state.permits -= 1
            return true
        }) { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = state.withLock { state -> Bool in
                if state.permits > 0 {
                    state.permits -= 1
                    return true
                }
                state.waiting.append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
    }

    func release() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if !state.waiting.isEmpty { return state.waiting.removeFirst() }
            state.permits += 1
            return nil
        }
        next?.resume()
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
