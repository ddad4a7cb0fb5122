import Evidence
import Files
import Foundation
import TestBench
import XCTest

/// Digests against `openssl dgst`, one-shot, streamed, and through DetachedData.
final class DigestAlgorithmTests: EvidenceTestCase {
    static let names: [(String, DigestAlgorithm)] = [
        ("sha1", .sha1), ("sha256", .sha256), ("sha384", .sha384), ("sha512", .sha512), ("sha3-256", .sha3_256), ("sha3-384", .sha3_384),
        ("sha3-512", .sha3_512),
    ]

    func testEveryAlgorithmGivesOpenSSLsDigestOneShotAndStreamed() throws {
        var bytes = [UInt8](repeating: 0, count: 100_003)
        for i in bytes.indices { bytes[i] = UInt8(truncatingIfNeeded: i &* 131 &+ 17) }
        for (name, algorithm) in Self.names {
            let expected = try OpenSSL.digest(name, Data(bytes))
            XCTAssertEqual(algorithm.digest(bytes), expected, name)
            var hasher = algorithm.hasher()
            var offset = 0
            while offset < bytes.count {
                let end = min(bytes.count, offset + 7_919)
                hasher.update(bytes[offset..<end])
                offset = end
            }
            XCTAssertEqual(hasher.finalize(), expected, "\(name) streamed")
            XCTAssertEqual(DigestAlgorithm(oid: algorithm.oid), algorithm)
        }
        XCTAssertEqual(DigestAlgorithm(uri: "http://www.w3.org/2007/05/xmldsig-more#sha3-256"), .sha3_256)
    }

    func testDetachedDataFromAFileLargerThanAChunkDigestsLikeOpenSSL() throws {
        var bytes = [UInt8](repeating: 0, count: 3 * (1 << 20) + 12_345)
        for i in bytes.indices { bytes[i] = UInt8(truncatingIfNeeded: i >> 3 &+ i) }
        let file = try write(bytes, "wniosek.pdf")
        let data = DetachedData(path: file)
        XCTAssertEqual(data.name, "wniosek.pdf")
        let measured = try data.measure([.sha1, .sha256, .sha3_256])
        XCTAssertEqual(measured.size, bytes.count)
        for (name, algorithm) in [("sha1", DigestAlgorithm.sha1), ("sha256", .sha256), ("sha3-256", .sha3_256)] {
            let expected = try OpenSSL.digest(name, Data(bytes))
            XCTAssertEqual(measured.digests[algorithm], expected, name)
            XCTAssertEqual(try data.digest(algorithm), expected, name)
            XCTAssertEqual(try DetachedData(name: "w pamięci", bytes: bytes).digests([algorithm])[algorithm], expected, name)
        }
        XCTAssertEqual(try data.sha256(), try OpenSSL.digest("sha256", Data(bytes)))
    }

    func testDetachedDataRefusesALinkAndAMissingFileWithAFileError() throws {
        let target = try write([1, 2, 3], "dane.bin")
        let link = path("link.bin")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        XCTAssertThrowsError(try DetachedData(path: link).sha256()) { XCTAssertEqual(($0 as? FileError)?.kind, .notAFile) }
        XCTAssertThrowsError(try DetachedData(path: path("brak.bin")).sha256()) { XCTAssertEqual(($0 as? FileError)?.kind, .cannotRead) }
    }
}
