#if canImport(Glibc)
import Glibc
#endif
import Blocking
import Dispatch
import Synchronization

/// Durable writes of many callers gathered into one (group commit): each
/// caller hands its item and waits; one dedicated thread at a time takes
/// every item waiting, commits them together (one write, one fsync) and
/// resumes their callers. Items that arrive during a commit form the next
/// one, so a batch grows with the commit's own duration, no timer needed;
/// `linger` (microseconds) lets the thread wait a little for more when it
/// starts on a short batch (fewer fsyncs, a little more latency), as long
/// as more keep coming.
///
/// The flush runs on the committer's own thread, never on Swift's
/// cooperative pool: a blocking fsync does not hold up the callers' work.
public final class GroupCommit<Item: Sendable>: Sendable {
    /// Commits a batch, in arrival order; one error (or nil) per item.
    public typealias Flush = @Sendable (_ items: [Item]) -> [(any Error)?]

    private struct Waiting: @unchecked Sendable {
        let item: Item
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct State: @unchecked Sendable {
        var pending: [Waiting] = []
        var running = false
    }

    private let state = Mutex(State())
    private let committer: BlockingExecutor
    private let flush: Flush
    private let linger: Int
    private let maximumBatch: Int

    public init(label: String, linger: Int = 0, maximumBatch: Int = 256, flush: @escaping Flush) {
        committer = BlockingExecutor(label: label)
        self.flush = flush
        self.linger = linger
        self.maximumBatch = max(1, maximumBatch)
    }

    /// Returns when `item` is committed (its batch's flush returned no error for it).
    public func commit(_ item: Item) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let start = state.withLock { state -> Bool in
                state.pending.append(Waiting(item: item, continuation: continuation))
                if state.running { return false }
                state.running = true
                return true
            }
            if start { committer.submit { self.drain() } }
        }
    }

    /// Waits up to `linger` µs for more items, in steps of at most
    /// ``lingerStep``, and stops early when a step brought none (nobody else
    /// is on the way: the end of a batch, a lone document) or the batch is full.
    private func lingerWhileItemsCome() {
        var waited = 0
        var seen = state.withLock { $0.pending.count }
        while waited < linger, seen < maximumBatch {
            let step = min(Self.lingerStep, linger - waited)
            usleep(UInt32(step))
            waited += step
            let now = state.withLock { $0.pending.count }
            if now == seen { return }
            seen = now
        }
    }

    /// The longest wait (µs) for one more item while lingering.
    static var lingerStep: Int { 2_000 }

    private func drain() {
        var first = true
        while true {
            if first, linger > 0 { lingerWhileItemsCome() }
            first = false
            let batch = state.withLock { state -> [Waiting] in
                if state.pending.isEmpty {
                    state.running = false
                    return []
                }
                let count = min(state.pending.count, maximumBatch)
                let batch = Array(state.pending.prefix(count))
                state.pending.removeFirst(count)
                return batch
            }
            if batch.isEmpty { return }
            let errors = flush(batch.map(\.item))
            for (index, waiting) in batch.enumerated() {
                if index < errors.count, let error = errors[index] {
                    waiting.continuation.resume(throwing: error)
                } else {
                    waiting.continuation.resume()
                }
            }
        }
    }
}

/// A value behind a mutex, shared by reference (a flush closure and its owner).
public final class Locked<Value>: Sendable {
    private let mutex: Mutex<Value>

    public init(_ value: sending Value) {
        mutex = Mutex(value)
    }

    public func withLock<Result>(_ body: (inout sending Value) throws -> sending Result) rethrows -> sending Result {
        try mutex.withLock(body)
    }
}
