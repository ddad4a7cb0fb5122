import CMS
import Foundation
import TestBench
import XCTest

/// Zero padding after a signature (a fixed-size buffer written whole) is
/// ignored, found in one pass over the BER headers: a broken signature with
/// a long run of zeros after it is refused at once, not after one parse per
/// pair of zeros (quadratic: minutes of CPU for a 1 MiB TSA answer).
/// Found by the FuzzCMS fuzz target (Fuzz/Regressions/FuzzCMS/).
final class CMSPaddingTests: XCTestCase {
    static let samples = TestBench.repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/conformance/samples/cades/dss")

    private func sample(_ name: String) throws -> [UInt8] {
        let url = Self.samples.appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: url.path) else { throw XCTSkip("no conformance sample \(name)") }
        return [UInt8](try Data(contentsOf: url))
    }

    private func timed(_ body: () -> Void) -> TimeInterval {
        let start = Date()
        body()
        return Date().timeIntervalSince(start)
    }

    /// An indefinite-length SignedData (another producer's BER) padded with
    /// 256 KiB of zeros still parses, at once.
    func testIndefiniteLengthSignatureWithLongPaddingParsesAtOnce() throws {
        let ber = try sample("dss667-BER_reordered_prova.txt.p7m")
        XCTAssertEqual(Array(ber.prefix(2)), [0x30, 0x80], "the sample is indefinite-length")
        let reference = try SignedData(contentInfo: ber)
        var parsed: SignedData?
        let seconds = timed { parsed = try? SignedData(contentInfo: ber + [UInt8](repeating: 0, count: 256 << 10)) }
        XCTAssertEqual(parsed?.content, reference.content)
        XCTAssertEqual(parsed?.signerInfos.count, reference.signerInfos.count)
        XCTAssertLessThan(seconds, 1, "one pass, not one parse per pair of zeros")
    }

    /// A broken indefinite-length signature followed by 256 KiB of zeros is
    /// refused as malformed within a second.
    func testBrokenSignatureWithLongPaddingIsRefusedAtOnce() throws {
        var broken = try sample("dss667-BER_reordered_prova.txt.p7m")
        broken[1] = 0x85  // a definite length of 5 where the structure is indefinite
        broken += [UInt8](repeating: 0, count: 256 << 10)
        var error: (any Error)?
        let seconds = timed {
            do { _ = try SignedData(contentInfo: broken) } catch let caught { error = caught }
        }
        XCTAssertNotNil(error)
        XCTAssertLessThan(seconds, 1, "refused without a parse per pair of zeros")
    }

    /// The input the fuzzer found: a definite-length signature whose length
    /// no longer matches, then 16 KB of zeros.
    func testFuzzFinding() throws {
        let input = [UInt8](try Data(contentsOf: TestBench.repositoryRoot.appendingPathComponent("Fuzz/Regressions/FuzzCMS/padded-signature-bad-length")))
        let seconds = timed { _ = try? SignedData(contentInfo: input) }
        XCTAssertLessThan(seconds, 1)
    }

    /// Padding after a definite-length signature is still ignored.
    func testDefiniteLengthPaddingStillIgnored() throws {
        let der = try sample("cades-bes-signeddata-detached.p7s")
        let parsed = try SignedData(contentInfo: der + [UInt8](repeating: 0, count: 4096))
        XCTAssertEqual(parsed.signerInfos.count, try SignedData(contentInfo: der).signerInfos.count)
    }
}
