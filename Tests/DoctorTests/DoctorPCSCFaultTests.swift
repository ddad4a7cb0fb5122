import Foundation
import TestBench
import XCTest

/// The bench broken on the PC/SC side, one fault at a time: each gives
/// exactly its code, with the reason and the fix, and is undone afterwards.
final class DoctorPCSCFaultTests: XCTestCase {
    static let unknownATR = "3B 8A 80 01 50 4F 44 50 49 53 54 45 53 54 31"
    static let certumATR = "3B 7F 96 00 00 80 31 80 58 43 65 72 74 75 6D 30 31 82 90 00"

    func testPCSCDStoppedIsPCSCDNotRunning() throws {
        let desk = try DoctorDesk()
        try DoctorDesk.bench("pcscd.sh", ["stop"])
        defer { _ = try? DoctorDesk.bench("pcscd.sh", ["start"]) }
        try desk.expectOnly("pcscd-not-running")
    }

    func testAPCSCDSocketThisUserMayNotOpenIsPCSCAccessDenied() throws {
        guard getuid() == 0 else { throw XCTSkip("needs root to act as another user") }
        let desk = try DoctorDesk(daemon: false)
        let socket = try XCTUnwrap(desk.env["PCSCLITE_CSOCK_NAME"])
        XCTAssertEqual(chmod(socket, 0o600), 0)
        defer { chmod(socket, 0o666) }
        // No modules (the test's SoftHSM token is root's) and no podpisd for this user.
        let run = try desk.doctor(["--no-registered"], asNobody: true)
        XCTAssertEqual(run.status, 2, run.summary)
        XCTAssertEqual(Set(run.troubles.map(\.code)), ["pcsc-access-denied", "daemon-not-running"], run.summary)
        let denied = try XCTUnwrap(run.troubles.first { $0.code == "pcsc-access-denied" })
        XCTAssertEqual(denied.details["errno"], "EACCES")
        XCTAssertFalse(denied.fix.isEmpty)
    }

    func testAReaderHeldExclusivelyNamesTheProgramsConnectedToPCSCD() throws {
        let desk = try DoctorDesk()
        let reader = desk.env["PODPIS_OPENPGP_READER"]!
        // Another program takes the card exclusively (SCARD_SHARE_EXCLUSIVE) and keeps it.
        let holder = """
            import ctypes, ctypes.util, sys, time
            lib = ctypes.CDLL(ctypes.util.find_library("pcsclite"))
            ctx, card, proto = ctypes.c_long(), ctypes.c_long(), ctypes.c_ulong()
            lib.SCardEstablishContext(2, None, None, ctypes.byref(ctx))
            rv = lib.SCardConnect(ctx, sys.argv[1].encode(), 1, 3, ctypes.byref(card), ctypes.byref(proto)) & 0xFFFFFFFF
            print("connected" if rv == 0 else "failed %x" % rv, flush=True)
            time.sleep(60)
            """
        let log = desk.dir.appendingPathComponent("holder.log").path
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let words: [String] = ["/usr/bin/python3", "-c", holder, reader]
        let argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = ProcessInfo.processInfo.environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { argv.forEach { free($0) }; envp.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/usr/bin/python3", &actions, nil, argv, envp)
        XCTAssertEqual(spawned, 0)
        defer { TestBench.stop(pid) }
        XCTAssertTrue(TestBench.waitUntil(timeout: 10) { ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").contains("connected") })

        let run = try desk.doctor(["--reader", reader])
        XCTAssertEqual(Set(run.troubles.map(\.code)), ["reader-exclusive"], run.summary)
        let held = try XCTUnwrap(run.troubles.first)
        XCTAssertEqual(held.details["pcsc"], "SCARD_E_SHARING_VIOLATION")
        XCTAssertTrue(held.found.contains("python3 (pid \(pid))"), "pid \(pid): \(held.found)")
    }

    func testPCSCDWithoutReadersIsReaderNone() throws {
        let desk = try DoctorDesk()
        try DoctorDesk.bench("pcscd.sh", ["stop"])
        try DoctorDesk.bench("pcscd.sh", ["start", "--no-readers"])
        defer {
            _ = try? DoctorDesk.bench("pcscd.sh", ["stop"])
            _ = try? DoctorDesk.bench("pcscd.sh", ["start"])
        }
        try desk.expectOnly("reader-none")
    }

    func testNoCardInTheReaderIsCardAbsent() throws {
        let desk = try DoctorDesk()
        try DoctorDesk.bench("card.sh", ["openpgp", "stop"])
        defer { _ = try? DoctorDesk.bench("card.sh", ["openpgp", "start"]) }
        try desk.expectOnly("card-absent", outcome: "warning")
    }

    func testACardWithAnATRNobodyKnowsIsCardUnknownATRWithTheATRAndWhereToReportIt() throws {
        let desk = try DoctorDesk()
        let unknown = try desk.soleTrouble(withScriptedCard: Self.unknownATR, "card-unknown-atr")
        XCTAssertTrue(unknown.found.contains(Self.unknownATR), unknown.found)
        XCTAssertTrue(unknown.fix.contains("https://smartcard-atr.apdu.fr/"), unknown.fix)
        XCTAssertEqual(unknown.place, "reader:\(desk.env["PODPIS_SCRIPTED_READER"]!)/card")
    }

    func testAKnownPolishCardWhoseModuleIsMissingSaysWhichSoftwareProvidesIt() throws {
        let desk = try DoctorDesk()
        let missing = try desk.soleTrouble(withScriptedCard: Self.certumATR, "card-module-missing")
        XCTAssertTrue(missing.found.contains("Certum cryptoCertum"), missing.found)
        XCTAssertTrue(missing.fix.contains("proCertum CardManager"), missing.fix)
        XCTAssertEqual(missing.details["module"], "cryptoCertum3PKCS")
    }
}
