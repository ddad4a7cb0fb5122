import Foundation
import XCTest

@testable import Audit

/// The audit trail in process: appends from many tasks form one unbroken
/// hash chain whose end is anchored; an edited line, a line cut from the
/// end and a trail swapped for an older copy are each found, by the same
/// checks `podpis audit verify` runs.
final class AuditTrailChainTests: XCTestCase {
    var directory: String!

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "audit-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: directory) }

    func entry(_ index: Int, result: String = "signed") -> AuditTrail.Entry {
        AuditTrail.Entry(
            time: Date(timeIntervalSince1970: 1_800_000_000 + Double(index)), requestId: "r-\(index)",
            requester: Requester(transport: .unix, origin: nil, uid: 1000, pid: nil), certificate: "0123456789abcdef",
            holder: "Jan Kowalski", token: "Karta", documents: [.init(name: "zaświadczenie-\(index).xml", size: 10 + index, sha256: String(repeating: "a", count: 64))],
            format: "xades", packaging: "enveloped", level: "B-B", result: result, problem: nil, prev: "")
    }

    /// What `podpis audit verify` concludes of the trail as it is on disk.
    func verdict(_ path: String) throws -> String {
        let snapshot = try AuditTrail.snapshot(path: path)
        guard let data = snapshot.data else { return "gone" }
        if let broken = AuditLine.verify(data) { return "line \(broken.line): \(broken.reason)" }
        let hashes = data.split(separator: UInt8(ascii: "\n")).compactMap { AuditLine(Data($0))?.hash }
        switch AuditAnchorCheck.check(trail: path, hashes: hashes, size: Int64(data.count), anchor: snapshot.anchor, key: AuditAnchor.key(trail: path)) {
        case .anchored(let count): return "anchored \(count)"
        case .anchoredWithoutKey(let count, _): return "anchored without key \(count)"
        case .broken(let reason): return "broken: \(reason)"
        }
    }

    func testConcurrentAppendsMakeOneChainAnchoredAtItsEnd() async throws {
        let path = directory + "/audit.jsonl"
        let trail = AuditTrail(path: path)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<64 {
                let entry = entry(index)
                group.addTask { try await trail.append(entry) }
            }
            try await group.waitForAll()
        }
        XCTAssertEqual(try verdict(path), "anchored 64")
        let lines = try Data(contentsOf: URL(fileURLWithPath: path)).split(separator: UInt8(ascii: "\n")).map { AuditLine(Data($0)) }
        XCTAssertEqual(lines.count, 64)
        // Each line's prev is the hash of the line before; the first's is the genesis.
        var previous = AuditTrail.genesis
        for line in lines {
            let line = try XCTUnwrap(line)
            XCTAssertEqual(line.entry?.prev, previous)
            previous = line.hash
        }
        XCTAssertEqual(Set(lines.compactMap { $0?.entry?.requestId }).count, 64, "every append is there once")
    }

    func testAnEditedLineIsNamed() async throws {
        let path = directory + "/audit.jsonl"
        let trail = AuditTrail(path: path)
        for index in 0..<3 { try await trail.append(entry(index)) }
        var text = try String(contentsOfFile: path, encoding: .utf8)
        text = text.replacingOccurrences(of: "zaświadczenie-1.xml", with: "zaświadczenie-9.xml")
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        let found = try verdict(path)
        XCTAssertTrue(found.hasPrefix("line 2:"), found)
    }

    func testALineCutFromTheEndOrAnOlderCopyIsFound() async throws {
        let path = directory + "/audit.jsonl"
        let trail = AuditTrail(path: path)
        for index in 0..<2 { try await trail.append(entry(index)) }
        let older = try Data(contentsOf: URL(fileURLWithPath: path))
        try await trail.append(entry(2))
        XCTAssertEqual(try verdict(path), "anchored 3")
        // Replaced by the copy of two lines: a chain intact in itself, but not the anchored end.
        try older.write(to: URL(fileURLWithPath: path))
        let found = try verdict(path)
        XCTAssertTrue(found.hasPrefix("broken:"), found)
        // The trail refuses more lines rather than extend a trail that no longer fits its anchor.
        let next = AuditTrail(path: path)
        do {
            try await next.check()
            XCTFail("a trail that does not fit its anchor is not written to")
        } catch {
            XCTAssertEqual(error.path, path)
        }
    }

    func testTheTrailHoldsNoPINAndNoContentFields() async throws {
        let path = directory + "/audit.jsonl"
        try await AuditTrail(path: path).append(entry(0))
        let line = try XCTUnwrap(AuditLine(try Data(contentsOf: URL(fileURLWithPath: path)).split(separator: UInt8(ascii: "\n")).first.map { Data($0) } ?? Data()))
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: line.entryBytes) as? [String: Any])
        XCTAssertEqual(
            Set(object.keys),
            ["time", "requestId", "requester", "certificate", "holder", "token", "documents", "format", "packaging", "level", "result", "prev"],
            "names, sizes and digests only: no field for a PIN or content")
    }
}
