import Foundation
import TestBench
import XCTest

/// A scratch directory with keys and signatures made by the openssl CLI.
class EvidenceTestCase: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = try TestBench.temporaryDirectory()
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    @discardableResult
    func openssl(_ arguments: [String]) throws -> String { try TestBench.run("openssl", arguments) }

    func write(_ bytes: [UInt8], _ name: String) throws -> String {
        try Data(bytes).write(to: dir.appendingPathComponent(name))
        return path(name)
    }

    func read(_ name: String) throws -> [UInt8] { Array(try Data(contentsOf: dir.appendingPathComponent(name))) }

    /// A private key made by openssl (`genpkey` arguments) and its SubjectPublicKeyInfo (DER).
    func key(_ name: String, _ arguments: [String]) throws -> [UInt8] {
        try openssl(["genpkey"] + arguments + ["-out", path("\(name).key")])
        try openssl(["pkey", "-in", path("\(name).key"), "-pubout", "-outform", "DER", "-out", path("\(name).spki")])
        return try read("\(name).spki")
    }
}
