import Foundation
import TestBench
import XCTest

/// The token pulled in the middle of a batch through podpisd, then podpisd
/// killed with SIGKILL in the middle of the same batch: the batch pauses
/// with an event that says why, resumes by itself when the card is back
/// (podpisd logs in again from the profile's PIN file), is taken up again
/// after the restart, and ends with every document sealed exactly once; the
/// audit trail, podpisd's journal and the client's journal agree.
final class SealTokenLossTests: BenchTestCase {
    func testATokenPulledAndPodpisdKilledMidBatchStillSealEachDocumentOnce() throws {
        let count = 90
        let dir = try scratchDirectory()
        let card = String(try OpenSSL.certificateSHA256("openpgp-sign").prefix(16))
        let daemon = try SealBatchTests.Seald(dir: dir, profile: try SealBatchTests.profile(
            certificate: card, pin: env["PODPIS_OPENPGP_PIN"]!, dir: dir, modules: [env["PODPIS_OPENSC_MODULE"]!], sessions: 1))
        let input = dir.appendingPathComponent("in")
        try FileManager.default.createDirectory(at: input, withIntermediateDirectories: true)
        for index in 1...count {
            try Data("%PDF-1.7\n% zaświadczenie \(index)\n%%EOF\n".utf8).write(to: input.appendingPathComponent(String(format: "z%03d.pdf", index)))
        }
        let out = dir.appendingPathComponent("out")
        let arguments = daemon.sealArguments(input, out: out, "--keep", "--json")
        try daemon.start()
        defer { daemon.stop() }
        defer { _ = try? TestBench.script("card.sh", "openpgp", "start") }

        let firstLog = dir.appendingPathComponent("first.log").path
        let client = try Background.start(SealingTests.podpis, arguments, output: firstLog, environment: ["LANG": "en_US.UTF-8"])
        XCTAssertTrue(try TestBench.waitUntil(timeout: 60) { (try daemon.batch()?["sealed"] as? Int ?? 0) >= 5 }, daemon.logText)
        let batch = try XCTUnwrap(try daemon.batch()?["id"] as? String)
        // Someone follows the batch's events (as an EZD page would).
        let events = dir.appendingPathComponent("events.txt").path
        let follower = try Background.start("curl", [
            "-sS", "-N", "--unix-socket", daemon.socket, "http://localhost/v1/batches/\(batch)/events?documents=false",
        ], output: events)
        defer { TestBench.stop(follower, grace: 0) }

        // The card is pulled: the batch pauses and says why, in its status and as an event.
        try TestBench.script("card.sh", "openpgp", "stop")
        XCTAssertTrue(try TestBench.waitUntil(timeout: 20) { try daemon.batch()?["state"] as? String == "paused" }, daemon.logText)
        XCTAssertTrue(TestBench.waitUntil(timeout: 10) {
            let text = (try? String(contentsOfFile: events, encoding: .utf8)) ?? ""
            return text.split(separator: "\n").contains { $0.hasPrefix("data:") && $0.contains("\"paused\"") && $0.contains("token-absent") }
        }, (try? String(contentsOfFile: events, encoding: .utf8)) ?? "")
        let paused = try XCTUnwrap(try daemon.batch())
        XCTAssertEqual(paused["failed"] as? Int, 0, "no document fails because the card went away")
        let sealedWhilePaused = paused["sealed"] as? Int ?? 0
        Thread.sleep(forTimeInterval: 2)
        XCTAssertEqual(try daemon.batch()?["sealed"] as? Int, sealedWhilePaused, "nothing sealed while the card is out")

        // Back: the batch resumes by itself (a fresh login from the PIN file), and an event says so.
        try TestBench.script("card.sh", "openpgp", "start")
        XCTAssertTrue(try TestBench.waitUntil(timeout: 60) { (try daemon.batch()?["sealed"] as? Int ?? 0) >= sealedWhilePaused + 5 }, daemon.logText)
        XCTAssertEqual(try daemon.batch()?["state"] as? String, "sealing")
        XCTAssertTrue(daemon.logText.contains("batch \(batch) paused: token-absent") && daemon.logText.contains("batch \(batch) resumed"), daemon.logText)

        // podpisd killed with SIGKILL in the middle of the same batch.
        let beforeKill = try daemon.batch()?["sealed"] as? Int ?? 0
        XCTAssertLessThan(beforeKill, count, "killed before the end")
        daemon.kill9()
        XCTAssertNotNil(TestBench.reap(client, within: 60), "the client ends once podpisd is gone")

        // Restarted, podpisd takes the batch up; the same command finishes it.
        try daemon.start()
        let second = try TestBench.runCapturing(SealingTests.podpis, arguments, environment: ["LANG": "en_US.UTF-8"])
        XCTAssertEqual(second.status, 0, second.stderr + daemon.logText)
        let summary = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(second.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(summary["batch"] as? String, batch, "the same batch, taken up again")
        XCTAssertEqual(summary["failed"] as? Int, 0)
        let done = try XCTUnwrap(try daemon.batch())
        XCTAssertEqual(done["state"] as? String, "done")
        XCTAssertEqual(done["sealed"] as? Int, count)

        // Each document sealed once, everywhere.
        let names = SealOutputs.names(in: out)
        XCTAssertEqual(names.sorted(), (1...count).map { String(format: "z%03d.pdf.p7s", $0) })
        let seals = daemon.batches + "/" + batch + "/seals"
        var sealEntries: [String] = []
        for pack in ((try? FileManager.default.contentsOfDirectory(atPath: seals)) ?? []) where pack.hasPrefix("pack-") {
            sealEntries += try TestBench.run("tar", ["-tf", seals + "/" + pack]).split(separator: "\n").map(String.init)
        }
        XCTAssertEqual(sealEntries.sorted(), names.sorted(), "podpisd made each seal once")
        let daemonJournal = try SealOutputs.journaled(seals + "/.podpis-seal-journal.jsonl")
        let clientJournal = try SealOutputs.journaled(out.appendingPathComponent(".podpis-seal-journal.jsonl").path)
        XCTAssertEqual(daemonJournal.count, count)
        XCTAssertEqual(clientJournal, daemonJournal)
        // (audited runs `podpis audit verify` on the trail first.)
        let audited = try SealOutputs.audited(dir.appendingPathComponent("audit.jsonl").path, requestID: "batch:\(batch)")
        XCTAssertEqual(audited, daemonJournal, "the journal and the audit trail agree on every document")
        try SealOutputs.assertDigests(daemonJournal, of: input)
        try SealOutputs.verifyEach(names, in: out, over: input)
    }
}
