import XCTest

@testable import DaemonConfiguration

/// podpisd.toml(5) and the installed default file are generated from the
/// documented example: every key of the schema appears in both, and the
/// default file configures nothing.
final class ManualPageTests: XCTestCase {
    func testTheCommentedOutExampleParsesToTheDefaultsAndSetsNothing() throws {
        let text = DaemonConfiguration.commentedOutExample
        for line in text.split(separator: "\n") {
            XCTAssertTrue(line.hasPrefix("#"), "not commented out: \(line)")
        }
        let directory = try TemporaryDirectory()
        let file = try directory.write("podpisd.toml", text)
        let (configuration, problems) = DaemonConfiguration.load(files: [file], environment: [:])
        XCTAssertEqual(problems, [])
        XCTAssertEqual(configuration, DaemonConfiguration())
    }

    func testUncommentingOneLineOfTheDefaultFileChangesThatSetting() throws {
        let text = DaemonConfiguration.commentedOutExample
            .replacingOccurrences(of: "#[server]\n", with: "[server]\n")
            .replacingOccurrences(of: "#port = 35900", with: "port = 35901")
        let directory = try TemporaryDirectory()
        let file = try directory.write("podpisd.toml", text)
        let (configuration, problems) = DaemonConfiguration.load(files: [file], environment: [:])
        XCTAssertEqual(problems, [])
        XCTAssertEqual(configuration.server.port, 35901)
    }

    func testTheManualHasEveryTableAndKeyWithItsDefault() {
        let page = DaemonConfiguration.manualPage(version: "9.9.9", date: "December 7, 2026")
        let lines = page.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.prefix(3), [".Dd December 7, 2026", ".Dt PODPISD.TOML 5", ".Os Podpis 9.9.9"])
        for (table, keys) in ConfigurationSchema.tables {
            guard let start = lines.firstIndex(where: { $0 == ".Ss [\(table)]" || $0 == ".Ss [[\(table)]]" || $0.hasPrefix(".Ss [\(table).") })
            else {
                XCTFail("no section for [\(table)]")
                continue
            }
            let section = lines[(start + 1)...].prefix(while: { !$0.hasPrefix(".Ss ") && !$0.hasPrefix(".Sh ") })
            for key in keys {
                XCTAssertTrue(section.contains(where: { $0.hasPrefix(".It Cm \(key) No = Li ") }), "\(table).\(key) not in the manual")
            }
        }
        XCTAssertTrue(lines.contains(#".It Cm port No = Li "35900""#))
        XCTAssertTrue(lines.contains(#".It Cm socket_mode No = Li "\(dq0600\(dq""#))
        XCTAssertTrue(lines.contains(#".It Cm allowed_origins No = Li "[]""#))
        // Every macro list is closed and no text line can be read as a request.
        XCTAssertEqual(lines.filter { $0.hasPrefix(".Bl ") }.count, lines.filter { $0 == ".El" }.count)
        let macros: Set<String> = [".Dd", ".Dt", ".Os", ".Sh", ".Ss", ".Nm", ".Nd", ".Pa", ".Pp", ".Bl", ".El", ".It", ".Fl", ".Ev", ".Li", ".Xr"]
        for line in lines where line.hasPrefix(".") {
            XCTAssertTrue(macros.contains(String(line.prefix(3))), "unexpected request: \(line)")
        }
    }

    func testACommentIsSplitOffOnlyOutsideAString() {
        let line = DaemonConfiguration.ExampleLine(#"# pin_file = "/etc/#odd"   # readable by root"#)
        XCTAssertEqual(line?.kind, .key(name: "pin_file", value: #""/etc/#odd""#, comment: "readable by root"))
        XCTAssertEqual(line?.commentedOut, true)
        XCTAssertEqual(DaemonConfiguration.ExampleLine("# just a sentence")?.kind, .comment("just a sentence"))
        XCTAssertEqual(DaemonConfiguration.ExampleLine("[limits]")?.kind, .table("[limits]"))
    }
}
