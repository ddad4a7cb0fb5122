@testable import DaemonConfiguration
import XCTest

/// A table header that does not start with a key (`[}`, `[` alone, `[[ !`)
/// is a toml-syntax problem with its line; toml++ (under TOMLKit) would abort
/// the process on it (found by the FuzzConfiguration fuzz target). Valid
/// files whose values hold `[` at a line's start are not mistaken for one.
final class TableHeaderTests: ConfigurationFileTestCase {
    func testHeadersWithoutAKeyAreSyntaxProblemsWithTheirLine() throws {
        let cases: [(text: String, line: Int)] = [
            ("[}\n", 1),
            ("[server]\nport = 1\n\n[\n", 4),
            ("# comment\n[[ !x]]\n", 2),
            ("[ \t{a}]\n", 1),
            ("[server]\nport = 1\n[\u{0}", 3),
            ("\u{FEFF}[ = 1[ = 12\n2\n", 1),  // after a byte order mark (found by fuzzing)
            ("a = 'x\n[}\n", 2),
        ]
        for (text, line) in cases {
            XCTAssertEqual(TOMLHeaderCheck.firstHeaderWithoutKey(in: text), line, text)
            guard !text.contains("\u{0}") else { continue }  // a NUL is refused before, as not text
            let file = try directory.write("bad.toml", text)
            let (_, problems) = DaemonConfiguration.load(files: [file], environment: [:])
            XCTAssertEqual(problems.map(\.code), ["toml-syntax"], text)
            XCTAssertEqual(problems.first?.line, line, text)
        }
    }

    func testTheFuzzFindingsAreSyntaxProblems() throws {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fuzz/Regressions/FuzzConfiguration")
        let inputs = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        XCTAssertFalse(inputs.isEmpty)
        for input in inputs {
            let (_, problems) = DaemonConfiguration.load(files: [directory.appendingPathComponent(input).path], environment: [:])
            XCTAssertEqual(problems.map(\.code), ["toml-syntax"], input)
        }
    }

    func testBracketsInsideValuesAndStringsAreNotHeaders() throws {
        let text = #"""
            [server]
            allowed_origins = [
            ["https://a.example"][0],
              "https://b.example",
            ]
            # [} in a comment
            [ "quoted table" ]
            note = """
            [} inside a multi-line string
            """
            literal = '''
            [
            '''
            [[policy]]
            certificate = "x # not a comment [}"
            [ policy . "sub" ]
            """#
        XCTAssertNil(TOMLHeaderCheck.firstHeaderWithoutKey(in: text))
        XCTAssertNil(TOMLHeaderCheck.firstHeaderWithoutKey(in: DaemonConfiguration.documentedExample))
    }
}
