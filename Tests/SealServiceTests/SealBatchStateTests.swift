import Audit
import Foundation
import StationAPI
import XCTest

@testable import SealService

/// A seal batch's state machine in process, with no seal key started (so
/// documents stay queued): open → sealing while documents are queued or
/// uploads under way; closed and cancelled refuse new names; a cancelled
/// batch reloaded from disk has its queued documents cancelled.
final class SealBatchStateTests: XCTestCase {
    var parent: String!
    let owner = BatchOwner(Requester(transport: .unix, origin: nil, uid: 1000, pid: nil))

    override func setUpWithError() throws {
        parent = NSTemporaryDirectory() + "batches-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: parent) }

    func upload(_ batch: SealBatch, _ name: String, _ text: String) async throws -> BatchDocument {
        XCTAssertNil(try batch.reserve(name))
        let spooled = batch.spoolPath()
        try Data(text.utf8).write(to: URL(fileURLWithPath: spooled))
        return try await batch.accept(name: name, spooled: spooled, size: text.utf8.count, sha256: String(repeating: "0", count: 64))
    }

    func testTheStatesFollowTheDocumentsAndTheClerksCalls() async throws {
        let batch = try SealBatch.create(id: "b-1", profile: "zaswiadczenia", owner: owner, in: parent, maxBytes: 1 << 20)
        XCTAssertEqual(batch.status().state, .open)
        XCTAssertEqual(batch.status().total, 0)

        // An upload under way already makes it sealing.
        XCTAssertNil(try batch.reserve("a.xml"))
        XCTAssertEqual(batch.status().state, .sealing)
        XCTAssertThrowsError(try batch.reserve("a.xml")) { XCTAssertEqual(($0 as? StationProblem)?.code, "upload-in-progress", "\($0)") }
        batch.release("a.xml")
        XCTAssertEqual(batch.status().state, .open, "a failed upload gives its name back")

        let document = try await upload(batch, "a.xml", "<a/>")
        XCTAssertEqual(document.state, .queued)
        XCTAssertEqual(batch.status().state, .sealing)
        XCTAssertEqual(batch.status().queued, 1)
        XCTAssertEqual(try batch.reserve("a.xml")?.name, "a.xml", "the same name again is checked against what is in")

        try await batch.close()
        XCTAssertTrue(batch.status().closed)
        XCTAssertEqual(batch.status().state, .sealing, "closed, but a document is still queued")
        XCTAssertThrowsError(try batch.reserve("b.xml")) { XCTAssertEqual(($0 as? StationProblem)?.code, "batch-closed", "\($0)") }

        try await batch.cancel()
        XCTAssertEqual(batch.status().state, .cancelled, "cancelled at once (the pipeline, not started here, withdraws the queued ones)")

        // The same state read back from the batch's directory.
        let loaded = try SealBatch.load(directory: parent + "/b-1", maxBytes: { _ in 1 << 20 })
        XCTAssertEqual(loaded.status().state, .cancelled)
        XCTAssertEqual(loaded.status().total, 1)
        XCTAssertEqual(loaded.status().cancelled, 1)
        XCTAssertEqual(loaded.document("a.xml")?.state, .cancelled, "a queued document of a cancelled batch is never sealed after a restart")
    }

    func testABatchTakesNoMoreBytesThanItsLimit() async throws {
        let batch = try SealBatch.create(id: "b-2", profile: "zaswiadczenia", owner: owner, in: parent, maxBytes: 10)
        _ = try await upload(batch, "small.xml", "<a>1</a>")
        do {
            _ = try await upload(batch, "more.xml", "<b>22</b>")
            XCTFail("over the batch's limit")
        } catch let problem as StationProblem {
            XCTAssertEqual(problem.code, "batch-too-large")
            XCTAssertEqual(problem.kind, .tooLarge)
        }
        XCTAssertEqual(batch.status().total, 1, "the refused document is not in")
        XCTAssertNil(try batch.reserve("more.xml"), "its name is free again")
    }
}
