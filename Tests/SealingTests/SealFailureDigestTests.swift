import Crypto
import Foundation
@testable import Sealing
import TestBench
import XCTest

/// A document refused as too large is still named by its SHA-256 and size
/// in the failure, computed a chunk at a time: the document is never read
/// whole into memory (the process' peak memory does not grow by its size).
final class SealFailureDigestTests: ScratchDirectoryTestCase {
    private func peakResidentKiB() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss
    }

    func testATooLargeDocumentsFailureHasItsHashAndSizeWithoutReadingItWhole() throws {
        // 384 MiB of zeros (sparse: no disk), well over any sealing limit.
        let size = 384 << 20
        let path = directory + "/duzy.pdf"
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: nil))
        XCTAssertEqual(truncate(path, off_t(size)), 0)
        var hasher = SHA256()
        let zeros = [UInt8](repeating: 0, count: 1 << 20)
        for _ in 0..<(size >> 20) { hasher.update(data: zeros) }
        let expected = hasher.finalize().map { String(format: "%02x", $0) }.joined()

        let input = SealInput(name: "duzy.pdf", path: path)
        let before = peakResidentKiB()
        let failure = Sealer.failure(input, SealError.tooLarge(size, limit: 1 << 20))
        let grown = peakResidentKiB() - before
        XCTAssertEqual(failure.state, .failed)
        XCTAssertEqual(failure.code, "too-large")
        XCTAssertEqual(failure.size, size)
        XCTAssertEqual(failure.sha256, expected)
        XCTAssertLessThan(grown, 64 << 10, "peak memory grew by \(grown) KiB: the document was read whole")

        // A document inside a pack file: its range only, chunk by chunk.
        let pack = SealInput(name: "w-paczce.pdf", path: path, offset: 5, length: (3 << 20) + 7)
        var rangeHasher = SHA256()
        rangeHasher.update(data: [UInt8](repeating: 0, count: (3 << 20) + 7))
        let packed = Sealer.failure(pack, SealError.tooLarge((3 << 20) + 7, limit: 1 << 20))
        XCTAssertEqual(packed.size, (3 << 20) + 7)
        XCTAssertEqual(packed.sha256, rangeHasher.finalize().map { String(format: "%02x", $0) }.joined())
    }
}
