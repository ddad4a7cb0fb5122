import Foundation
import TestBench
import XCTest

@testable import Doctor

/// A module file's architecture, read from its ELF header before loading.
final class DoctorModuleFileTests: XCTestCase {
    /// A 32-bit ARM shared library header (ELFCLASS32, little-endian, ET_DYN, EM_ARM).
    static func armLibrary(in dir: URL) throws -> String {
        var header = [UInt8](repeating: 0, count: 64)
        header[0...3] = [0x7F, 0x45, 0x4C, 0x46]
        header[4] = 1
        header[5] = 1
        header[6] = 1
        header[16] = 3
        header[18] = 40
        let path = dir.appendingPathComponent("libvendor-pkcs11-armhf.so").path
        try Data(header + [UInt8](repeating: 0, count: 512)).write(to: URL(fileURLWithPath: path))
        return path
    }

    func testALibraryForAnotherArchitectureIsModuleWrongArchitecture() throws {
        let dir = try TestBench.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let finding = ModuleFileCheck(path: try Self.armLibrary(in: dir)).run()
        XCTAssertEqual(finding.code, "module-wrong-architecture")
        XCTAssertEqual(finding.details["architecture"], "ARM 32-bit")
        XCTAssertTrue(finding.fix?.en.contains(ELFHeader.host.architecture) == true)
    }

    func testWrongArchitectureThroughTheCommand() throws {
        let dir = try TestBench.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let desk = try DoctorDesk(modules: [try Self.armLibrary(in: dir)])
        try desk.expectOnly("module-wrong-architecture")
    }

    func testTheBenchModulesAreLibrariesOfThisComputer() throws {
        let env = try TestBench.require()
        for path in [env["PODPIS_SOFTHSM_MODULE"]!, env["PODPIS_OPENSC_MODULE"]!] {
            XCTAssertEqual(ModuleFileCheck(path: path).run().code, "module-file-ok", path)
        }
        XCTAssertEqual(ModuleFileCheck(path: "/nonexistent/x.so").run().code, "module-file-missing")
        XCTAssertEqual(ModuleFileCheck(path: "/etc").run().code, "module-not-a-library")
    }

    func testRegisteredModulesAreReadFromP11KitsConfiguration() throws {
        let dir = try TestBench.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let package = dir.appendingPathComponent("package"), system = dir.appendingPathComponent("system")
        for d in [package, system] { try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true) }
        func write(_ dir: URL, _ name: String, _ text: String) throws {
            try Data(text.utf8).write(to: dir.appendingPathComponent(name))
        }
        try write(package, "vendor.module", "# a vendor\nmodule: libvendor.so\n")
        try write(package, "trust.module", "module: p11-kit-trust.so\ntrust-policy: yes\n")
        try write(package, "other.module", "module: /opt/other/libother.so\ndisable-in: podpis, firefox\n")
        try write(system, "vendor.module", "module: /opt/vendor/lib/libvendor-pkcs11.so\n")
        try write(system, "softhsm.module", "module: /usr/lib/softhsm/libsofthsm2.so\nenable-in: podpis\n")
        try write(system, "notes.txt", "module: /nope.so\n")
        let entries = P11KitRegistry.entries(directories: [package.path, system.path])
        XCTAssertEqual(entries.map(\.name), ["vendor", "softhsm"])
        XCTAssertEqual(entries.first?.path, "/opt/vendor/lib/libvendor-pkcs11.so", "the system's file overrides the package's")
        let relative = P11KitRegistry.entries(directories: [package.path])
        XCTAssertEqual(relative.first?.path, P11KitRegistry.moduleDirectory + "/libvendor.so")
    }
}
