import Foundation
import TestBench
import XCTest

/// The rest of the desk: the TSA, podpisd and its socket, the configuration.
final class DoctorDeskFaultTests: XCTestCase {
    func testTSADownIsTSAUnreachable() throws {
        let desk = try DoctorDesk()
        try DoctorDesk.bench("services.sh", ["tsa", "stop"])
        defer { _ = try? DoctorDesk.bench("services.sh", ["tsa", "start"]) }
        try desk.expectOnly("tsa-unreachable")
        let down = try XCTUnwrap(try desk.doctor().troubles.first)
        XCTAssertEqual(down.details["url"], desk.env["PODPIS_TSA_URL"])
    }

    func testDaemonSocketWithWrongPermissionsIsDaemonSocketPermissions() throws {
        let desk = try DoctorDesk()
        XCTAssertEqual(chmod(desk.socket, 0o666), 0)
        defer { chmod(desk.socket, 0o600) }
        try desk.expectOnly("daemon-socket-permissions")
        let wrong = try XCTUnwrap(try desk.doctor().troubles.first)
        XCTAssertEqual(wrong.details["mode"], "0666")
        XCTAssertEqual(wrong.details["expectedMode"], "0600")
    }

    func testDaemonNotRunningIsAWarning() throws {
        let desk = try DoctorDesk(daemon: false)
        try desk.expectOnly("daemon-not-running", outcome: "warning")
    }

    func testAConfigurationMistakeIsReportedWithItsLine() throws {
        let desk = try DoctorDesk()
        var text = try String(contentsOfFile: desk.config, encoding: .utf8)
        text += "[defaults]\nformat = \"pdf\"\n"
        try Data(text.utf8).write(to: URL(fileURLWithPath: desk.config))
        let run = try desk.doctor()
        XCTAssertEqual(Set(run.troubles.map(\.code)), ["config-invalid"], run.summary)
        let invalid = try XCTUnwrap(run.troubles.first)
        XCTAssertEqual(invalid.details["key"], "defaults.format")
        XCTAssertNotNil(Int(invalid.details["line"] ?? ""), invalid.details.description)
    }
}
