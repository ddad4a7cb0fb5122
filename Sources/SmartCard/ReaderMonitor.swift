import Foundation
import CPCSC

/// Watches readers and cards and reports what happens as an `AsyncSequence`
/// of `ReaderEvent`s.
///
/// A dedicated thread blocks in `SCardGetStatusChange` (with the plug-and-play
/// pseudo-reader, so readers coming and going wake it too); it never polls. If
/// pcscd stops, every known reader is reported gone, the context is dropped and
/// re-established every `retryInterval` until pcscd is back, when the readers
/// are reported again. Ending the iteration (or `stop()`) cancels the wait.
public final class ReaderMonitor: AsyncSequence, @unchecked Sendable {
    public typealias Element = ReaderEvent

    /// How long to wait between attempts to reach a pcscd that is not running.
    public let retryInterval: Duration
    private let stream: AsyncStream<ReaderEvent>
    private let continuation: AsyncStream<ReaderEvent>.Continuation
    private let lock = NSLock()
    private var context: PCSCContext?
    private var stopped = false
    private var waits = 0
    private var thread: Thread?

    public init(retryInterval: Duration = .milliseconds(500)) {
        self.retryInterval = retryInterval
        (stream, continuation) = AsyncStream.makeStream(of: ReaderEvent.self, bufferingPolicy: .unbounded)
        continuation.onTermination = { [weak self] _ in self?.stop() }
        let thread = Thread { [self] in self.run() }
        thread.name = "podpis.pcsc-monitor"
        self.thread = thread
        thread.start()
    }

    deinit { stop() }

    public func makeAsyncIterator() -> AsyncStream<ReaderEvent>.Iterator { stream.makeAsyncIterator() }

    /// How many times the monitor has called `SCardGetStatusChange` or tried to
    /// reach pcscd: a number that stays small while nothing happens.
    public var wakeUps: Int { lock.withLock { waits } }

    /// Stops watching; the sequence ends.
    public func stop() {
        let context = lock.withLock { () -> PCSCContext? in
            stopped = true
            return self.context
        }
        context?.cancel()
    }

    private var isStopped: Bool { lock.withLock { stopped } }

    private func countWake() { lock.withLock { waits += 1 } }

    private func sleepRetry() {
        let (seconds, attoseconds) = retryInterval.components
        Thread.sleep(forTimeInterval: Double(seconds) + Double(attoseconds) / 1e18)
    }

    private func run() {
        var known: [String: WatchedReader] = [:]
        var lost = false
        defer { continuation.finish() }
        while !isStopped {
            countWake()
            let context: PCSCContext
            do {
                context = try PCSCContext()
            } catch {
                if !lost {
                    for name in known.keys.sorted() { continuation.yield(.readerVanished(name: name)) }
                    known.removeAll()
                    lost = true
                    continuation.yield(.serviceLost(error))
                }
                sleepRetry()
                continue
            }
            let proceed = lock.withLock { () -> Bool in
                if stopped { return false }
                self.context = context
                return true
            }
            guard proceed else { break }
            if lost {
                lost = false
                continuation.yield(.serviceRestored)
            }
            let failure = watch(context, known: &known)
            lock.withLock { self.context = nil }
            if let failure, !isStopped {
                for name in known.keys.sorted() { continuation.yield(.readerVanished(name: name)) }
                known.removeAll()
                lost = true
                continuation.yield(.serviceLost(failure))
                sleepRetry()
            }
        }
    }

    /// Watches with one context until it fails (returns the error) or the monitor stops (nil).
    private func watch(_ context: PCSCContext, known: inout [String: WatchedReader]) -> PCSCError? {
        var plugAndPlay = WatchedReader(name: WatchedReader.plugAndPlayName)
        var relist = true
        var quietImmediateReturns = 0
        while !isStopped {
            if relist {
                relist = false
                let names: [String]
                do { names = try context.readerNames() } catch {
                    if error.isServiceLoss { return error }
                    names = []
                }
                for gone in known.keys.filter({ !names.contains($0) }).sorted() {
                    known[gone] = nil
                    continuation.yield(.readerVanished(name: gone))
                }
                var fresh = names.filter { known[$0] == nil }.map { WatchedReader(name: $0) }
                if !fresh.isEmpty {
                    do { _ = try context.waitForChange(&fresh, timeoutMilliseconds: 0) } catch {
                        if error.isServiceLoss { return error }
                        relist = true
                        continue
                    }
                    for var reader in fresh {
                        reader.known = reader.current
                        known[reader.name] = reader
                        continuation.yield(.readerAppeared(reader.status))
                    }
                }
            }
            var watched = known.keys.sorted().map { known[$0]! } + [plugAndPlay]
            let started = ContinuousClock.now
            countWake()
            let changed: Bool
            do {
                changed = try context.waitForChange(&watched, timeoutMilliseconds: 60_000)
            } catch {
                if error.rawValue == PCSCError.Code.cancelled { continue }
                if error.isServiceLoss { return error }
                if error.rawValue == PCSCError.Code.unknownReader || error.rawValue == PCSCError.Code.readerUnavailable {
                    relist = true  // a reader vanished between listing and waiting
                    continue
                }
                return error
            }
            guard changed else { continue }
            var reported = false
            plugAndPlay = watched.removeLast()
            if plugAndPlay.current != plugAndPlay.known {
                plugAndPlay.known = plugAndPlay.current
                relist = true
                reported = true
            }
            for var reader in watched {
                guard let before = known[reader.name] else { continue }
                if reader.current == before.known { continue }
                let old = ReaderStateFlags(rawValue: before.known).presence
                let new = reader.flags.presence
                reader.known = reader.current
                known[reader.name] = reader
                reported = true
                if new == .unavailable {
                    relist = true
                } else if old == .empty || old == .unavailable, new != .empty {
                    continuation.yield(.cardInserted(reader: reader.name, atr: reader.atr))
                } else if old != .empty, new == .empty {
                    continuation.yield(.cardRemoved(reader: reader.name))
                } else if old != new {
                    continuation.yield(.cardStateChanged(reader.status))
                }
            }
            // A guard against a reader or driver that keeps answering at once
            // with nothing new: never spin.
            if !reported && ContinuousClock.now - started < .milliseconds(20) {
                quietImmediateReturns += 1
                if quietImmediateReturns >= 3 { Thread.sleep(forTimeInterval: 0.2) }
            } else {
                quietImmediateReturns = 0
            }
        }
        return nil
    }
}
