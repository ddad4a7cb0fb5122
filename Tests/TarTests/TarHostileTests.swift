import Foundation
import Tar
import XCTest

/// Numbers an uploader chooses never trap the reader: a pax `mtime` of
/// `nan`, `inf` or `1e300`, sizes near `Int.max` in a header, a pax record or
/// a record's own length are refused with a TarError (a stable code), and a
/// sane fraction of a second is still read.
final class TarHostileTests: XCTestCase {
    /// One entry of `data` with the pax records given, then the end blocks.
    static func archive(pax: [String: String], data: [UInt8] = Array("x".utf8)) -> [UInt8] {
        TarWriter.entry(name: "a.xml", data: data, pax: pax) + TarWriter.end
    }

    static func read(_ archive: [UInt8]) throws -> [TarEntry] {
        var reader = TarReader()
        var entries: [TarEntry] = []
        let events = try archive.withUnsafeBytes { try reader.feed($0) }
        for case .entry(let entry) in events { entries.append(entry) }
        try reader.finish()
        return entries
    }

    func testPaxMtimeThatIsNoIntegerIsRefusedNotATrap() {
        for mtime in ["nan", "NaN", "inf", "-inf", "infinity", "1e300", "-1e300", "9223372036854775808", "0x1p70"] {
            XCTAssertThrowsError(try Self.read(Self.archive(pax: ["mtime": mtime])), mtime) { error in
                XCTAssertEqual(error as? TarError, .badPaxValue("mtime"), mtime)
                XCTAssertEqual((error as? TarError)?.code, "tar-bad-pax", mtime)
            }
        }
    }

    func testPaxMtimeWithAFractionIsRead() throws {
        XCTAssertEqual(try Self.read(Self.archive(pax: ["mtime": "1700000000.123456789"])).first?.mtime, 1_700_000_000)
        XCTAssertEqual(try Self.read(Self.archive(pax: ["mtime": "-1.5"])).first?.mtime, -2)
    }

    func testPaxSizeNegativeOrHugeIsRefused() {
        for size in ["-1", "9223372036854775807", "99999999999999999999999", String(TarReader.sizeLimit + 1)] {
            XCTAssertThrowsError(try Self.read(Self.archive(pax: ["size": size])), size) { error in
                XCTAssertEqual(error as? TarError, .badPaxValue("size"), size)
            }
        }
    }

    /// A pax record whose LENGTH is near Int.max: `start + length` would overflow.
    func testPaxRecordLengthNearIntMaxIsRefused() {
        // Two records: the second starts after the first, so start > 0.
        let body = Array("12 a=bcdefg\n9223372036854775807 b=c\n".utf8)
        var archive = [UInt8]()
        archive += Self.header(name: "PaxHeaders/a", size: body.count, flag: UInt8(ascii: "x"))
        archive += body + [UInt8](repeating: 0, count: TarHeader.padding(body.count))
        archive += Self.archive(pax: [:])
        XCTAssertThrowsError(try Self.read(archive)) { XCTAssertEqual($0 as? TarError, .badPaxRecord) }
    }

    /// GNU base-256 sizes reach far beyond what octal can say.
    func testHeaderSizeInBase256NearIntMaxIsRefused() {
        for top: UInt8 in [0x7F, 0x01] {
            var block = Self.header(name: "a.xml", size: 0, flag: UInt8(ascii: "0"))
            // 0x80, then 11 bytes big-endian: 0x7F FF.. is Int.max-ish, 0x01 00.. is 2^80.
            block[124] = 0x80
            block[125] = 0
            block[126] = 0
            block[127] = 0
            block[128] = top
            for index in 129..<136 { block[index] = 0xFF }
            Self.fixChecksum(&block)
            XCTAssertThrowsError(try Self.read(block + TarWriter.end), "\(top)") { XCTAssertEqual($0 as? TarError, .badHeader("size")) }
        }
    }

    /// The largest octal size (8^11 - 1, 8 GiB) is read: no overflow, only data wanted.
    func testLargestOctalSizeWaitsForData() throws {
        var block = Self.header(name: "a.xml", size: 0, flag: UInt8(ascii: "0"))
        for index in 124..<135 { block[index] = UInt8(ascii: "7") }
        Self.fixChecksum(&block)
        var reader = TarReader()
        let events = try block.withUnsafeBytes { try reader.feed($0) }
        XCTAssertEqual(events.count, 1)
        if case .entry(let entry) = events.first { XCTAssertEqual(entry.size, (1 << 33) - 1) } else { XCTFail("\(events)") }
        XCTAssertThrowsError(try reader.finish()) { XCTAssertEqual($0 as? TarError, .truncated) }
    }

    /// What TarWriter cannot say in a field's octal digits is written as 0, not cut.
    func testWriterWritesAnMtimeOutOfRangeAsZero() throws {
        for mtime in [-1, Int.max, 1 << 40] {
            let entries = try Self.read(TarWriter.entry(name: "a.xml", data: [1], mtime: mtime) + TarWriter.end)
            XCTAssertEqual(entries.first?.mtime, 0, "\(mtime)")
        }
    }

    // MARK: Raw blocks

    static func header(name: String, size: Int, flag: UInt8) -> [UInt8] {
        var block = [UInt8](repeating: 0, count: TarHeader.blockSize)
        for (index, byte) in name.utf8.enumerated() { block[index] = byte }
        for (index, byte) in String(format: "%011o", size).utf8.enumerated() { block[124 + index] = byte }
        for (index, byte) in "00000000000".utf8.enumerated() { block[136 + index] = byte }
        block[156] = flag
        for (index, byte) in "ustar\u{0}00".utf8.enumerated() { block[257 + index] = byte }
        fixChecksum(&block)
        return block
    }

    static func fixChecksum(_ block: inout [UInt8]) {
        for index in 148..<156 { block[index] = 32 }
        let sum = block.reduce(0) { $0 + Int($1) }
        for (index, byte) in String(format: "%06o", sum).utf8.enumerated() { block[148 + index] = byte }
        block[154] = 0
    }
}
