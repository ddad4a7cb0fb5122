import Foundation
import SmartCard
import TestBench
import XCTest

/// The event stream on the real bench: cards in and out, pcscd stopping and
/// starting, and no busy loop while nothing happens.
final class ReaderEventsTests: XCTestCase {
    /// Collects events from a monitor on a background task.
    final class Recorder: @unchecked Sendable {
        private let lock = NSLock()
        private var list: [ReaderEvent] = []
        let monitor: ReaderMonitor
        private var task: Task<Void, Never>?

        init(retry: Duration = .milliseconds(300)) {
            monitor = ReaderMonitor(retryInterval: retry)
            task = Task { [monitor, self] in
                for await event in monitor { self.lock.withLock { self.list.append(event) } }
            }
        }

        var events: [ReaderEvent] { lock.withLock { list } }

        func waitFor(timeout: Double = 15, _ predicate: @escaping (ReaderEvent) -> Bool) -> Bool {
            TestBench.waitUntil(timeout: timeout) { events.contains(where: predicate) }
        }

        func stop() {
            monitor.stop()
            task?.cancel()
        }
    }

    func testStartReportsReadersThenCardRemovedAndInsertedWhenTheCardComesAndGoes() throws {
        let env = try TestBench.require()
        let reader = try XCTUnwrap(env["PODPIS_OPENPGP_READER"])
        let recorder = Recorder()
        defer { recorder.stop() }
        XCTAssertTrue(recorder.waitFor { if case .readerAppeared(let s) = $0 { return s.name == reader && s.hasCard } else { return false } })
        XCTAssertTrue(recorder.waitFor { if case .readerAppeared(let s) = $0 { return s.name == env["PODPIS_SCRIPTED_READER"] } else { return false } })

        try TestBench.script("card.sh", "openpgp", "stop")
        XCTAssertTrue(recorder.waitFor { $0 == .cardRemoved(reader: reader) }, "no card-removed event: \(recorder.events)")
        try TestBench.script("card.sh", "openpgp", "start")
        let atr = try XCTUnwrap(ATR(hex: try XCTUnwrap(env["PODPIS_OPENPGP_ATR"])))
        XCTAssertTrue(recorder.waitFor { $0 == .cardInserted(reader: reader, atr: atr) }, "no card-inserted event: \(recorder.events)")
    }

    func testIdleMonitorDoesNotBusyLoop() throws {
        try TestBench.require()
        let recorder = Recorder()
        defer { recorder.stop() }
        XCTAssertTrue(recorder.waitFor { if case .readerAppeared = $0 { return true } else { return false } })
        Thread.sleep(forTimeInterval: 0.5)
        let before = recorder.monitor.wakeUps
        Thread.sleep(forTimeInterval: 3)
        let after = recorder.monitor.wakeUps
        // A blocked SCardGetStatusChange wakes at most once a minute when idle.
        XCTAssertLessThanOrEqual(after - before, 2, "monitor woke \(after - before) times in 3 s of quiet")
    }

    func testReadersVanishAndReturnAcrossAPCSCDRestartWithoutBusyLooping() throws {
        let env = try TestBench.require()
        let names = [try XCTUnwrap(env["PODPIS_OPENPGP_READER"]), try XCTUnwrap(env["PODPIS_SCRIPTED_READER"])]
        let recorder = Recorder(retry: .milliseconds(500))
        defer { recorder.stop() }
        XCTAssertTrue(recorder.waitFor { if case .readerAppeared(let s) = $0 { return s.name == names[1] } else { return false } })

        try TestBench.script("pcscd.sh", "stop")
        for name in names {
            XCTAssertTrue(recorder.waitFor { $0 == .readerVanished(name: name) }, "\(name) did not vanish: \(recorder.events)")
        }
        XCTAssertTrue(recorder.waitFor { if case .serviceLost = $0 { return true } else { return false } })
        // While pcscd is down the monitor retries every 0.5 s, not in a loop.
        let before = recorder.monitor.wakeUps
        Thread.sleep(forTimeInterval: 2)
        XCTAssertLessThanOrEqual(recorder.monitor.wakeUps - before, 6)

        let cutoff = recorder.events.count
        try TestBench.script("pcscd.sh", "start")
        XCTAssertTrue(recorder.waitFor(timeout: 20) { $0 == .serviceRestored })
        for name in names {
            XCTAssertTrue(
                TestBench.waitUntil(timeout: 20) {
                    recorder.events.dropFirst(cutoff).contains { if case .readerAppeared(let s) = $0 { return s.name == name } else { return false } }
                }, "\(name) did not come back: \(recorder.events)")
        }
        // The OpenPGP card's bridge reconnects by itself: the card is back too.
        XCTAssertTrue(TestBench.waitUntil(timeout: 20) {
            (try? PCSCContext().statuses(of: [names[0]]).first?.hasCard) == true
        })
    }
}
