import Audit
import Crypto
import Files
import Foundation
import Localization
import Logging
import PKCS11
import Sealing
import SignatureAlgorithms
import StationAPI
import Synchronization
import Tar

/// One batch of documents sealed with a profile's seal, kept in its own
/// directory so that it survives podpisd being killed:
///
///     ID/batch.json        owner, profile, closed/cancelled (podpis.batch/1)
///     ID/documents/NAME    each document PUT, as received (fsynced before 201)
///     ID/packs/pack-U.tar  documents of tar uploads, many per file (a tar
///                          of its own: only the entries taken, fsynced before the answer)
///     ID/seals/pack-N.tar  the seals, many per file (``SealPacks``), and
///                          the journal .podpis-seal-journal.jsonl
///
/// Documents stream in while the first ones are sealed; a restart finds
/// what the journal has not recorded and seals it, never anything twice.
public final class SealBatch: Sendable {
    public let id: String
    public let profile: String
    public let owner: BatchOwner
    public let created: Date
    let directory: String
    /// The profile's `max_batch_mib`: all documents held and being received, together.
    public let maxBytes: Int
    let queue = SealQueue()
    private let state: Mutex<State>
    /// fsync of the batch's two directories, shared by every rename into
    /// one of them meanwhile (group commit: a caller returns once an fsync
    /// that began after its call has finished).
    private let documentsSync: GroupCommit<Void>
    private let packsSync: GroupCommit<Void>
    /// The seals made so far, and where new ones go.
    let seals: SealPacks
    let logger = Logger(label: "podpisd.batch")

    struct State {
        var closed = false
        var cancelled = false
        var documents: [String: BatchDocument] = [:]
        var receiving: Set<String> = []
        /// Bytes of the documents held (whatever their state: each is on disk).
        var heldBytes = 0
        /// Bytes announced by uploads under way (a tar entry's size), by name.
        var receivingBytes: [String: Int] = [:]
        var receivingTotal = 0
        var counts: [BatchDocument.State: Int] = [:]
        var paused: BatchStatus.Reason?
        var stopped: BatchStatus.Reason?
        var ended = false
        /// podpisd is stopping: followers are let go without `end` (the batch goes on at the next start).
        var shuttingDown = false
        var subscribers: [UUID: Subscriber] = [:]
        /// Followers of the seals (GET …/seals): each sealed document, then `end`.
        var sealWatchers: [UUID: AsyncStream<SealNotice>.Continuation] = [:]
        var runner: Task<Void, Never>?

        mutating func set(_ document: BatchDocument) {
            if let old = documents[document.name] {
                counts[old.state, default: 0] -= 1
                heldBytes -= old.size
            }
            documents[document.name] = document
            counts[document.state, default: 0] += 1
            heldBytes += document.size
            // Taken: its bytes are held now, no longer announced.
            if let bytes = receivingBytes.removeValue(forKey: document.name) { receivingTotal -= bytes }
        }

        /// Whether `size` more bytes fit under `limit`.
        func fits(_ size: Int, under limit: Int) -> Bool {
            size <= limit - heldBytes - receivingTotal
        }

        /// The upload of `name` ended (taken or not): its announced bytes are no longer counted.
        mutating func stopReceiving(_ name: String) {
            receiving.remove(name)
            if let bytes = receivingBytes.removeValue(forKey: name) { receivingTotal -= bytes }
        }
    }

    struct Subscriber {
        let continuation: AsyncStream<BatchEvent>.Continuation
        /// Wants a `document` event per document (not only status changes).
        let documents: Bool
        func yield(_ event: BatchEvent) { continuation.yield(event) }
    }

    var documentsDirectory: String { directory + "/documents" }
    var packsDirectory: String { directory + "/packs" }
    public var sealsDirectory: String { directory + "/seals" }

    init(manifest: BatchManifest, directory: String, maxBytes: Int) {
        id = manifest.id
        self.maxBytes = maxBytes
        profile = manifest.profile
        owner = manifest.owner
        created = manifest.created
        self.directory = directory
        documentsSync = Self.directorySync(directory + "/documents")
        packsSync = Self.directorySync(directory + "/packs")
        seals = SealPacks(directory: directory + "/seals")
        var state = State()
        state.closed = manifest.closed
        state.cancelled = manifest.cancelled
        self.state = Mutex(state)
    }

    /// A new batch: its directories and manifest, durable.
    static func create(id: String, profile: String, owner: BatchOwner, in parent: String, maxBytes: Int) throws -> SealBatch {
        let directory = parent + "/" + id
        let manifest = BatchManifest(id: id, profile: profile, owner: owner, created: Date(), closed: false, cancelled: false)
        for path in [directory, directory + "/documents", directory + "/packs", directory + "/seals"] {
            guard mkdir(path, 0o700) == 0 else {
                throw StationProblem.internalError("cannot create \(path): \(String(cString: strerror(errno)))")
            }
        }
        let batch = SealBatch(manifest: manifest, directory: directory, maxBytes: maxBytes)
        try batch.writeManifest()
        fsyncDirectory(parent)
        return batch
    }

    /// A batch found on disk at start: its documents, and what its journal
    /// says became of them; the rest is queued again.
    static func load(directory: String, maxBytes: (String) -> Int) throws -> SealBatch {
        let data = Data(try InputFile(path: directory + "/batch.json").readAll(limit: 1 << 20))
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let manifest = try decoder.decode(BatchManifest.self, from: data)
        let batch = SealBatch(manifest: manifest, directory: directory, maxBytes: maxBytes(manifest.profile))
        let journal = try SealJournal(directory: batch.sealsDirectory)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: batch.documentsDirectory)) ?? []
        var queued: [SealInput] = []
        var found: [SealInput] = []
        for name in names.sorted() {
            let path = batch.documentsDirectory + "/" + name
            if name.hasPrefix(".") {
                unlink(path)  // an upload cut by the crash: never acknowledged
                continue
            }
            found.append(SealInput(name: name, path: path))
        }
        // Batches made before packs existed have no packs/.
        mkdir(batch.packsDirectory, 0o700)
        let packs = (try? FileManager.default.contentsOfDirectory(atPath: batch.packsDirectory)) ?? []
        for pack in packs.sorted() {
            let path = batch.packsDirectory + "/" + pack
            if pack.hasPrefix(".") {
                unlink(path)  // a tar upload cut by the crash before its answer
                continue
            }
            do {
                for entry in try Self.packEntries(path) { found.append(SealInput(name: entry.name, path: path, offset: entry.offset, length: entry.size)) }
            } catch {
                batch.logger.error("batch \(manifest.id): cannot read \(path): \(error)")
            }
        }
        var seen: Set<String> = []
        for input in found where seen.insert(input.name).inserted {
            let name = input.name
            let size = input.length ?? Int((try? InputFile(path: input.path).size()) ?? 0)
            var document: BatchDocument
            if let entry = journal.entry(name) {
                document = BatchDocument(name: name, size: size, sha256: entry.sha256, state: entry.state == .sealed ? .sealed : .failed)
                document.output = entry.output
                document.code = entry.code
                document.recovered = entry.recovered
                if entry.state != .sealed {
                    document.message = messages.text("not-sealed-before-restart", ["code": entry.code ?? "seal-failed"])
                }
            } else {
                let sha256 = (try? input.digest().sha256) ?? ""
                document = BatchDocument(name: name, size: size, sha256: sha256, state: manifest.cancelled ? .cancelled : .queued)
                if !manifest.cancelled { queued.append(input) }
            }
            batch.state.withLock { $0.set(document) }
        }
        let queue = batch.queue
        let closed = manifest.closed || manifest.cancelled
        Task {
            for input in queued { await queue.add(input) }
            if closed { await queue.finish() }
        }
        return batch
    }

    /// The documents in a pack (regular entries, with where their data is).
    static func packEntries(_ path: String) throws -> [TarEntry] {
        var reader = TarReader()
        var entries: [TarEntry] = []
        try InputFile(path: path).forEachChunk { chunk in
            for event in try reader.feed(chunk) {
                if case .entry(let entry) = event, entry.kind == .file { entries.append(entry) }
            }
        }
        try reader.finish()
        return entries
    }

    private func writeManifest() throws {
        let manifest = state.withLock {
            BatchManifest(id: id, profile: profile, owner: owner, created: created, closed: $0.closed, cancelled: $0.cancelled)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        let file = try AtomicOutputFile(path: directory + "/batch.json", replacing: true, mode: 0o600)
        try file.write(Array(try encoder.encode(manifest)))
        try file.commit()
    }

    // MARK: Documents

    /// Where an upload is spooled before it is accepted (same file system: renamed into place).
    public func spoolPath() -> String {
        documentsDirectory + "/.upload-\(UUID().uuidString.lowercased()).tmp"
    }

    /// Reserves a name for an upload; nil when the same document is already
    /// in (the upload is then only checked against it).
    public func reserve(_ name: String) throws(StationProblem) -> BatchDocument? {
        try state.withLock { state throws(StationProblem) -> BatchDocument? in
            if let existing = state.documents[name] { return existing }
            guard !state.closed, !state.cancelled else { throw SealBatchProblem.closed }
            guard !state.receiving.contains(name) else { throw SealBatchProblem.uploading(name) }
            state.receiving.insert(name)
            return nil
        }
    }

    /// Counts `size` bytes for a name reserved by a tar upload (its entry's
    /// size, known before its data) against `max_batch_mib`; refused when
    /// the batch's documents and the uploads under way would go over it.
    public func count(_ size: Int, for name: String) throws(StationProblem) {
        try state.withLock { state throws(StationProblem) in
            let announced = state.receivingBytes[name] ?? 0
            guard state.fits(size - announced, under: maxBytes) else { throw SealBatchProblem.batchTooLarge(maxBytes) }
            state.receivingBytes[name] = size
            state.receivingTotal += size - announced
        }
    }

    /// Gives back a name reserved by an upload that failed.
    public func release(_ name: String) {
        if doneReceiving(name) { Task { await queue.finish() } }
    }

    /// The upload of `name` ended; true when the batch is closed and this
    /// was the last one under way (the queue may be finished now).
    private func doneReceiving(_ name: String) -> Bool {
        state.withLock { state in
            state.stopReceiving(name)
            return state.closed && state.receiving.isEmpty
        }
    }

    /// An upload's file fsynced and renamed to its place (off the cooperative pool).
    private static func place(_ spooled: String, at target: String) async throws {
        try await BatchIO.run {
            let fd = open(spooled, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
            guard fd >= 0, fsync(fd) == 0 else {
                if fd >= 0 { Glibc.close(fd) }
                throw StationProblem.internalError("cannot fsync the upload")
            }
            Glibc.close(fd)
            guard rename(spooled, target) == 0 else { throw StationProblem.internalError("cannot move the upload: \(String(cString: strerror(errno)))") }
        }
    }

    /// Accepts a spooled upload: fsynced, renamed into documents/, the
    /// directory fsynced, then queued. Only then is the upload acknowledged.
    public func accept(name: String, spooled: String, size: Int, sha256: String) async throws -> BatchDocument {
        let target = documentsDirectory + "/" + name
        do {
            // A PUT's size is known once spooled: it too must fit the batch.
            try count(size, for: name)
            try await Self.place(spooled, at: target)
            // The rename is durable once the directory is: one fsync for the uploads that arrive together.
            try? await documentsSync.commit(())
        } catch {
            unlink(spooled)
            release(name)
            throw error
        }
        var document = BatchDocument(name: name, size: size, sha256: sha256, state: .queued)
        state.withLock { $0.set(document) }
        await queue.add(SealInput(name: name, path: target))
        // Closed meanwhile: the queue is finished once the last upload under way is in.
        if doneReceiving(name) { await queue.finish() }
        // Cancelled meanwhile: it will not be sealed.
        state.withLock { state in
            if state.cancelled, state.documents[name]?.state == .queued {
                document.state = .cancelled
                state.set(document)
            }
        }
        return document
    }

    /// Where a tar upload writes the documents it takes, before they are accepted.
    public func packSpoolPath() -> String {
        packsDirectory + "/.pack-\(UUID().uuidString.lowercased()).tmp"
    }

    /// A document inside a pack being written.
    public struct PackedDocument: Sendable {
        public let name: String
        public let offset: Int
        public let size: Int
        public let sha256: String
        public init(name: String, offset: Int, size: Int, sha256: String) {
            self.name = name
            self.offset = offset
            self.size = size
            self.sha256 = sha256
        }
    }

    /// Accepts a pack of documents (their names reserved): fsynced, renamed
    /// to packs/pack-U.tar, the directory fsynced, then every document in it
    /// queued. Only then is the upload answered.
    public func accept(pack spooled: String, documents packed: [PackedDocument]) async throws -> [BatchDocument] {
        let name = URL(fileURLWithPath: spooled).lastPathComponent
        let target = packsDirectory + "/" + String(name.dropFirst().dropLast(".tmp".count)) + ".tar"
        do {
            try await Self.place(spooled, at: target)
            try? await packsSync.commit(())
        } catch {
            unlink(spooled)
            for document in packed { release(document.name) }
            throw error
        }
        var accepted: [BatchDocument] = []
        for document in packed {
            let queuedDocument = BatchDocument(name: document.name, size: document.size, sha256: document.sha256, state: .queued)
            state.withLock { $0.set(queuedDocument) }
            await queue.add(SealInput(name: document.name, path: target, offset: document.offset, length: document.size))
            accepted.append(queuedDocument)
        }
        // Closed meanwhile: the queue is finished once the last upload under way is in.
        var finish = false
        for document in packed where doneReceiving(document.name) { finish = true }
        if finish { await queue.finish() }
        // Cancelled meanwhile: they will not be sealed.
        return state.withLock { state in
            accepted.map { document in
                guard state.cancelled, state.documents[document.name]?.state == .queued else { return document }
                var cancelled = document
                cancelled.state = .cancelled
                state.set(cancelled)
                return cancelled
            }
        }
    }

    public func document(_ name: String) -> BatchDocument? { state.withLock { $0.documents[name] } }

    public func documents() -> [BatchDocument] {
        state.withLock { $0.documents.values.sorted { $0.name < $1.name } }
    }

    /// The seal of a document, and the document.
    /// `sealSHA256`: the SHA-256 recorded for the seal when it was committed
    /// (nil for a seal kept as a file of its own, which has no record).
    public func seal(_ name: String) throws -> (bytes: [UInt8], document: BatchDocument, sealSHA256: String?) {
        let (document, location) = try sealed(name)
        guard let location else { return (try legacySeal(document), document, nil) }
        let (bytes, sealSHA256) = try seals.sealWithRecord(at: location)
        return (bytes, document, sealSHA256)
    }

    /// The seal of a sealed document as one tar entry of the seal stream:
    /// named as its output, with the ``SealStreamRecord`` records.
    public func sealEntry(_ document: BatchDocument) throws -> [UInt8] {
        guard let output = document.output else { throw SealBatchProblem.notSealed(document.name, state: document.state) }
        if let location = seals.location(output) { return try seals.entry(at: location) }
        let bytes = try legacySeal(document)
        var records = [SealStreamRecord.document: document.name, SealStreamRecord.sha256: document.sha256, SealStreamRecord.size: String(document.size)]
        if let method = document.method { records[SealStreamRecord.method] = method.rawValue }
        records[SealStreamRecord.sealSHA256] = SHA256.hash(data: bytes).hexString
        return TarWriter.entry(name: output, data: bytes, mtime: Int(Date().timeIntervalSince1970), pax: records)
    }

    private func sealed(_ name: String) throws(StationProblem) -> (BatchDocument, SealPacks.Location?) {
        guard let document = document(name) else { throw StationProblem.notFound }
        guard document.state == .sealed, let output = document.output else { throw SealBatchProblem.notSealed(name, state: document.state) }
        return (document, seals.location(output))
    }

    /// A seal kept as a file of its own (batches sealed before packs existed).
    private func legacySeal(_ document: BatchDocument) throws -> [UInt8] {
        let path = sealsDirectory + "/" + (document.output ?? document.name)
        guard let bytes = try? InputFile(path: path).readAll(limit: 1 << 30) else {
            throw StationProblem.internalError("the seal of \(document.name) is missing")
        }
        return bytes
    }

    // MARK: State

    public func status() -> BatchStatus { state.withLock { status(of: $0) } }

    private func status(of state: State) -> BatchStatus {
        let queued = state.counts[.queued, default: 0]
        let name: BatchStatus.State
        if state.cancelled {
            name = .cancelled
        } else if state.stopped != nil {
            name = .stopped
        } else if state.paused != nil {
            name = .paused
        } else if queued > 0 || !state.receiving.isEmpty {
            name = .sealing
        } else if state.closed {
            name = .done
        } else {
            name = .open
        }
        return BatchStatus(
            state: name, id: id, profile: profile, owner: owner, created: created, closed: state.closed || state.cancelled,
            total: state.documents.count, queued: queued, sealed: state.counts[.sealed, default: 0],
            failed: state.counts[.failed, default: 0], cancelled: state.counts[.cancelled, default: 0],
            paused: state.paused, stopped: state.stopped)
    }

    /// No more documents: the batch is done when the queued ones are.
    public func close() async throws {
        let (changed, finish) = state.withLock { state -> (Bool, Bool) in
            guard !state.closed else { return (false, false) }
            state.closed = true
            return (true, state.receiving.isEmpty)
        }
        if changed {
            try writeManifest()
            publishStatus()
            // Uploads under way are still taken; the last one finishes the queue.
            if finish { await queue.finish() }
        }
    }

    /// Stops: queued documents are not sealed (those being sealed finish).
    public func cancel() async throws {
        let changed = state.withLock { state -> Bool in
            guard !state.cancelled else { return false }
            state.cancelled = true
            state.closed = true
            return true
        }
        guard changed else { return }
        try writeManifest()
        await queue.cancel()
        publishStatus()
    }

    // MARK: Events

    /// The batch's events: its status now, then documents and changes; ends with `end`.
    /// `documents: false`: status changes and `end` only, no event per document.
    public func subscribe(documents: Bool = true) -> AsyncStream<BatchEvent> {
        let (stream, continuation) = AsyncStream<BatchEvent>.makeStream(bufferingPolicy: .bufferingNewest(10_000))
        let key = UUID()
        state.withLock { state in
            let status = status(of: state)
            continuation.yield(Self.event("status", status))
            if state.ended {
                continuation.yield(Self.event("end", status))
                continuation.finish()
            } else {
                state.subscribers[key] = Subscriber(continuation: continuation, documents: documents)
            }
        }
        continuation.onTermination = { [weak self] _ in self?.state.withLock { _ = $0.subscribers.removeValue(forKey: key) } }
        return stream
    }

    /// What a follower of the seals hears.
    public enum SealNotice: Sendable {
        case sealed(BatchDocument)
        /// The batch is over (done or cancelled): no more seals.
        case end
    }

    /// Every document sealed so far (by name), then each one as it is
    /// sealed, then `end` when the batch is over. The stream finishes
    /// without `end` when podpisd stops first (the batch goes on later).
    /// `follow: false`: only those sealed now, then `end`.
    public func seals(follow: Bool = true) -> AsyncStream<SealNotice> {
        let (stream, continuation) = AsyncStream<SealNotice>.makeStream()
        let key = UUID()
        state.withLock { state in
            for document in state.documents.values.sorted(by: { $0.name < $1.name }) where document.state == .sealed {
                continuation.yield(.sealed(document))
            }
            if state.ended || !follow {
                continuation.yield(.end)
                continuation.finish()
            } else {
                state.sealWatchers[key] = continuation
            }
        }
        continuation.onTermination = { [weak self] _ in self?.state.withLock { _ = $0.sealWatchers.removeValue(forKey: key) } }
        return stream
    }

    static func event<T: Encodable>(_ name: String, _ value: T) -> BatchEvent {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return BatchEvent(name: name, data: (try? encoder.encode(value)) ?? Data("{}".utf8))
    }

    private func publishStatus() {
        state.withLock { state in
            let event = Self.event("status", status(of: state))
            for subscriber in state.subscribers.values { subscriber.yield(event) }
        }
    }

    // MARK: Sealing

    /// Seals the queue with the profile's key until the batch is closed and
    /// empty, or cancelled. While the key cannot be opened (token away) the
    /// batch is paused and tries again every `retryEvery`.
    func start(keys: SealKeys, audit: AuditTrail?, retryEvery: Duration) {
        state.withLock { state in
            guard state.runner == nil else { return }
            state.runner = Task { await self.run(keys: keys, audit: audit, retryEvery: retryEvery) }
        }
    }

    /// The batch paused because its seal key cannot be opened, with why
    /// (its closing full stop left to the sentence).
    private static func keyUnavailable(_ reason: ClerkText) -> BatchStatus.Reason {
        func trimmed(_ text: String) -> String { text.hasSuffix(".") ? String(text.dropLast()) : text }
        return .init(code: "token-absent", message: messages.text("seal-key-unavailable", [
            "reason": ClerkText(pl: trimmed(reason.pl), en: trimmed(reason.en)),
        ]))
    }

    private func run(keys: SealKeys, audit: AuditTrail?, retryEvery: Duration) async {
        var opened: SealKey?
        while opened == nil {
            if state.withLock({ $0.cancelled }) || Task.isCancelled { break }
            do {
                opened = try await keys.key(profile)
                setPaused(nil)
            } catch let error as PKCS11Error {
                guard SealKeys.isPINRejection(error) else {
                    setPaused(Self.keyUnavailable(error.message))
                    try? await Task.sleep(for: retryEvery)
                    continue
                }
                setStopped(.init(code: error.code, message: messages.text("seal-pin-rejected", ["message": error.message])))
                return
            } catch let error as StationProblem where error.code == "unknown-profile" {
                setStopped(.init(code: error.code, message: error.message))
                return
            } catch {
                setPaused(Self.keyUnavailable((error as? any ClerkReadableError)?.message ?? ClerkText(verbatim: "\(error)")))
                try? await Task.sleep(for: retryEvery)
            }
        }
        if let key = opened, let profile = keys.profiles[profile] {
            do {
                let journal = try SealJournal(directory: sealsDirectory)
                let requester = Requester(transport: .local, origin: owner.origin, uid: owner.uid)
                let auditor = audit.map { SealAuditTrail(trail: $0, requester: requester, batch: "batch:\(id)") }
                _ = await Sealer(key: key, settings: profile.settings).seal(
                    queue: queue, into: seals, journal: journal, audit: auditor, retryEvery: retryEvery
                ) { [weak self] progress in self?.update(progress) }
            } catch {
                setStopped(.init(code: "journal", message: messages.text("journal-unwritable", ["error": "\(error)"])))
                return
            }
        }
        end()
    }

    private func update(_ progress: SealProgress) {
        let paused = progress.paused.map { BatchStatus.Reason(code: $0.code, message: $0.message) }
        if paused != state.withLock({ $0.paused }) {
            if let paused { logger.warning("batch \(id) paused: \(paused.code): \(paused.message.en)") } else { logger.info("batch \(id) resumed") }
        }
        state.withLock { state in
            if paused != state.paused {
                state.paused = paused
                let event = Self.event("status", status(of: state))
                for subscriber in state.subscribers.values { subscriber.yield(event) }
            }
            guard let result = progress.last, var document = state.documents[result.name] else { return }
            document.state = result.state == .failed ? .failed : .sealed
            document.output = result.output
            document.method = result.method
            document.code = result.code
            document.message = result.message
            document.recovered = result.recovered
            state.set(document)
            if document.state == .sealed {
                for watcher in state.sealWatchers.values { watcher.yield(.sealed(document)) }
            }
            // JSON only for those who want it.
            guard state.subscribers.values.contains(where: \.documents) else { return }
            let status = status(of: state)
            let event = Self.event("document", BatchDocumentEvent(
                document: document, total: status.total, queued: status.queued, sealed: status.sealed, failed: status.failed))
            for subscriber in state.subscribers.values where subscriber.documents { subscriber.yield(event) }
        }
    }

    private func setPaused(_ reason: BatchStatus.Reason?) {
        let changed = state.withLock { state -> Bool in
            guard state.paused != reason else { return false }
            state.paused = reason
            let event = Self.event("status", status(of: state))
            for subscriber in state.subscribers.values { subscriber.yield(event) }
            return true
        }
        if changed, let reason { logger.warning("batch \(id) paused: \(reason.code): \(reason.message.en)") }
        if changed, reason == nil { logger.info("batch \(id) resumed") }
    }

    private func setStopped(_ reason: BatchStatus.Reason) {
        logger.error("batch \(id) stopped: \(reason.code): \(reason.message.en)")
        state.withLock { state in
            state.stopped = reason
            state.paused = nil
            let event = Self.event("status", status(of: state))
            for subscriber in state.subscribers.values { subscriber.yield(event) }
        }
    }

    /// Done or cancelled: what is still queued is cancelled; `end` to every follower.
    /// At shutdown the followers are let go without `end`: the batch is not over.
    private func end() {
        let (followers, watchers) = state.withLock { state in
            if state.shuttingDown && !state.cancelled { return (state.subscribers, state.sealWatchers) }
            if state.cancelled {
                for document in state.documents.values where document.state == .queued {
                    var cancelled = document
                    cancelled.state = .cancelled
                    state.set(cancelled)
                }
            }
            state.ended = true
            let event = Self.event("end", status(of: state))
            for subscriber in state.subscribers.values { subscriber.yield(event) }
            for watcher in state.sealWatchers.values { watcher.yield(.end) }
            return (state.subscribers, state.sealWatchers)
        }
        // Outside the lock: finishing runs their onTermination, which takes it.
        for subscriber in followers.values { subscriber.continuation.finish() }
        for watcher in watchers.values { watcher.finish() }
    }

    /// Waits for the sealing to stop (after cancel(), or at shutdown).
    func stop(shutdown: Bool = false) async {
        if shutdown { state.withLock { $0.shuttingDown = true } }
        await queue.cancel()
        let runner = state.withLock { $0.runner }
        runner?.cancel()
        await runner?.value
        if shutdown {
            // A stopped or never started batch has no runner to end its followers.
            let (followers, watchers) = state.withLock { ($0.subscribers, $0.sealWatchers) }
            for follower in followers.values { follower.continuation.finish() }
            for watcher in watchers.values { watcher.finish() }
        }
    }

    /// A batch found done or cancelled at start: nothing to run, its followers get `end` at once.
    func markEnded() {
        state.withLock { $0.ended = true }
    }

    func waitUntilStopped() async {
        let runner = state.withLock { $0.runner }
        await runner?.value
    }
}

/// fsync of a directory, so that a rename in it survives a power cut.
func fsyncDirectory(_ path: String) {
    let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard fd >= 0 else { return }
    fsync(fd)
    close(fd)
}

extension SealBatch {
    /// One fsync of `path` for every caller waiting meanwhile.
    static func directorySync(_ path: String) -> GroupCommit<Void> {
        GroupCommit(label: "podpis.batch.dirsync") { items in
            fsyncDirectory(path)
            return items.map { _ in nil }
        }
    }
}
