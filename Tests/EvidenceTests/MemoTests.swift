import Evidence
import Foundation
import XCTest

/// The process-wide memo of values worked out from repeating bytes: each
/// key worked out once, bounded by its limit.
final class MemoTests: EvidenceTestCase {
    func testAValueIsWorkedOutOncePerKeyAndTheLimitBoundsTheEntries() {
        let memo = Memo<MemoKey, Int>(limit: 3)
        var calls = 0
        func value(_ bytes: [UInt8]) -> Int { memo.value(MemoKey(bytes)) { calls += 1; return bytes.count } }
        XCTAssertEqual(value([1, 2]), 2)
        XCTAssertEqual(value([1, 2]), 2)
        XCTAssertEqual(calls, 1)
        _ = value([3])
        _ = value([4])
        XCTAssertEqual(memo.count, 3)
        _ = value([5])  // over the limit: starts over with this one
        XCTAssertEqual(memo.count, 1)
        _ = value([1, 2])
        XCTAssertEqual(calls, 5)
    }

    func testKeysOfSeveralPartsKeepTheirBoundaries() {
        XCTAssertNotEqual(MemoKey([1, 2], [3]), MemoKey([1], [2, 3]))
        XCTAssertEqual(MemoKey([1, 2], [3]), MemoKey([1, 2], [3]))
        XCTAssertEqual(MemoKey([1, 2]).hashValue, MemoKey([1, 2]).hashValue)
    }

    func testACertificateReadTwiceIsTheSameRecord() throws {
        try openssl([
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", path("k.pem"),
            "-outform", "DER", "-out", path("c.der"), "-subj", "/C=PL/CN=Anna Nowak", "-days", "10",
        ])
        let der = try read("c.der")
        let first = try CertificateRecord(der: der)
        let second = try CertificateRecord(der: der)
        XCTAssertEqual(first, second)
        XCTAssertEqual(first.subjectText, first.subject.description)
        XCTAssertEqual(first.issuerText, first.issuer.description)
    }
}
