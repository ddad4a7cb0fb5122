import Foundation
import XCTest

/// A test on the test bench: `env`, the bench's environment, is loaded
/// before each test, which fails when the bench is not up.
open class BenchTestCase: XCTestCase {
    public var env: [String: String] = [:]

    open override func setUpWithError() throws {
        try super.setUpWithError()
        env = try TestBench.require()
    }

    /// A scratch directory of this test's own, removed once the test has ended.
    public func scratchDirectory() throws -> URL {
        let url = try TestBench.temporaryDirectory()
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }
}

/// A test with a scratch directory of its own (`directory`, a path), made
/// before each test and removed after it; no test bench needed.
open class ScratchDirectoryTestCase: XCTestCase {
    public var directory = ""

    open override func setUpWithError() throws {
        try super.setUpWithError()
        directory = try TestBench.temporaryDirectory().path
    }

    open override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
        try super.tearDownWithError()
    }
}

/// A test on the test bench with a scratch directory (`directory`) made
/// before each test and removed after it, and the CLI at hand: what the
/// long-term tests (and any test of `podpis` commands on files) share.
open class BenchDirectoryTestCase: XCTestCase {
    public var directory: URL!

    open override func setUpWithError() throws {
        try super.setUpWithError()
        try TestBench.require()
        directory = try TestBench.temporaryDirectory()
    }

    open override func tearDownWithError() throws {
        if let directory { try? FileManager.default.removeItem(at: directory) }
        try super.tearDownWithError()
    }

    /// `name` inside the scratch directory.
    public func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// `podpis ARGUMENTS` in English (the texts tests read), `stdin` given.
    public func podpis(_ arguments: [String], stdin: Data? = nil, timeout: Double = TestBench.defaultTimeout) throws -> (status: Int32, stdout: String, stderr: String) {
        try TestBench.runCapturing(TestBench.product("podpis"), arguments, stdin: stdin, environment: ["LANG": "en_US.UTF-8", "LC_ALL": ""], timeout: timeout)
    }
}
