import Foundation
import TestBench
import XCTest

/// A reader whose card never answers (a scripted card, --mute: it gives its
/// ATR, then no answer to any APDU; vpcd has no timeout, so every program
/// talking to it blocks, OpenSC probing it included). The doctor must not
/// hang: each check gives up at its limit and the process ends.
final class DoctorTimeLimitTests: XCTestCase {
    func testACardThatNeverAnswersCostsEachCheckNoMoreThanItsTimeLimit() throws {
        let desk = try DoctorDesk()
        try DoctorDesk.bench("card.sh", ["scripted", "start", DoctorPCSCFaultTests.unknownATR, "--mute"])
        defer { _ = try? DoctorDesk.bench("card.sh", ["scripted", "stop"]) }
        let limit = 3.0
        let run = try desk.doctor(["--time-limit", String(limit)])
        XCTAssertEqual(run.status, 2, run.summary)
        let codes = Set(run.troubles.map(\.code))
        XCTAssertTrue(codes.contains("card-unresponsive"), run.summary)
        let mute = try XCTUnwrap(run.troubles.first { $0.code == "card-unresponsive" })
        XCTAssertEqual(mute.place, "reader:\(desk.env["PODPIS_SCRIPTED_READER"]!)/card")
        for finding in run.findings {
            if let seconds = finding.seconds {
                XCTAssertLessThanOrEqual(seconds, limit + 0.75, "\(finding.code) @ \(finding.place) took \(seconds) s")
            }
        }
        // Whatever hangs on the card (here OpenSC) is reported, not waited for.
        for timeout in run.troubles where timeout.code == "check-timeout" {
            XCTAssertFalse(timeout.fix.isEmpty)
        }
        // The card probe and then the modules, each at most its limit; the rest runs beside them.
        XCTAssertLessThan(run.seconds, limit * 2 + 6, "the whole report took \(run.seconds) s")
    }
}
