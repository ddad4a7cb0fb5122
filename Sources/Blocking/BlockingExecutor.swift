import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The one way async code in podpis runs a call that blocks its thread: a
/// PKCS#11 or PC/SC call that waits for a card, `fsync`, reading a document.
/// Swift's cooperative pool has one thread per core; a call blocked there
/// stalls every task behind it, the HTTP event loop's work included. An
/// executor runs such calls on threads of its own and hands the result back
/// through a continuation (docs/architecture.md, "Concurrency").
///
/// Three kinds:
/// - `.serial`: one call at a time, in order (a token's PKCS#11 calls, the
///   inventory's listings);
/// - `.concurrent`: as many at once as are submitted (file work);
/// - `.thread(nice:)`: one dedicated thread, one call at a time in order, at a
///   scheduling priority of its own (a seal session's C_Sign; see ``niceGranted``).
public final class BlockingExecutor: Sendable {
    public enum Kind: Sendable {
        case serial
        case concurrent
        case thread(nice: Int32)
    }

    private enum Backend: Sendable {
        case queue(DispatchQueue)
        case thread(DedicatedThread)
    }

    private let backend: Backend
    public let label: String

    /// `label` names the queue or thread (a thread's name: at most 15 bytes).
    public init(label: String, _ kind: Kind = .serial) {
        self.label = label
        switch kind {
        case .serial: backend = .queue(DispatchQueue(label: label))
        case .concurrent: backend = .queue(DispatchQueue(label: label, attributes: .concurrent))
        case .thread(let nice): backend = .thread(DedicatedThread(name: label, nice: nice))
        }
    }

    /// Runs `body` on the executor and returns its result (or throws its error).
    public func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            submit {
                do { continuation.resume(returning: try body()) } catch { continuation.resume(throwing: error) }
            }
        }
    }

    /// Runs `body`, which does not throw, on the executor.
    public func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            submit { continuation.resume(returning: body()) }
        }
    }

    /// Whether a `.thread(nice:)` executor's thread runs at the nice it was
    /// asked for (lowering a nice needs `CAP_SYS_NICE` or a raised
    /// `RLIMIT_NICE`, systemd's `LimitNICE=`); true for the other kinds.
    public var niceGranted: Bool {
        switch backend {
        case .queue: return true
        case .thread(let thread): return thread.granted
        }
    }

    /// Runs `job` on the executor without waiting for it: for an owner that
    /// resumes its callers itself (``GroupCommit`` in Files).
    public func submit(_ job: @escaping @Sendable () -> Void) {
        switch backend {
        case .queue(let queue): queue.async(execute: job)
        case .thread(let thread): thread.submit(job)
        }
    }
}

/// One thread that runs its jobs one after another, and nothing else.
///
/// A serial `DispatchQueue` would serialise the calls too, but runs them on
/// whichever of Dispatch's worker threads is free, so the work could not be
/// given a scheduling of its own. A seal session's signing thread started at
/// a `nice` below 0 runs whenever it has a signature to make: on a two-core
/// machine sealing through podpisd with SoftHSM's RSA key, C_Sign took
/// 1146 µs of wall time per signature at nice -10 against 1239 µs at nice 0
/// (docs/performance.md).
private final class DedicatedThread: Sendable {
    private final class Jobs: Sendable {
        let waiting = Mutex<[@Sendable () -> Void]>([])
        let count = DispatchSemaphore(value: 0)
        let granted = Mutex(false)
    }

    private let jobs = Jobs()
    let granted: Bool

    /// Starts the thread and returns once it runs.
    init(name: String, nice: Int32) {
        let jobs = self.jobs
        let started = DispatchSemaphore(value: 0)
        let thread = Thread {
            #if canImport(Glibc)
            // Named by the thread itself: Foundation's `Thread.name` names
            // the pthread only once `start()` has stored its handle, which
            // the new thread can outrun (then it kept the process's name;
            // seen as a lane missing from /proc in one CI run).
            DedicatedThread.nameCurrentThread(String(name.utf8.prefix(15)) ?? "podpis")
            // With PRIO_PROCESS, who 0 is the calling thread on Linux.
            let which = __priority_which_t(PRIO_PROCESS.rawValue)
            errno = 0
            let current = getpriority(which, 0)
            let ok = current == nice || setpriority(which, 0, nice) == 0
            #else
            let ok = nice == 0
            #endif
            jobs.granted.withLock { $0 = ok }
            started.signal()
            while true {
                jobs.count.wait()
                guard let job = jobs.waiting.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) else { return }
                job()
            }
        }
        thread.stackSize = 1 << 20
        thread.start()
        started.wait()
        granted = jobs.granted.withLock { $0 }
    }

    /// pthread_setname_np(3) on the calling thread (a GNU extension Glibc's
    /// Swift module does not declare, so found by name).
    static func nameCurrentThread(_ name: String) {
        #if canImport(Glibc)
        typealias SetName = @convention(c) (pthread_t, UnsafePointer<CChar>) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "pthread_setname_np") else { return }
        _ = unsafeBitCast(symbol, to: SetName.self)(pthread_self(), name)
        #endif
    }

    func submit(_ job: @escaping @Sendable () -> Void) {
        jobs.waiting.withLock { $0.append(job) }
        jobs.count.signal()
    }

    deinit {
        // Every job holds its executor, so none is left: the thread wakes,
        // finds no job and ends.
        jobs.count.signal()
    }
}
