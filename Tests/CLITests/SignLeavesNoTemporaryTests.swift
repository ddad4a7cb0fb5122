import Foundation
import TestBench
import XCTest

/// An error in `podpis sign` after its output's temporary file exists ends
/// podpis with the documented exit code and message, and leaves nothing
/// behind in the output directory: the command ends by throwing, so the
/// temporary file is removed on the way out.
final class SignLeavesNoTemporaryTests: SignCommandCase {
    private func sign(_ arguments: [String], pins: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        try runSign(format: nil, arguments, pins: pins)
    }

    private func file(_ name: String, _ text: String) throws -> String {
        let path = dir.appendingPathComponent(name).path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    private func names() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
    }

    /// B-T against a time-stamping server that refuses the connection: the
    /// signature is made (the temporary exists), the time-stamp fails: exit 11.
    func testATimeStampFailureAfterSigningLeavesNoTemporaryFile() throws {
        let env = try TestBench.require()
        let doc = try file("decyzja.pdf", "decyzja")
        for arguments in [["--format", "cades", "--detached"], ["--format", "cades"], ["--format", "xades", "--packaging", "enveloping"]] {
            let result = try sign(
                arguments + ["--level", "B-T", "--tsa", "http://127.0.0.1:1/", "--cert", try certificateID("seal.pem"), "--json", doc],
                pins: [env["PODPIS_SEAL_PIN"]!])
            XCTAssertEqual(result.status, 11, "\(arguments): \(result.stdout) \(result.stderr)")
            let answer = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: [String: String]]
            XCTAssertNotNil(answer?["error"]?["code"], result.stdout)
            XCTAssertNotNil(answer?["error"]?["message"], result.stdout)
            XCTAssertEqual(try names(), ["decyzja.pdf"], "\(arguments): nothing but the document stays")
        }
    }

    /// A key that asks a PIN for every signature, and no PIN for the second:
    /// exit 8 with the sentence on stderr; the first signature stays, the
    /// second leaves no temporary.
    func testAMissingSignaturePINLeavesNoTemporaryFile() throws {
        let env = try TestBench.require()
        let pin = env["PODPIS_SIGNER_PIN"]!
        let c = try file("c.txt", "c"), d = try file("d.txt", "d")
        let result = try sign(["--format", "cades", "--cert", try certificateID("person-rsa.pem"), c, d], pins: [pin, pin])
        XCTAssertEqual(result.status, 8, result.stderr)
        XCTAssertTrue(result.stderr.hasPrefix("podpis: "), result.stderr)
        XCTAssertEqual(try names(), ["c.txt", "c.txt.p7s", "d.txt"])
    }
}
