import Foundation
import TestBench
import XCTest

/// `podpis seal` through podpisd killed with SIGKILL while it stores seals:
/// the temporaries it was writing (`.NAME.podpis-PID-N.tmp`) are removed by
/// the next run, which finishes the batch with each document sealed once;
/// a live writer's temporary is left alone.
final class SealClientCrashTests: BenchTestCase {
    func testTheNextRunRemovesTheTemporariesOfAKilledClient() throws {
        let count = 400
        let (dir, daemon, input, out) = try softHSMSeald(sessions: 1, documents: count)
        let arguments = daemon.sealArguments(input, out: out, "--json")
        try daemon.start()
        defer { daemon.stop() }

        // A temporary of a process that is gone (as a kill -9 leaves it), and one of a live process (this one).
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let gone = try Background.start("/bin/true", [], output: "/dev/null")
        XCTAssertNotNil(TestBench.reap(gone, within: 10))
        let stale = out.appendingPathComponent(".zaswiadczenie-0001.pdf.p7s.podpis-\(gone)-42.tmp")
        let live = out.appendingPathComponent(".zaswiadczenie-0003.pdf.p7s.podpis-\(getpid())-7.tmp")
        try Data("half a seal".utf8).write(to: stale)
        try Data("being written".utf8).write(to: live)

        // The client is killed while it fetches and stores seals.
        let first = try Background.start(SealingTests.podpis, arguments, output: dir.appendingPathComponent("first.log").path)
        XCTAssertTrue(TestBench.waitUntil(timeout: 60) { SealOutputs.names(in: out).count >= 40 }, daemon.logText)
        kill(first, SIGKILL)
        XCTAssertNotNil(TestBench.reap(first, within: 30))

        // The same command again: it takes the batch up and finishes it.
        let second = try TestBench.runCapturing(SealingTests.podpis, arguments, environment: ["LANG": "en_US.UTF-8"])
        XCTAssertEqual(second.status, 0, second.stderr + daemon.logText)
        let hidden = ((try? FileManager.default.contentsOfDirectory(atPath: out.path)) ?? []).filter { $0.hasPrefix(".") }.sorted()
        XCTAssertEqual(hidden, [".podpis-seal-journal.jsonl", live.lastPathComponent],
                       "no temporary of a dead process is left; the live writer's is not touched")
        let names = SealOutputs.names(in: out)
        XCTAssertEqual(names.count, count)
        let journaled = try SealOutputs.journaled(out.appendingPathComponent(".podpis-seal-journal.jsonl").path)
        XCTAssertEqual(journaled.count, count, "each document once in the client's journal")
        try SealOutputs.verifyEach(names.filter { $0.hasSuffix(".p7s") }.prefix(20).map { $0 }, in: out, over: input)
        try FileManager.default.removeItem(at: live)
    }
}
