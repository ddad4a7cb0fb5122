import Foundation
import TestBench
import XCTest

/// What every `podpis sign` test class needs: a bench, a fresh directory,
/// a certificate's id as `podpis certs` shows it, and `podpis sign` run with
/// PINs on standard input through --pin-fd 0, one per line, in English.
class SignCommandCase: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        try TestBench.require()
        dir = try TestBench.temporaryDirectory()
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    /// The first 16 hex digits of the certificate's SHA-256 (a PEM of the test PKI).
    func certificateID(_ pem: String) throws -> String {
        let fingerprint = try TestBench.run("openssl", ["x509", "-in", try TestBench.pki(pem), "-noout", "-fingerprint", "-sha256"])
        return String(fingerprint.split(separator: "=").last!.replacingOccurrences(of: ":", with: "").lowercased().prefix(16))
    }

    /// `podpis sign [--format FORMAT] --pin-fd 0 ARGUMENTS`, the PINs on its standard input.
    func runSign(format: String?, _ arguments: [String], pins: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        try TestBench.runCapturing(
            CLITests.podpis, ["sign"] + (format.map { ["--format", $0] } ?? []) + ["--pin-fd", "0"] + arguments,
            stdin: Data(pins.map { $0 + "\n" }.joined().utf8), environment: ["LANG": "en_US.UTF-8", "LC_ALL": ""])
    }
}
