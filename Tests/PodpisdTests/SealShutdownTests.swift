import Foundation
import TestBench
import XCTest

/// systemd stops podpisd with SIGTERM whenever it likes, also a moment after
/// a batch finished, while the client's DELETE has its files removed in the
/// background: podpisd ends cleanly (exit 0, no signal), every time. A crash
/// (SIGSEGV) was seen in about 1 of 9 such stops.
final class SealShutdownTests: BenchTestCase {
    func testSIGTERMRightAfterABatchFinishedEndsPodpisdCleanly() throws {
        let rounds = 8
        let (dir, daemon, input, out) = try softHSMSeald(sessions: 2, documents: 300)
        var delays: [Double] = []
        defer { if daemon.pid > 0, kill(daemon.pid, 0) == 0 { daemon.stop() } }
        for round in 0..<rounds {
            try? FileManager.default.removeItem(at: out)
            try daemon.start()
            // Without --keep: the client deletes the batch once it has every seal.
            let sealed = try TestBench.runCapturing(SealingTests.podpis, daemon.sealArguments(input, out: out, "--json"))
            XCTAssertEqual(sealed.status, 0, sealed.stderr + daemon.logText)
            XCTAssertEqual(SealOutputs.names(in: out).count, 300)
            // SIGTERM at once, or up to 1.5 s later (spread over the rounds).
            let delay = Double(round) / Double(rounds - 1) * 1.5
            delays.append(delay)
            Thread.sleep(forTimeInterval: delay)
            kill(daemon.pid, SIGTERM)
            var status: Int32 = 0
            XCTAssertTrue(TestBench.waitUntil(timeout: 20) { waitpid(daemon.pid, &status, WNOHANG) == daemon.pid }, daemon.logText)
            let signal = status & 0x7F
            XCTAssertEqual(signal, 0, "round \(round) (SIGTERM \(delay) s after the batch): podpisd died of signal \(signal)\n\(daemon.logText)")
            XCTAssertEqual(status >> 8 & 0xFF, 0, "round \(round): exit status\n\(daemon.logText)")
            XCTAssertTrue(daemon.logText.contains("stopped"), daemon.logText)
        }
        XCTAssertEqual(delays.count, rounds)
        _ = dir
    }
}
