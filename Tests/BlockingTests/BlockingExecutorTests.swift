import Blocking
import Foundation
import Synchronization
import TestBench
import XCTest

/// The executor runs blocking calls on threads of its own: in order on a
/// serial one or a dedicated thread, side by side on a concurrent one, with
/// results and errors handed back to the awaiting task.
final class BlockingExecutorTests: XCTestCase {
    struct Refused: Error, Equatable { let n: Int }

    func testResultsAndErrorsComeBackToTheCaller() async throws {
        for executor in [BlockingExecutor(label: "t.serial"), BlockingExecutor(label: "t.conc", .concurrent), BlockingExecutor(label: "t.thread", .thread(nice: 0))] {
            let value = try await executor.run { () throws -> Int in 6 * 7 }
            XCTAssertEqual(value, 42)
            do {
                _ = try await executor.run { () throws -> Int in throw Refused(n: 3) }
                XCTFail("no error came back")
            } catch let error as Refused {
                XCTAssertEqual(error, Refused(n: 3))
            }
        }
    }

    /// A serial executor and a dedicated thread keep the submission order and
    /// never run two calls at once; the calls run on one thread that is not
    /// the caller's.
    func testSerialAndThreadKindsRunOneCallAtATimeInOrder() async throws {
        for executor in [BlockingExecutor(label: "t.serial"), BlockingExecutor(label: "t.thread", .thread(nice: 0))] {
            let log = Shared<[Int]>([])
            let inside = Counter()
            let overlap = Shared(false)
            let threads = Shared<Set<String>>([])
            await withTaskGroup(of: Void.self) { group in
                for index in 0..<20 {
                    // Submitted in order: each task starts only after the previous one was handed over.
                    let submitted = Shared(false)
                    group.addTask {
                        _ = await executor.run { () -> Int in
                            submitted.withLock { $0 = true }
                            if inside.add(1) > 1 { overlap.withLock { $0 = true } }
                            usleep(2_000)
                            log.withLock { $0.append(index) }
                            threads.withLock { _ = $0.insert("\(pthread_self())") }
                            inside.add(-1)
                            return index
                        }
                    }
                    // (`log.count < index` let task 0 pass unsubmitted: task 1 then
                    // sometimes reached the executor first, [1, 0, …] under load.)
                    while !submitted.withLock({ $0 }) && log.withLock({ $0.count }) <= index { await Task.yield() }
                }
            }
            XCTAssertFalse(overlap.withLock { $0 }, "\(executor.label): two calls ran at once")
            XCTAssertEqual(log.withLock { $0 }, Array(0..<20), "\(executor.label): in submission order")
            if case .some = executor.label.range(of: "thread") {
                XCTAssertEqual(threads.withLock { $0 }.count, 1, "a dedicated thread runs every call")
            }
        }
    }

    /// A concurrent executor runs blocked calls side by side: four calls that
    /// each wait for all four to have started would deadlock on a serial one.
    func testConcurrentKindRunsBlockedCallsSideBySide() async throws {
        let executor = BlockingExecutor(label: "t.conc", .concurrent)
        let started = DispatchSemaphore(value: 0)
        let arrived = Counter()
        let results = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    try await executor.run { () throws -> Bool in
                        if arrived.add(1) == 4 {
                            for _ in 0..<4 { started.signal() }
                        }
                        return started.wait(timeout: .now() + 10) == .success
                    }
                }
            }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        XCTAssertEqual(results, [true, true, true, true], "the four calls were running at the same time")
    }

    /// Blocking calls do not occupy Swift's cooperative pool: with more
    /// blocked calls than cores, other tasks still run.
    func testBlockedCallsLeaveTheCooperativePoolFree() async throws {
        let executor = BlockingExecutor(label: "t.conc", .concurrent)
        let release = DispatchSemaphore(value: 0)
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let blocked = Task {
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<(cores + 2) {
                    group.addTask { _ = await executor.run { () -> Bool in release.wait(timeout: .now() + 20) == .success } }
                }
            }
        }
        try await Task.sleep(for: .milliseconds(200))
        let answered = await Task.detached { 1 + 1 }.value
        XCTAssertEqual(answered, 2, "another task ran while \(cores + 2) calls were blocked")
        for _ in 0..<(cores + 2) { release.signal() }
        await blocked.value
    }

    func testADedicatedThreadSaysWhetherItGotItsNice() async throws {
        let same = BlockingExecutor(label: "t.nice0", .thread(nice: getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)))
        XCTAssertTrue(same.niceGranted, "the nice it already has is granted")
        let lower = BlockingExecutor(label: "t.nice5", .thread(nice: 5))
        XCTAssertTrue(lower.niceGranted, "raising one's nice (lower priority) is always allowed")
        let niceSeen = try await lower.run { () throws -> Int32 in getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0) }
        XCTAssertEqual(niceSeen, 5)
        XCTAssertTrue(BlockingExecutor(label: "t.serial").niceGranted)
    }

    /// The kernel's name of a dedicated thread is its label from its first
    /// job on, every time (a lane once kept the process's name in CI: the
    /// thread outran Foundation's naming).
    func testADedicatedThreadCarriesItsLabelFromItsFirstJob() async throws {
        for n in 0..<200 {
            let label = "t.lane\(n)"
            let executor = BlockingExecutor(label: label, .thread(nice: 0))
            let comm = await executor.run { () -> String in
                (try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "?"
            }
            XCTAssertEqual(comm, label, "executor \(n)")
        }
    }
}
