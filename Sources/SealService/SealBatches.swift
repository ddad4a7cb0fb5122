import Audit
import Foundation
import Logging
import Sealing
import StationAPI

/// Every seal batch of podpisd, kept under `batch_dir` (one directory per
/// batch) until its owner deletes it, and taken up again after a restart.
public actor SealBatches {
    public nonisolated let directory: String
    public nonisolated let keys: SealKeys
    let audit: AuditTrail?
    let policy: @Sendable (String) -> SigningPolicy
    let retryEvery: Duration
    private var batches: [String: SealBatch] = [:]
    let logger = Logger(label: "podpisd.batches")
    static let perOwner = 100

    public init(
        directory: String, keys: SealKeys, audit: AuditTrail?, retryEvery: Duration = .seconds(1),
        policy: @escaping @Sendable (String) -> SigningPolicy
    ) {
        self.directory = directory
        self.keys = keys
        self.audit = audit
        self.retryEvery = retryEvery
        self.policy = policy
    }

    /// Finds the batches of an earlier run and resumes those not finished.
    public func load() {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            logger.error("cannot create the batch directory \(directory): \(error)")
            return
        }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        // Batches deleted while podpisd was stopping: finish removing them.
        for name in names where name.hasPrefix(".deleted-") {
            try? FileManager.default.removeItem(atPath: directory + "/" + name)
        }
        for name in names.sorted() where UUID(uuidString: name) != nil {
            do {
                let batch = try SealBatch.load(directory: directory + "/" + name, maxBytes: maxBytes(of:))
                batches[batch.id] = batch
                let status = batch.status()
                if status.state == .done || status.state == .cancelled {
                    batch.markEnded()
                    continue
                }
                logger.info("batch \(batch.id) (\(batch.profile)): resuming, \(status.queued) of \(status.total) documents to seal")
                batch.start(keys: keys, audit: audit, retryEvery: retryEvery)
            } catch {
                logger.error("batch \(name) cannot be read: \(error)")
            }
        }
    }

    /// A new batch of `profile` owned by the requester.
    public func create(profile: String, requester: Requester) throws -> SealBatch {
        guard let found = keys.profiles[profile] else {
            throw SealBatchProblem.unknownProfile(profile, known: keys.profiles.keys.sorted())
        }
        let rule = policy(found.certificate)
        // Sealing asks nobody: a web page may seal only when the seal's policy names it.
        if requester.origin != nil, rule.origins == nil { throw SealBatchProblem.webPageNotAllowed }
        try rule.admit(requester, documents: 0, holder: "[seal.\(profile)]")
        let owner = BatchOwner(requester)
        guard batches.values.filter({ $0.owner == owner }).count < Self.perOwner else { throw SealBatchProblem.tooManyBatches }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let batch = try SealBatch.create(
            id: UUID().uuidString.lowercased(), profile: profile, owner: owner, in: directory, maxBytes: maxBytes(of: profile))
        batches[batch.id] = batch
        batch.start(keys: keys, audit: audit, retryEvery: retryEvery)
        logger.info("batch \(batch.id) (\(profile)) created by \(requester.summary)")
        return batch
    }

    /// The profile's `max_batch_mib` (a profile gone from the configuration: the default).
    nonisolated func maxBytes(of profile: String) -> Int {
        keys.profiles[profile]?.settings.maxBatchBytes ?? SealSettings().maxBatchBytes
    }

    /// The requester's batch; someone else's is not found.
    public func batch(_ id: String, for requester: Requester) throws(StationProblem) -> SealBatch {
        guard let batch = batches[id.lowercased()], batch.owner.owns(requester) else { throw SealBatchProblem.notFound }
        return batch
    }

    public func list(for requester: Requester) -> [BatchStatus] {
        batches.values.filter { $0.owner.owns(requester) }.map { $0.status() }.sorted { $0.created < $1.created }
    }

    /// Cancels the batch if it runs, then removes it with its files.
    public func delete(_ id: String, for requester: Requester) async throws {
        let batch = try batch(id, for: requester)
        batches[batch.id] = nil
        try? await batch.cancel()
        await batch.stop()
        // Out of sight at once (a rename); its files are removed in the background.
        let trash = directory + "/.deleted-" + batch.id
        guard rename(batch.directory, trash) == 0 else {
            throw StationProblem.internalError("cannot remove the batch: \(String(cString: strerror(errno)))")
        }
        Task.detached(priority: .background) { try? FileManager.default.removeItem(atPath: trash) }
        logger.info("batch \(batch.id) deleted by \(requester.summary)")
    }

    /// At shutdown: the documents being sealed finish, the rest waits on disk for the next start.
    public func shutdown() async {
        for batch in batches.values { await batch.stop(shutdown: true) }
        await keys.closeAll()
    }
}
