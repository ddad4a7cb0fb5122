import Foundation
import TestBench
import XCTest

/// The module graph keeps to the layer table of docs/architecture.md
/// ("Module layers"): `Tests/Tools/check_imports.py` passes on the tree, and
/// on a copy of the tree with one deliberate fault it reports exactly that
/// fault, with its file and line.
final class ModuleLayersTests: XCTestCase {
    func testEveryImportAndDependencyGoesToALowerLayerOfTheTable() throws {
        try TreeCheck.assertPasses("check_imports.py")
    }

    func testAnImportFromAHigherLayerIsReportedWithItsFileAndLine() throws {
        try assertReport(
            "Sources/CMS/Upward.swift:2: CMS (layer 5) imports CAdES (layer 8), which is not below it;"
                + " Package.swift does not list it either\n",
            of: "import Foundation\nimport CAdES\n", writtenTo: "Sources/CMS/Upward.swift")
    }

    func testAnImportFromTheSameLayerIsReported() throws {
        try assertReport(
            "Sources/CAdES/Beside.swift:2: CAdES (layer 8) imports XAdES (layer 8), which is not below it;"
                + " Package.swift does not list it either\n",
            of: "// beside\n@testable import XAdES\n", writtenTo: "Sources/CAdES/Beside.swift")
    }

    func testAnImportMissingFromPackageSwiftIsReported() throws {
        try assertReport(
            "Sources/Files/Undeclared.swift:1: Files imports SignatureAlgorithms, which its dependencies in Package.swift do not list\n",
            of: "import SignatureAlgorithms\n", writtenTo: "Sources/Files/Undeclared.swift")
    }

    func testATargetListedAboveItsLayerInPackageSwiftIsReported() throws {
        try assertReportOfFault { tree in
            // Tar (layer 3, written on one line) moved below the hardware targets (layer 4).
            var lines = try String(contentsOf: tree.appendingPathComponent("Package.swift"), encoding: .utf8).components(separatedBy: "\n")
            let tarIndex = try XCTUnwrap(lines.firstIndex { $0.hasPrefix("        .target(name: \"Tar\"") })
            let tar = lines.remove(at: tarIndex)
            XCTAssertTrue(tar.hasSuffix("),"), "the Tar target is written on one line: \(tar)")
            let formatsIndex = try XCTUnwrap(lines.firstIndex(of: "        // MARK: Signature formats"))
            lines.insert(tar, at: formatsIndex)
            try write(lines.joined(separator: "\n"), to: "Package.swift", in: tree)
            let line = formatsIndex + 1
            return "Package.swift:\(line): Tar (layer 3) is listed after SmartCard (layer 4); targets go bottom-up\n"
        }
    }

    func testAModuleMissingFromTheTableAndANameWithoutAModuleAreReported() throws {
        try assertReportOfFault { tree in
            let last = "            resources: [.embedInCode(\"openapi.yaml\"), .embedInCode(\"client/podpis.js\"), .embedInCode(\"client/podpis.d.ts\")] + messages),\n"
            var package = try String(contentsOf: tree.appendingPathComponent("Package.swift"), encoding: .utf8)
            XCTAssertNotNil(package.range(of: last))
            package = package.replacingOccurrences(of: last, with: last + "        .target(name: \"Orphan\"),\n")
            try write(package, to: "Package.swift", in: tree)
            try write("public let orphan = 1\n", to: "Sources/Orphan/Orphan.swift", in: tree)
            let orphanLine = try XCTUnwrap(
                package.components(separatedBy: "\n").firstIndex(of: "        .target(name: \"Orphan\"),")) + 1

            var architecture = try String(contentsOf: tree.appendingPathComponent("docs/architecture.md"), encoding: .utf8)
            // "Ghost" added to the modules of layer 2.
            var rows = architecture.components(separatedBy: "\n")
            let rowIndex = try XCTUnwrap(rows.firstIndex { $0.hasPrefix("| 2 | foundation | ") })
            var cells = rows[rowIndex].components(separatedBy: " | ")
            cells[2] += ", Ghost"
            rows[rowIndex] = cells.joined(separator: " | ")
            architecture = rows.joined(separator: "\n")
            try write(architecture, to: "docs/architecture.md", in: tree)
            let rowLine = rowIndex + 1

            return "Package.swift:\(orphanLine): Orphan is not in the layer table of docs/architecture.md\n"
                + "docs/architecture.md:\(rowLine): the layer table names Ghost, which is not a target of Package.swift\n"
        }
    }

    // MARK: - One fault, and exactly its report

    /// Breaks a copy of the tree with `fault`, which returns the report the
    /// fault must give; asserts that check_imports.py fails (exit 1) with
    /// exactly that report.
    private func assertReportOfFault(
        file: StaticString = #filePath, line: UInt = #line, _ fault: (URL) throws -> String
    ) throws {
        let tree = try copyOfTree()
        defer { try? FileManager.default.removeItem(at: tree) }
        let expected = try fault(tree)
        let result = try check(tree)
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr, file: file, line: line)
        XCTAssertEqual(result.stdout, expected, file: file, line: line)
    }

    /// `assertReportOfFault` for a fault that is one source file, `text`, written to `path`.
    private func assertReport(
        _ expected: String, of text: String, writtenTo path: String, file: StaticString = #filePath, line: UInt = #line
    ) throws {
        try assertReportOfFault(file: file, line: line) { tree in
            try write(text, to: path, in: tree)
            return expected
        }
    }

    // MARK: - A copy of the tree to break

    /// Package.swift, docs/architecture.md and Sources/ copied into a scratch directory.
    private func copyOfTree() throws -> URL {
        let tree = try TestBench.temporaryDirectory()
        let files = FileManager.default
        try files.createDirectory(at: tree.appendingPathComponent("docs"), withIntermediateDirectories: true)
        for path in ["Package.swift", "docs/architecture.md", "Sources"] {
            try files.copyItem(
                at: TestBench.repositoryRoot.appendingPathComponent(path), to: tree.appendingPathComponent(path))
        }
        // The copy passes before it is broken, so each test sees only its own fault.
        let clean = try check(tree)
        XCTAssertEqual(clean.status, 0, clean.stdout + clean.stderr)
        return tree
    }

    private func write(_ text: String, to path: String, in tree: URL) throws {
        let url = tree.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    private func check(_ tree: URL) throws -> (status: Int32, stdout: String, stderr: String) {
        try TreeCheck.run("check_imports.py", ["--root", tree.path])
    }
}
