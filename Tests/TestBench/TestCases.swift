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
