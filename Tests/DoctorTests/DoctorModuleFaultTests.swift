import Foundation
import TestBench
import XCTest

/// PKCS#11 modules that cannot work, named in podpisd.toml.
final class DoctorModuleFaultTests: XCTestCase {
    func testConfiguredModulePathThatDoesNotExistIsModuleFileMissing() throws {
        let desk = try DoctorDesk(modules: ["/nonexistent/libvendor-pkcs11.so"])
        try desk.expectOnly("module-file-missing")
        let missing = try XCTUnwrap(try desk.doctor().troubles.first)
        XCTAssertEqual(missing.place, "module:/nonexistent/libvendor-pkcs11.so")
    }

    func testModuleFileThatIsNotALibraryIsModuleNotALibrary() throws {
        let dir = try TestBench.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let text = dir.appendingPathComponent("libvendor-pkcs11.so")
        try Data("# not a library, a text file someone named .so\n".utf8).write(to: text)
        let desk = try DoctorDesk(modules: [text.path])
        try desk.expectOnly("module-not-a-library")
    }

    func testAModuleWhoseCInitializeFailsIsModuleInitFailedWithTheCKRName() throws {
        let desk = try DoctorDesk()
        // SoftHSM without its configuration file refuses C_Initialize.
        let broken = ["SOFTHSM2_CONF": desk.dir.appendingPathComponent("no-such-softhsm2.conf").path]
        try desk.expectOnly("module-init-failed", environment: broken)
        let failed = try XCTUnwrap(try desk.doctor(environment: broken).troubles.first)
        XCTAssertEqual(failed.details["C_Initialize"], "CKR_GENERAL_ERROR")
        XCTAssertTrue(failed.found.contains("CKR_GENERAL_ERROR"), failed.found)
        XCTAssertFalse(failed.found.contains("podpis doctor"), failed.found)
    }

    func testASharedLibraryThatIsNoPKCS11ModuleGivesTheLoadersOwnText() throws {
        let desk = try DoctorDesk()
        let libz = try XCTUnwrap(["/usr/lib/x86_64-linux-gnu/libz.so.1", "/lib/x86_64-linux-gnu/libz.so.1", "/usr/lib/aarch64-linux-gnu/libz.so.1"]
            .first { FileManager.default.fileExists(atPath: $0) })
        try desk.expectOnly("module-load-failed", ["--module", libz])
        let failed = try XCTUnwrap(try desk.doctor(["--module", libz]).troubles.first)
        XCTAssertTrue(failed.details["loader"]?.contains("C_GetFunctionList") == true, failed.details.description)
    }
}
