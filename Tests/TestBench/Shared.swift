import Synchronization

/// A value shared by the tasks of a test, behind a lock.
public final class Shared<Value: Sendable>: Sendable {
    private let value: Mutex<Value>
    public init(_ value: Value) { self.value = Mutex(value) }
    public func withLock<R: Sendable>(_ body: (inout sending Value) -> sending R) -> R { value.withLock(body) }
}

/// A counter shared by the tasks of a test.
public final class Counter: Sendable {
    private let value = Atomic<Int>(0)
    public init() {}
    /// Adds `n` and returns the new value.
    @discardableResult
    public func add(_ n: Int) -> Int { value.add(n, ordering: .sequentiallyConsistent).newValue }
}
