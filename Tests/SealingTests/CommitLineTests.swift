@testable import Audit
import Files
import Foundation
@testable import Sealing
@testable import Station
import XCTest

/// The journal and audit lines written as bytes must be the lines
/// JSONEncoder wrote before (readers decode them; the audit hash is over
/// the bytes as written), and group commit must keep every line and the
/// hash chain.
final class CommitLineTests: XCTestCase {
    static let awkward = ["z-00001.xml", "a/b \"c\" \\ d.xml", "tab\there\nnew\u{1}\u{1f}.xml", "Zaświadczenie łódź ŻÓŁW 😀.xml", "</script>&<>'"]

    func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    func testJournalLineIsJSONEncodersLine() throws {
        for name in Self.awkward {
            for (state, output, code, recovered) in [(SealJournal.Entry.State.sealed, "\(name).xades" as String?, nil as String?, nil as Bool?), (.failed, nil, "too-large", nil), (.sealed, "x", nil, true)] {
                let entry = SealJournal.Entry(
                    name: name, sha256: String(repeating: "ab", count: 32), state: state, output: output, code: code,
                    time: Date(timeIntervalSince1970: 1_795_000_000.75), recovered: recovered)
                var expected = [UInt8](try encoder().encode(entry))
                expected.append(0x0A)
                XCTAssertEqual(String(decoding: SealJournal.line(entry), as: UTF8.self), String(decoding: expected, as: UTF8.self))
            }
        }
    }

    func testAuditEntryBytesAreJSONEncodersBytes() throws {
        let requester = Requester(transport: .local, origin: "https://ezd.example.gov.pl/a\"b", uid: 0, pid: 1)
        for name in Self.awkward {
            for problem in [nil, "too-large"] as [String?] {
                let entry = AuditTrail.Entry(
                    time: Date(timeIntervalSince1970: 1_795_000_000.4), requestId: "batch-\(name)", requester: requester,
                    certificate: "0123456789abcdef", holder: "Urząd Gminy \"Testowo\"", token: "Bench Seal",
                    documents: [.init(name: name, size: 10_474, sha256: String(repeating: "0f", count: 32)), .init(name: "b", size: nil, sha256: nil)],
                    format: "xades", packaging: "enveloped", level: "B-B", result: problem == nil ? "signed" : "failed", problem: problem,
                    prev: String(repeating: "7", count: 64))
                let requesterBytes = [UInt8](try encoder().encode(requester))
                let split = AuditTrail.split(entry, requester: requesterBytes)
                let built = split.head + Array(entry.prev.utf8) + split.tail
                XCTAssertEqual(String(decoding: built, as: UTF8.self), String(decoding: try encoder().encode(entry), as: UTF8.self))
            }
        }
    }

    func testConcurrentAppendsKeepTheChainAcrossTwoTrails() async throws {
        let directory = NSTemporaryDirectory() + "podpis-audit-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/audit.jsonl"
        // Two writers on one file, as podpisd and podpis seal --local in two processes.
        let first = AuditTrail(path: path), second = AuditTrail(path: path)
        let requester = Requester(transport: .local, origin: nil)
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<200 {
                group.addTask {
                    let entry = AuditTrail.Entry(
                        time: Date(), requestId: "r\(index)", requester: requester, certificate: "c", holder: "h", token: "t",
                        documents: [.init(name: "d\(index)", size: index, sha256: nil)], format: "xades", packaging: "enveloped",
                        level: "B-B", result: "signed", problem: nil, prev: "")
                    try? await (index % 2 == 0 ? first : second).append(entry)
                }
            }
        }
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        XCTAssertNil(AuditLine.verify(data))
        XCTAssertEqual(data.split(separator: 0x0A).count, 200)
    }

    func testGroupCommitCommitsEveryItemOnceInOrder() async throws {
        let seen = Locked<[Int]>([])
        let group = GroupCommit<Int>(label: "test", linger: 1000) { items in
            seen.withLock { $0.append(contentsOf: items) }
            return items.map { $0 == 13 ? FileError(.cannotWrite, "13") : nil }
        }
        let failures = Locked(0)
        await withTaskGroup(of: Void.self) { tasks in
            for index in 0..<100 {
                tasks.addTask {
                    do { try await group.commit(index) } catch { failures.withLock { $0 += 1 } }
                }
            }
        }
        XCTAssertEqual(seen.withLock { $0.sorted() }, Array(0..<100))
        XCTAssertEqual(failures.withLock { $0 }, 1)
    }

    func testALoneItemIsNotHeldForTheWholeLinger() async throws {
        // Nothing else is on the way (the end of a batch, one document from the
        // hot folder): the committer stops lingering after one quiet step.
        let flushes = Locked<[[Int]]>([])
        let group = GroupCommit<Int>(label: "test", linger: 30_000_000) { items in
            flushes.withLock { $0.append(items) }
            return items.map { _ in nil }
        }
        let start = ContinuousClock.now
        try await group.commit(1)
        XCTAssertLessThan(ContinuousClock.now - start, .seconds(5), "held for the 30 s linger")
        try await group.commit(2)
        XCTAssertEqual(flushes.withLock { $0 }, [[1], [2]])
    }

    func testOutputsOfOneDirectoryCommittedTogether() async throws {
        let directory = NSTemporaryDirectory() + "podpis-out-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let outputs = OutputDirectory(path: directory, linger: 2000)
        try Data("old".utf8).write(to: URL(fileURLWithPath: directory + "/taken"))
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<20 {
                group.addTask {
                    let file = try! AtomicOutputFile(path: directory + "/o\(index)")
                    try! file.write(Array("output \(index)".utf8))
                    try! await outputs.commit(file)
                }
            }
        }
        let taken = try AtomicOutputFile(path: directory + "/taken", checkingFirst: false)
        try taken.write(Array("new".utf8))
        do {
            try await outputs.commit(taken)
            XCTFail("an existing output was overwritten")
        } catch let error as FileError {
            XCTAssertEqual(error.kind, .exists)
        }
        XCTAssertEqual(try String(contentsOfFile: directory + "/taken", encoding: .utf8), "old")
        for index in 0..<20 {
            XCTAssertEqual(try String(contentsOfFile: directory + "/o\(index)", encoding: .utf8), "output \(index)")
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: directory)
        XCTAssertEqual(names.filter { $0.hasSuffix(".tmp") }, [])
    }
}

extension CommitLineTests {
    func testARotatedTrailStartsAFreshChainInTheNewFile() async throws {
        let directory = NSTemporaryDirectory() + "podpis-rotate-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/audit.jsonl"
        let trail = AuditTrail(path: path)
        let requester = Requester(transport: .local, origin: nil)
        func entry(_ index: Int) -> AuditTrail.Entry {
            AuditTrail.Entry(
                time: Date(), requestId: "r\(index)", requester: requester, certificate: "c", holder: "h", token: "t",
                documents: [.init(name: "d\(index)", size: index, sha256: nil)], format: "xades", packaging: "enveloped",
                level: "B-B", result: "signed", problem: nil, prev: "")
        }
        try await trail.append(entry(1))
        try await trail.append(entry(2))
        // Rotation moves the trail with its anchor (and a copy of the key, to verify the old one).
        XCTAssertEqual(rename(path, path + ".1"), 0)
        XCTAssertEqual(rename(path + ".head", path + ".1.head"), 0)
        try FileManager.default.copyItem(atPath: path + ".key", toPath: path + ".1.key")
        try await trail.append(entry(3))
        XCTAssertEqual(try AuditAnchor.read(trail: path + ".1")?.count, 2)
        XCTAssertEqual(try AuditAnchor.read(trail: path)?.count, 1)
        XCTAssertNil(AuditLine.verify(try Data(contentsOf: URL(fileURLWithPath: path + ".1"))))
        let fresh = try Data(contentsOf: URL(fileURLWithPath: path))
        XCTAssertNil(AuditLine.verify(fresh))
        XCTAssertEqual(fresh.split(separator: 0x0A).count, 1)
    }
}
