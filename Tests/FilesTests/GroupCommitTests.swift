import Files
import Foundation
import Synchronization
import XCTest

/// Group commit in process: callers that arrive while a flush runs are
/// committed together in the next one, in arrival order; each caller gets
/// its own item's error; nobody returns before its item was flushed.
final class GroupCommitTests: XCTestCase {
    final class Record: Sendable {
        let batches = Mutex<[[Int]]>([])
    }

    func testCallersDuringAFlushShareTheNextOneInOrder() async throws {
        let record = Record()
        let commit = GroupCommit<Int>(label: "test.group-commit") { items in
            record.batches.withLock { $0.append(items) }
            usleep(20_000)  // a slow fsync: the others pile up meanwhile
            return items.map { _ in nil }
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for item in 0..<200 { group.addTask { try await commit.commit(item) } }
            try await group.waitForAll()
        }
        let batches = record.batches.withLock { $0 }
        XCTAssertEqual(batches.flatMap { $0 }.sorted(), Array(0..<200), "every item flushed exactly once")
        XCTAssertLessThan(batches.count, 100, "items were gathered (\(batches.count) flushes for 200 items)")
        XCTAssertTrue(batches.contains { $0.count > 1 })
    }

    func testEachCallerGetsItsOwnItemsError() async throws {
        struct Odd: Error {}
        let commit = GroupCommit<Int>(label: "test.group-commit-errors") { items in items.map { $0 % 2 == 1 ? Odd() : nil } }
        let outcomes = try await withThrowingTaskGroup(of: (Int, Bool).self) { group in
            for item in 0..<40 {
                group.addTask {
                    do {
                        try await commit.commit(item)
                        return (item, true)
                    } catch is Odd {
                        return (item, false)
                    }
                }
            }
            var all: [Int: Bool] = [:]
            for try await (item, ok) in group { all[item] = ok }
            return all
        }
        for item in 0..<40 { XCTAssertEqual(outcomes[item], item % 2 == 0, "item \(item)") }
    }
}
