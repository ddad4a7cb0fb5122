import CMS
import Foundation
import TestBench
import Timestamping
import XCTest

/// A TSA's answer is outside bytes (an http:// TSA can be answered by anyone
/// on the path): whatever it holds, checking it throws or returns and never
/// ends the process. The answer here is the bench TSA's, with the RSA key of
/// its certificate damaged (15 bytes changed, found by the
/// FuzzTimeStampResponse fuzz target): swift-crypto 3.12.3 freed such a key
/// twice when both of its RSA parsers refused it (an abort under
/// AddressSanitizer, heap corruption otherwise).
/// The check runs in a child process (this test binary again, with
/// PODPIS_TSA_ANSWER_CHILD set) so that an abort fails this test only.
final class TimeStampAnswerTests: XCTestCase {
    static let input = TestBench.repositoryRoot.appendingPathComponent("Fuzz/Regressions/FuzzTimeStampResponse/tsa-certificate-bad-rsa-key")

    func testDamagedCertificateInTheAnswerIsAnErrorNotAnAbort() throws {
        let environment = ProcessInfo.processInfo.environment
        if environment["PODPIS_TSA_ANSWER_CHILD"] != nil {
            try checkInThisProcess()
            return
        }
        let result = try TestBench.runCapturing(
            CommandLine.arguments[0], ["TimestampingTests.TimeStampAnswerTests/testDamagedCertificateInTheAnswerIsAnErrorNotAnAbort"],
            // Without the per-thread cache and fast bins, glibc checks every free
            // and aborts on memory freed twice (silent heap corruption otherwise).
            environment: [
                "PODPIS_TSA_ANSWER_CHILD": "1", "SWIFT_BACKTRACE": "enable=no",
                "GLIBC_TUNABLES": "glibc.malloc.tcache_count=0:glibc.malloc.mxfast=0",
            ])
        XCTAssertEqual(result.status, 0, "the child checking the answer ended with \(result.status): \(result.stdout.suffix(600)) \(result.stderr.suffix(600))")
        XCTAssertTrue(result.stdout.contains("Executed 1 test, with 0 failures"), "the child ran the check: \(result.stdout)")
    }

    private func checkInThisProcess() throws {
        let bytes = [UInt8](try Data(contentsOf: Self.input))
        let request = TimeStampRequest(
            messageImprint: MessageImprint(hashAlgorithm: .sha256, hashedMessage: [UInt8](repeating: 0x5A, count: 32)),
            nonce: [0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF])
        let client = TimeStampClient(url: URL(string: "http://127.0.0.1:9/tsa")!)
        for _ in 0..<5 {
            XCTAssertThrowsError(try client.check(response: bytes, request: request)) { error in
                XCTAssertNotNil(error as? TimeStampError, "a time-stamp problem with its code: \(error)")
            }
        }
    }
}
