import Foundation
import TestBench
import XCTest

@testable import Doctor

/// The doctor's own machinery: time limits, outcomes and exit codes, who
/// holds a reader, the udev rule check.
final class DoctorInternalsTests: XCTestCase {
    func testTimeLimitedStopsWaitingAtItsLimit() {
        let started = Date()
        let result = TimeLimited.run(0.3) { () -> Int in
            Thread.sleep(forTimeInterval: 5)
            return 1
        }
        XCTAssertNil(result.value)
        XCTAssertLessThan(Date().timeIntervalSince(started), 1.5)
        XCTAssertEqual(TimeLimited.run(2) { 42 }.value, 42)
    }

    func testExitCodeFollowsTheWorstOutcome() {
        var report = Report(checkedAt: Date())
        XCTAssertEqual(report.exitCode, 0)
        report.system.append(.warning("x", "a-warning", found: .init(pl: "a", en: "a"), why: .init(pl: "b", en: "b"), fix: .init(pl: "c", en: "c")))
        XCTAssertEqual(report.exitCode, 1)
        report.modules.append(ModuleEntry(
            name: "m", path: "/m", configured: true, registered: false,
            findings: [.problem("x", "a-problem", found: .init(pl: "a", en: "a"), why: .init(pl: "b", en: "b"), fix: .init(pl: "c", en: "c"))]))
        XCTAssertEqual(report.exitCode, 2)
        XCTAssertEqual(report.located.map(\.place), ["system", "module:/m"])
    }

    func testTheOtherClientsOfPCSCDAreFoundFromSS() {
        let ss = """
            Netid State Recv-Q Send-Q Local Address:Port Peer Address:Port Process
            u_str ESTAB 0 0 /run/pcscd/pcscd.comm 531999 * 533214 users:(("pcscd",pid=5615,fd=11))
            u_str ESTAB 0 0 * 533214 * 531999 users:(("scdaemon",pid=9960,fd=3))
            u_str ESTAB 0 0 /run/pcscd/pcscd.comm 600001 * 600002 users:(("pcscd",pid=5615,fd=12))
            u_str ESTAB 0 0 * 600002 * 600001 users:(("podpis",pid=42,fd=5))
            u_str ESTAB 0 0 /run/other.sock 700001 * 700002 users:(("other",pid=77,fd=4))
            u_str ESTAB 0 0 * 700002 * 700001 users:(("client",pid=78,fd=4))
            u_str ESTAB 0 0 * 800001 * 800002 users:(("pcscd",pid=5615,fd=8),("python3",pid=300,fd=8),("podpis",pid=42,fd=8))
            u_str ESTAB 0 0 * 800002 * 800001 users:(("pcscd",pid=5615,fd=9),("python3",pid=300,fd=9),("podpis",pid=42,fd=9))
            """
        let clients = ExclusiveHolder.clients(ssOutput: ss, ourPID: 42)
        XCTAssertEqual(clients.count, 1, clients.description)
        XCTAssertTrue(clients[0].hasPrefix("scdaemon (pid 9960)"), clients[0])
        XCTAssertTrue(clients[0].contains("gpgconf --kill scdaemon"))
        // A socket pair several processes inherited is nobody's connection to pcscd.
    }

    func testUdevRuleIsNeededOnlyForATokenThatIsNotCCID() throws {
        let dir = try TestBench.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let sysfs = dir.appendingPathComponent("devices"), rules = dir.appendingPathComponent("rules.d")
        try FileManager.default.createDirectory(at: rules, withIntermediateDirectories: true)
        func device(_ name: String, vendor: String, product: String, interfaceClass: String) throws {
            let device = sysfs.appendingPathComponent(name)
            let interface = sysfs.appendingPathComponent("\(name)/\(name):1.0")
            try FileManager.default.createDirectory(at: interface, withIntermediateDirectories: true)
            try Data("\(vendor)\n".utf8).write(to: device.appendingPathComponent("idVendor"))
            try Data("\(product)\n".utf8).write(to: device.appendingPathComponent("idProduct"))
            try Data("\(interfaceClass)\n".utf8).write(to: interface.appendingPathComponent("bInterfaceClass"))
        }
        let check = UdevRuleCheck(sysfsDevices: sysfs.path, ruleDirectories: [rules.path])
        XCTAssertEqual(check.run().code, "udev-not-needed")
        try device("1-1", vendor: "096e", product: "0807", interfaceClass: "0b")  // a CCID Feitian: pcscd serves it
        XCTAssertEqual(check.run().code, "udev-not-needed")
        try device("1-2", vendor: "0529", product: "0600", interfaceClass: "ff")  // eToken PRO: its module opens it itself
        let missing = check.run()
        XCTAssertEqual(missing.code, "udev-rule-missing")
        XCTAssertEqual(missing.outcome, .problem)
        XCTAssertTrue(missing.fix?.pl.contains("70-podpis-tokens.rules") == true)
        try Data("# rule\n".utf8).write(to: rules.appendingPathComponent("70-podpis-tokens.rules"))
        XCTAssertEqual(check.run().code, "udev-rule-installed")
    }

    func testUdevTableMatchesTheRuleFile() throws {
        let rule = try String(
            contentsOf: TestBench.repositoryRoot.appendingPathComponent("udev/70-podpis-tokens.rules"), encoding: .utf8)
        for token in UdevRuleCheck.tokens {
            XCTAssertTrue(rule.contains("ATTR{idVendor}==\"\(token.vendor)\""), token.vendor)
            if let product = token.product { XCTAssertTrue(rule.contains("ATTR{idProduct}==\"\(product)\""), product) }
        }
    }
}
