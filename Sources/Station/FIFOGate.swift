/// A first-in, first-out lock for async code: requests on one token are
/// served one at a time in arrival order, and a waiter whose task is
/// cancelled (its client left) leaves the line without ever running.
///
/// A turn is taken only through ``withTurn(_:)``, which gives it back when
/// its body returns or throws, before `withTurn` itself returns: no turn is
/// released later by a task of its own, so the next request can never start
/// while this one's last token call is still being cleaned up.
public actor FIFOGate {
    private var busy = false
    private var waiters: [(id: UInt64, continuation: CheckedContinuation<Void, any Error>)] = []
    private var nextID: UInt64 = 0
    /// Waiting requests (not counting the one being served).
    public var waiting: Int { waiters.count }

    public init() {}

    /// Waits for this task's turn (in arrival order), runs `body`, and gives
    /// the turn to the next waiter. Throws `CancellationError` without running
    /// `body` when the task is cancelled while it waits.
    public nonisolated(nonsending) func withTurn<T>(_ body: () async throws -> T) async throws -> T {
        try await acquire()
        do {
            let result = try await body()
            await release()
            return result
        } catch {
            await release()
            throw error
        }
    }

    func acquire() async throws {
        if !busy {
            busy = true
            return
        }
        nextID += 1
        let id = nextID
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                if Task.isCancelled {
                    continuation.resume(throwing: CancellationError())
                } else {
                    waiters.append((id, continuation))
                }
            }
        } onCancel: {
            Task { await self.cancel(id) }
        }
    }

    private func cancel(_ id: UInt64) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        waiters.remove(at: index).continuation.resume(throwing: CancellationError())
    }

    func release() {
        if waiters.isEmpty {
            busy = false
        } else {
            waiters.removeFirst().continuation.resume()
        }
    }
}
