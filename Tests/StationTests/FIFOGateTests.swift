import Foundation
import Station
import Synchronization
import TestBench
import XCTest

/// The per-token gate: turns in arrival order, one at a time; a waiter whose
/// task is cancelled leaves the line without running; a turn is given back
/// when its body returns or throws, before `withTurn` returns.
final class FIFOGateTests: XCTestCase {
    struct Failed: Error {}

    /// Waits until `gate` has `count` waiters.
    func waiters(_ gate: FIFOGate, _ count: Int) async throws {
        for _ in 0..<500 {
            if await gate.waiting == count { return }
            try await Task.sleep(for: .milliseconds(2))
        }
        let now = await gate.waiting
        XCTFail("waiting: \(now), expected \(count)")
    }

    /// Waits until `flag` is set (the first body holds its turn). Waiting for
    /// "0 waiters" proved nothing: it is true before the first task has even
    /// asked, and a later task could then take the turn first (seen under load).
    func holding(_ flag: Shared<Bool>) async throws {
        for _ in 0..<2500 {
            if flag.withLock({ $0 }) { return }
            try await Task.sleep(for: .milliseconds(2))
        }
        XCTFail("the first turn was never taken")
    }

    func testTurnsAreTakenInArrivalOrderOneAtATime() async throws {
        let gate = FIFOGate()
        let order = Shared<[Int]>([])
        let inside = Counter()
        let overlap = Shared(false)
        let hold = AsyncStream<Void>.makeStream()
        let entered = Shared(false)
        let first = Task {
            try await gate.withTurn {
                entered.withLock { $0 = true }
                for await _ in hold.stream {}
                order.withLock { $0.append(0) }
            }
        }
        try await holding(entered)
        var tasks: [Task<Void, any Error>] = []
        for index in 1...8 {
            tasks.append(Task {
                try await gate.withTurn {
                    if inside.add(1) > 1 { overlap.withLock { $0 = true } }
                    try await Task.sleep(for: .milliseconds(1))
                    order.withLock { $0.append(index) }
                    inside.add(-1)
                }
            })
            try await waiters(gate, index)  // each queued before the next arrives
        }
        hold.continuation.finish()
        try await first.value
        for task in tasks { try await task.value }
        XCTAssertEqual(order.withLock { $0 }, Array(0...8))
        XCTAssertFalse(overlap.withLock { $0 })
        let left = await gate.waiting
        XCTAssertEqual(left, 0)
    }

    func testACancelledWaiterLeavesTheLineWithoutRunning() async throws {
        let gate = FIFOGate()
        let ran = Shared<[String]>([])
        let hold = AsyncStream<Void>.makeStream()
        let entered = Shared(false)
        let first = Task {
            try await gate.withTurn { entered.withLock { $0 = true }; for await _ in hold.stream {}; ran.withLock { $0.append("first") } }
        }
        try await holding(entered)
        let leaving = Task { try await gate.withTurn { ran.withLock { $0.append("leaving") } } }
        try await waiters(gate, 1)
        let last = Task { try await gate.withTurn { ran.withLock { $0.append("last") } } }
        try await waiters(gate, 2)
        leaving.cancel()
        try await waiters(gate, 1)
        do {
            try await leaving.value
            XCTFail("the cancelled waiter ran")
        } catch is CancellationError {}
        hold.continuation.finish()
        try await first.value
        try await last.value
        XCTAssertEqual(ran.withLock { $0 }, ["first", "last"])
    }

    /// A body that throws gives its turn back before the error reaches the
    /// caller: the next turn can be taken at once, with no task left to release it.
    func testAThrowingBodyGivesItsTurnBackBeforeWithTurnReturns() async throws {
        let gate = FIFOGate()
        do {
            try await gate.withTurn { throw Failed() }
            XCTFail("no error")
        } catch is Failed {}
        let next = try await gate.withTurn { 7 }
        XCTAssertEqual(next, 7)
        // The turn is free right after withTurn returned: a second taker queues behind nobody.
        let third = try await gate.withTurn { await gate.waiting }
        XCTAssertEqual(third, 0)
    }
}
