import Foundation
import SignatureAlgorithms
import TestBench
import XCTest

/// The one hash enum: lengths, DigestInfo prefixes (PKCS #1), one-shot and
/// streamed digests agreeing with `openssl dgst`, and the hex form.
final class HashAlgorithmTests: XCTestCase {
    func testDigestsAgreeWithOpenSSLOneShotAndStreamed() throws {
        try TestBench.require()
        let dir = try TestBench.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("pismo.txt")
        let bytes = Array((0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        try Data(bytes).write(to: file)
        for algorithm in HashAlgorithm.allCases {
            let name = algorithm.rawValue.replacingOccurrences(of: "-", with: "").lowercased()
            let openssl = try TestBench.runCapturing("openssl", ["dgst", "-" + name, "-r", file.path])
            let expected = String(openssl.stdout.prefix(while: { $0 != " " }))
            XCTAssertEqual(algorithm.digest(bytes).hexString, expected, algorithm.rawValue)
            var hasher = algorithm.hasher()
            for start in stride(from: 0, to: bytes.count, by: 7_777) {
                bytes[start..<min(start + 7_777, bytes.count)].withUnsafeBytes { hasher.update($0) }
            }
            XCTAssertEqual(hasher.finalize().hexString, expected, algorithm.rawValue)
            XCTAssertEqual(algorithm.digest(bytes).count, algorithm.length)
        }
    }

    func testDigestInfoPrefixesAreTheDEROfTheirAlgorithm() {
        // SEQUENCE { SEQUENCE { OID 2.16.840.1.101.3.4.2.x, NULL }, OCTET STRING (length) }
        XCTAssertEqual(HashAlgorithm.sha256.digestInfoPrefix.hexString, "3031300d060960864801650304020105000420")
        XCTAssertEqual(HashAlgorithm.sha384.digestInfoPrefix.hexString, "3041300d060960864801650304020205000430")
        XCTAssertEqual(HashAlgorithm.sha512.digestInfoPrefix.hexString, "3051300d060960864801650304020305000440")
    }

    func testHexIsLowerCaseTwoDigitsAByte() {
        XCTAssertEqual([0x00, 0x0f, 0xa0, 0xff].hexString, "000fa0ff")
        XCTAssertEqual([UInt8]().hexString, "")
    }
}
