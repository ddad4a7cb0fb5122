import Evidence
import Foundation
import TestBench
import TrustedLists
import Validation
import XCTest

/// The bench's time and revocation matrix (testbed/verification.py): CAdES
/// signatures made at chosen past times by signers revoked before or after,
/// suspended, expired, not yet valid, unknown to their responder, under a
/// withdrawn CA/QC service, each with the revocation data given in
/// matrix/manifest.tsv, verified offline against the bench's test trusted
/// list. The manifest's expectations: `A|B` either, `!X` anything but X,
/// `*` anything, `-` none.
final class TimeAndRevocationMatrixTests: XCTestCase {
    struct Row {
        let file: String, kind: String, revocation: [String], indication: String, subIndication: String, qualification: String, note: String
    }

    func rows() throws -> [Row] {
        let text = try String(contentsOfFile: try TestBench.value("PODPIS_MATRIX_MANIFEST"), encoding: .utf8)
        return text.split(separator: "\n").dropFirst().map { line in
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            return Row(file: f[0], kind: f[1], revocation: f[5] == "-" ? [] : f[5].split(separator: " ").map(String.init),
                       indication: f[6], subIndication: f[7], qualification: f[8], note: f[9])
        }
    }

    static func matches(_ value: String?, _ pattern: String) -> Bool {
        if pattern == "*" { return true }
        if pattern == "-" { return value == nil }
        if pattern.hasPrefix("!") { return value != String(pattern.dropFirst()) }
        return pattern.split(separator: "|").contains { String($0) == value }
    }

    func verifier(revocation files: [String], in directory: String) throws -> Verifier {
        let tl = try TestBench.value("PODPIS_TL_DIR")
        let pins = try TrustSource.file(try TestBench.value("PODPIS_TEST_LOTL_PINNED_CERT")).anchors.map(\.der)
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("matrix-tl-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: cache, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: cache) }
        try FileManager.default.copyItem(atPath: "\(tl)/EU-TEST-LOTL.xml", toPath: "\(cache)/EU.xml")
        try FileManager.default.copyItem(atPath: "\(tl)/PL-TEST-TL.xml", toPath: "\(cache)/PL.xml")
        let lists = try TrustedListTrust.load(cache: TrustedListCache(directory: cache), pinnedSigners: pins)
        let given = try files.map { Array(try Data(contentsOf: URL(fileURLWithPath: "\(directory)/\($0)"))) }
        return Verifier(
            sources: [try TrustSource.file("\(directory)/trust-anchor.pem")], trustedLists: lists,
            revocation: RevocationSources(given: given))
    }

    func testEveryRowOfTheMatrixGetsTheIndicationItsCaseImplies() async throws {
        try TestBench.require()
        let directory = try TestBench.value("PODPIS_MATRIX_DIR")
        var checked = 0
        for row in try rows() where row.kind != "timestamp-token" {
            let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: "\(directory)/\(row.file)")))
            let report = try await verifier(revocation: row.revocation, in: directory).verify(bytes, name: row.file)
            let signature = try XCTUnwrap(report.signatures.first, row.file)
            let context = "\(row.file) [\(row.revocation.joined(separator: " "))] \(row.note): got \(signature.indication.rawValue)/\(signature.subIndication?.rawValue ?? "-") \(signature.qualification?.value ?? "-") — \(signature.reason)"
            XCTAssertTrue(Self.matches(signature.indication.rawValue, row.indication), context)
            XCTAssertTrue(Self.matches(signature.subIndication?.rawValue, row.subIndication), context)
            XCTAssertTrue(Self.matches(signature.qualification?.value, row.qualification), context)
            checked += 1
        }
        XCTAssertGreaterThanOrEqual(checked, 20)
    }

    func testATimeStampByATSAWhoseCertificateHasExpiredProvesNothingOnItsOwn() async throws {
        try TestBench.require()
        let directory = try TestBench.value("PODPIS_MATRIX_DIR")
        let token = try XCTUnwrap(try rows().first { $0.kind == "timestamp-token" })
        let signed = try XCTUnwrap(try rows().first { $0.file == "tsa-expired-bt.p7s" })
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: "\(directory)/\(signed.file)")))
        let report = try await verifier(revocation: signed.revocation, in: directory).verify(bytes, name: signed.file)
        let stamp = try XCTUnwrap(report.signatures.first?.timeStamps.first)
        XCTAssertTrue(Self.matches(stamp.indication.rawValue, token.indication), "\(stamp.indication) \(stamp.reason)")
        XCTAssertTrue(Self.matches(stamp.subIndication?.rawValue, token.subIndication), "\(String(describing: stamp.subIndication)) \(stamp.reason)")
        XCTAssertEqual(report.signatures.first?.bestSignatureTimeSource, "validation-time", "an unproven token gave proof of existence")
    }
}
