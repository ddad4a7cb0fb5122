import Dispatch
import Foundation

/// How long each kind of check may take before the doctor stops waiting.
public struct TimeLimits: Sendable, Hashable {
    /// pcscd: establishing a context, listing readers and their states.
    public var pcsc: Double = 5
    /// One card: connecting and answering a harmless SELECT.
    public var card: Double = 5
    /// One PKCS#11 module: loading and C_Initialize; then listing its slots.
    public var module: Double = 10
    /// One token: opening a session and reading its objects.
    public var token: Double = 10
    /// podpisd: connecting to its socket and GET /v1/status.
    public var daemon: Double = 5
    /// One TSA: a real time-stamp request.
    public var tsa: Double = 10
    /// Helper programs (ss) and file system scans.
    public var helper: Double = 3

    public init() {}

    /// Every limit the same (`podpis doctor --time-limit S`).
    public init(uniform seconds: Double) {
        pcsc = seconds
        card = seconds
        module = seconds
        token = seconds
        daemon = seconds
        tsa = seconds
        helper = min(seconds, 3)
    }
}

/// Runs blocking work (a PC/SC or PKCS#11 call, a socket) on a thread of its
/// own and stops waiting for it after a time limit.
///
/// A C call cannot be interrupted: on a timeout the thread is left behind,
/// blocked, and the caller goes on. The process must therefore end with
/// `_exit` once the report is printed, so that no stuck thread (or a library
/// destructor waiting for a lock that thread holds) keeps it alive.
public enum TimeLimited {
    public enum Result<Value: Sendable>: Sendable {
        case finished(Value, seconds: Double)
        case timedOut(seconds: Double)

        public var value: Value? {
            if case .finished(let value, _) = self { return value }
            return nil
        }

        public var seconds: Double {
            switch self {
            case .finished(_, let seconds), .timedOut(let seconds): return seconds
            }
        }
    }

    /// Runs `body` on a new thread; its value, or `.timedOut` after `seconds`.
    public static func run<Value: Sendable>(
        _ seconds: Double, name: String = "podpis-doctor", _ body: @escaping @Sendable () -> Value
    ) -> Result<Value> {
        let box = Box<Value>()
        let done = DispatchSemaphore(value: 0)
        let start = DispatchTime.now()
        let thread = Thread {
            box.set(body())
            done.signal()
        }
        thread.name = name
        thread.start()
        let waited = done.wait(timeout: start + .nanoseconds(Int(seconds * 1e9)))
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        if waited == .timedOut { return .timedOut(seconds: elapsed) }
        guard let value = box.get() else { return .timedOut(seconds: elapsed) }
        return .finished(value, seconds: elapsed)
    }

    /// Runs throwing `body` on a new thread: its value or its error, or
    /// `.timedOut` after `seconds`.
    public static func run<Value: Sendable, Failure: Error>(
        _ seconds: Double, name: String = "podpis-doctor", catching body: @escaping @Sendable () throws(Failure) -> Value
    ) -> Result<Swift.Result<Value, Failure>> {
        run(seconds, name: name) { Swift.Result(catching: body) }
    }

    /// Runs several pieces of work at once, each on its own thread, and
    /// returns their values in order: nil for any still running after
    /// `seconds` (each piece bounds its own blocking calls; this is the net).
    public static func parallel<Value: Sendable>(within seconds: Double, _ bodies: [@Sendable () -> Value]) -> [Value?] {
        let results = ResultsBox<Value>(count: bodies.count)
        let group = DispatchGroup()
        for (index, body) in bodies.enumerated() {
            group.enter()
            let thread = Thread {
                results.set(index, body())
                group.leave()
            }
            thread.name = "podpis-doctor-\(index)"
            thread.start()
        }
        _ = group.wait(timeout: .now() + .nanoseconds(Int(seconds * 1e9)))
        return (0..<bodies.count).map { results.get($0) }
    }
}

private final class Box<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value?
    func set(_ v: Value) { lock.withLock { value = v } }
    func get() -> Value? { lock.withLock { value } }
}

private final class ResultsBox<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Value?]
    init(count: Int) { values = Array(repeating: nil, count: count) }
    func set(_ index: Int, _ value: Value) { lock.withLock { values[index] = value } }
    func get(_ index: Int) -> Value? { lock.withLock { values[index] } }
}

/// Work started on a thread of its own now, whose value is collected later
/// (several checks run side by side, each under its own limits).
final class Pending<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value?
    private let done = DispatchSemaphore(value: 0)

    init(name: String, _ body: @escaping @Sendable () -> Value) {
        let thread = Thread { [self] in
            let result = body()
            lock.withLock { value = result }
            done.signal()
        }
        thread.name = name
        thread.start()
    }

    /// The value, or nil if the work is still running after `seconds`.
    func wait(upTo seconds: Double) -> Value? {
        if done.wait(timeout: .now() + .nanoseconds(Int(max(0, seconds) * 1e9))) == .timedOut { return nil }
        done.signal()
        return lock.withLock { value }
    }
}
