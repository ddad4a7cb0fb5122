import Foundation
import TestBench
import XCTest

/// Tar uploads chosen to hurt, sent to a real podpisd: numbers the reader
/// cannot hold (a pax `mtime` of `nan`) are answered with a stable code while
/// podpisd stays up for everyone else; a batch over its `max_batch_mib` and a
/// name repeated inside one archive are refused entry by entry.
final class HostileUploadTests: BenchTestCase {
    func sealDaemon(extra: String = "") throws -> Daemon {
        try SealBatchTests.sealDaemon(env: env, sessions: 1, extra: extra)
    }

    /// A podpisd whose seal profile takes at most 1 MiB a document and 1 MiB
    /// a batch, and a new batch on it.
    func batchOfOneMiB() throws -> (daemon: Daemon, id: String) {
        let daemon = try sealDaemon(extra: """
            max_document_mib = 1
            max_batch_mib = 1
            """)
        return (daemon, try daemon.newSealBatch())
    }

    /// A pax archive written by Python's tarfile: each entry's name, size (its
    /// data a small XML document padded with spaces) and pax records, as given.
    static func archive(_ path: String, _ entries: [(name: String, size: Int, pax: [String: String])]) throws {
        let spec = try JSONSerialization.data(withJSONObject: entries.map { ["name": $0.name, "size": $0.size, "pax": $0.pax] })
        _ = try TestBench.run("python3", ["-c", """
            import io, json, sys, tarfile
            with tarfile.open(sys.argv[1], "w", format=tarfile.PAX_FORMAT) as t:
                for e in json.loads(sys.argv[2]):
                    data = (b'<?xml version="1.0"?>\\n<a/>\\n' + b' ' * e["size"])[:max(e["size"], 27)]
                    info = tarfile.TarInfo(e["name"])
                    info.size = len(data)
                    info.pax_headers = e["pax"]
                    t.addfile(info, io.BytesIO(data))
            """, path, String(decoding: spec, as: UTF8.self)])
    }

    /// Writes the archive `name` of `entries` (see `archive`) in the daemon's
    /// directory and uploads it to batch `id`: podpisd's answer.
    func upload(_ daemon: Daemon, _ id: String, _ name: String, _ entries: [(name: String, size: Int, pax: [String: String])]) throws -> HTTPResult {
        let archive = daemon.dir.appendingPathComponent(name).path
        try Self.archive(archive, entries)
        return try daemon.unix("/v1/batches/\(id)/documents", ["-X", "POST", "-H", "Content-Type: application/x-tar", "--data-binary", "@\(archive)"])
    }

    func names(_ daemon: Daemon, _ id: String) throws -> [String] {
        (try daemon.unix("/v1/batches/\(id)/documents").json["documents"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }.sorted()
    }

    func testAPaxMtimeOfNanOrInfIsRefusedWithACodeAndPodpisdStaysUp() throws {
        let daemon = try sealDaemon()
        let id = try daemon.newSealBatch()
        for (index, mtime) in ["nan", "inf", "1e300", "-1e300"].enumerated() {
            let sent = try upload(daemon, id, "mtime-\(index).tar", [("ok-\(index).xml", 40, [:]), ("bad-\(index).xml", 40, ["mtime": mtime])])
            XCTAssertEqual(sent.status, 400, "\(mtime): \(sent.text)")
            XCTAssertEqual(sent.problem, "bad-archive", mtime)
            XCTAssertEqual(sent.json["reason"] as? String, "tar-bad-pax", mtime)
            XCTAssertEqual(kill(daemon.pid, 0), 0, "podpisd still runs after mtime=\(mtime)")
            XCTAssertEqual(try daemon.unix("/v1/status").status, 200, "podpisd still answers after mtime=\(mtime)")
        }
        // What came whole before the fault was taken; the entry with the bad number was not.
        XCTAssertEqual(try names(daemon, id), ["ok-0.xml", "ok-1.xml", "ok-2.xml", "ok-3.xml"])
        XCTAssertEqual(try daemon.tcp("/v1/status").status, 200, "and over TCP too")
    }

    func testABatchOverItsTotalLimitRefusesWhatDoesNotFit() throws {
        let (daemon, id) = try batchOfOneMiB()
        // 3 × 400 KiB: the third would take the batch over 1 MiB.
        let sent = try upload(daemon, id, "big.tar", (1...3).map { ("duzy-\($0).xml", 400 << 10, [:]) })
        XCTAssertEqual(sent.status, 200, sent.text)
        XCTAssertEqual(sent.json["added"] as? Int, 2, sent.text)
        XCTAssertEqual(sent.json["refused"] as? Int, 1, sent.text)
        let refused = (sent.json["documents"] as? [[String: Any]] ?? []).first { $0["status"] as? String == "refused" }
        XCTAssertEqual(refused?["name"] as? String, "duzy-3.xml")
        XCTAssertEqual(refused?["code"] as? String, "batch-too-large")
        // A PUT that does not fit either: its size is known once spooled.
        let document = daemon.dir.appendingPathComponent("put.xml")
        try Data(("<?xml version=\"1.0\"?>\n<a/>\n" + String(repeating: " ", count: 400 << 10)).utf8).write(to: document)
        let put = try daemon.unix("/v1/batches/\(id)/documents/put.xml", ["-X", "PUT", "--data-binary", "@\(document.path)"])
        XCTAssertEqual(put.status, 413, put.text)
        XCTAssertEqual(put.problem, "batch-too-large")
        XCTAssertEqual(try names(daemon, id), ["duzy-1.xml", "duzy-2.xml"])
        // Nothing of the refused ones is left on disk: documents/ empty, the one pack holds two entries.
        let packs = daemon.dir.appendingPathComponent("batches/\(id)/packs").path
        let packFiles = try FileManager.default.contentsOfDirectory(atPath: packs)
        XCTAssertEqual(packFiles.count, 1, "\(packFiles)")
        XCTAssertEqual(try TestBench.run("tar", ["-tf", packs + "/" + packFiles[0]]).split(separator: "\n"), ["duzy-1.xml", "duzy-2.xml"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: daemon.dir.appendingPathComponent("batches/\(id)/documents").path), [])
    }

    /// Entries refused or compared are read all the same: one archive may make
    /// podpisd read at most max_batch_mib of them, then it is not read on.
    func testAnArchiveOfEntriesNotKeptIsReadNoFurtherThanTheBatchLimit() throws {
        let (daemon, id) = try batchOfOneMiB()
        // a.xml kept, then a.xml again and again (600 KiB each, name-repeated): the second repeat crosses 1 MiB.
        let sent = try upload(daemon, id, "repeated-big.tar", [("a.xml", 100 << 10, [:]), ("a.xml", 600 << 10, [:]), ("a.xml", 600 << 10, [:]), ("b.xml", 40, [:])])
        XCTAssertEqual(sent.status, 413, sent.text)
        XCTAssertEqual(sent.problem, "batch-too-large")
        XCTAssertEqual(try names(daemon, id), ["a.xml"], "what came whole before is kept, nothing after is read")
        XCTAssertEqual(try daemon.unix("/v1/status").status, 200)
    }

    func testANameRepeatedInOneArchiveIsRefusedAfterItsFirstEntry() throws {
        let daemon = try sealDaemon()
        let id = try daemon.newSealBatch()
        let sent = try upload(daemon, id, "repeated.tar", [("a.xml", 40, [:]), ("a.xml", 50, [:]), ("b.xml", 40, [:]), ("a.xml", 40, [:])])
        XCTAssertEqual(sent.status, 200, sent.text)
        let entries = try XCTUnwrap(sent.json["documents"] as? [[String: Any]])
        XCTAssertEqual(entries.map { $0["status"] as? String ?? "" }, ["added", "refused", "added", "refused"], sent.text)
        XCTAssertEqual(entries.compactMap { $0["code"] as? String }, ["name-repeated", "name-repeated"])
        XCTAssertEqual(try names(daemon, id), ["a.xml", "b.xml"])
    }
}
