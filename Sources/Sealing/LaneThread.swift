import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// One session's own thread: it makes the session's signatures one after
/// another, and nothing else. (The type and its threads' names,
/// `podpis.lane0`…, keep the word "lane" for a session's thread; in code,
/// configuration and docs the concept is a session, the profile's
/// `sessions` key.)
///
/// A serial `DispatchQueue` would serialise the calls too, but runs them on
/// whichever of Dispatch's worker threads is free, so the signing could not
/// be given a scheduling of its own. With few sessions the token's thread is
/// what a batch waits for, and every other thread of the sealer (and of the
/// client sending the documents) competes with it for the cores. Started at
/// a `nice` below 0 it runs whenever it has a signature to make: on a
/// two-core machine sealing through podpisd with SoftHSM's RSA key, C_Sign
/// took 1146 µs of wall time per signature at nice -10 against 1239 µs at
/// nice 0 (docs/performance.md).
///
/// Lowering a thread's nice needs `CAP_SYS_NICE` or a raised `RLIMIT_NICE`
/// (systemd: `LimitNICE=-10`); without either the thread keeps the nice of
/// the thread that made it, and ``granted`` says so.
final class LaneThread: Sendable {
    private final class Jobs: Sendable {
        let waiting = Mutex<[@Sendable () -> Void]>([])
        let count = DispatchSemaphore(value: 0)
        let granted = Mutex(false)
    }

    private let jobs = Jobs()
    /// Whether the thread runs at the nice it was asked for.
    let granted: Bool

    /// Starts the thread (`name`: at most 15 bytes) and returns once it runs.
    init(name: String, nice: Int32) {
        let jobs = self.jobs
        let started = DispatchSemaphore(value: 0)
        let thread = Thread {
            #if canImport(Glibc)
            Thread.current.name = name
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
        self.granted = jobs.granted.withLock { $0 }
    }

    /// Runs `job` on this thread after the ones submitted before.
    func submit(_ job: @escaping @Sendable () -> Void) {
        jobs.waiting.withLock { $0.append(job) }
        jobs.count.signal()
    }

    deinit {
        // Every job holds its lane, so none is left: the thread wakes, finds
        // no job and ends.
        jobs.count.signal()
    }
}
