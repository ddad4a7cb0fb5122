import Foundation
import XCTest

/// The Python checks of `Tests/Tools` that read the source tree
/// (check_imports.py, check_messages.py), run from the tests.
public enum TreeCheck {
    /// Runs `Tests/Tools/<script>` with `arguments` (the repository's tree
    /// when none name another).
    public static func run(_ script: String, _ arguments: [String] = []) throws -> (status: Int32, stdout: String, stderr: String) {
        let path = TestBench.repositoryRoot.appendingPathComponent("Tests/Tools").appendingPathComponent(script).path
        return try TestBench.runCapturing("python3", [path] + arguments)
    }

    /// Asserts the check passes on the repository's tree: exit 0 and its
    /// one line starting `<name>: OK: `.
    public static func assertPasses(_ script: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let result = try run(script)
        let name = String(script.dropLast(".py".count))
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr, file: file, line: line)
        XCTAssertTrue(result.stdout.hasPrefix(name + ": OK: "), result.stdout + result.stderr, file: file, line: line)
    }
}
