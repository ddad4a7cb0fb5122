import Evidence
import Foundation
import TestBench
import Validation
import XAdES
import XCTest

/// The archive time-stamp's message imprint is compared with the data it
/// stamps, rebuilt as EN 319 132-1 §5.5.2.2 (xades141:ArchiveTimeStamp) and
/// TS 101 903 v1.3.2 §7.7.1 (xades:ArchiveTimeStamp) define it: the
/// references after their transforms, SignedInfo, SignatureValue, KeyInfo,
/// the unsigned properties before the time-stamp, the other ds:Objects.
final class XAdESArchiveTimeStampTests: XCTestCase {
    static let samples = XAdESCorpusTests.samples

    func sample(_ file: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: Self.samples.appendingPathComponent(file)))
    }

    func archiveStamps(_ bytes: [UInt8], name: String = "sample.xml") throws -> [ExaminedTimeStamp] {
        let document = try XMLDocument.parse(bytes: bytes, name: name)
        let signature = try XCTUnwrap(XAdESExaminer.examine(document, detached: []).first)
        return signature.timeStamps.filter { $0.kind == .archive }
    }

    func verify(_ bytes: [UInt8], name: String) async throws -> ValidationReport {
        let policy = ValidationPolicy(validationTime: ISO8601DateFormatter().date(from: "2026-12-01T00:00:00Z")!)
        return try await Verifier(policy: policy, sources: []).verify(bytes, name: name, detached: [])
    }

    func testTheArchiveTimeStampOfEachIntactLTASampleStampsTheSignatureAsItIs() throws {
        for file in ["dss/xades-lta-valid.xml", "dss/dss1987-xades-enveloped-baseline-lta.xml", "dss/dss3732-xades-enveloping-arcTst132.xml"] {
            let stamps = try archiveStamps(try sample(file), name: file)
            XCTAssertEqual(stamps.count, 1, file)
            XCTAssertEqual(stamps.first?.imprintMatches, true, "\(file): \(stamps.first?.problem ?? "")")
        }
    }

    func testTheValidLTASampleReportsItsArchiveTimeStampWithoutHashFailure() async throws {
        let report = try await verify(try sample("dss/xades-lta-valid.xml"), name: "xades-lta-valid.xml")
        let signature = try XCTUnwrap(report.signatures.first)
        let archive = try XCTUnwrap(signature.timeStamps.first { $0.kind == "ARCHIVE_TIMESTAMP" })
        XCTAssertNotEqual(archive.subIndication, .hashFailure, archive.reason)
        XCTAssertNotEqual(archive.subIndication, .signedDataNotFound, archive.reason)
        XCTAssertNotEqual(archive.indication, .totalFailed, archive.reason)
    }

    func testTheCorruptedCertificateLeavesTheSignatureIntactButBreaksItsArchiveTimeStamp() async throws {
        let bytes = try sample("dss/xades-lta-corrupted-cert.xml")
        XCTAssertEqual(try archiveStamps(bytes).first?.imprintMatches, false)
        let report = try await verify(bytes, name: "xades-lta-corrupted-cert.xml")
        let signature = try XCTUnwrap(report.signatures.first)
        // References and signature value intact: only the missing anchor stops it.
        XCTAssertEqual(signature.subIndication, .noCertificateChainFound, signature.reason)
        let archive = try XCTUnwrap(signature.timeStamps.first { $0.kind == "ARCHIVE_TIMESTAMP" })
        XCTAssertEqual(archive.indication, .totalFailed, archive.reason)
        XCTAssertEqual(archive.subIndication, .hashFailure, archive.reason)
        // The file is no longer named B-LTA, and the note says which time-stamp broke.
        XCTAssertEqual(signature.level, "XAdES-BASELINE-LT")
        XCTAssertTrue(signature.checks.contains { $0.name == "format-note" && $0.detail.contains("changed after it was made") }, "\(signature.checks)")
        // The signature time-stamp, made before the corruption, still stamps the signature value.
        let signatureStamp = try XCTUnwrap(signature.timeStamps.first { $0.kind == "SIGNATURE_TIMESTAMP" })
        XCTAssertNotEqual(signatureStamp.subIndication, .hashFailure, signatureStamp.reason)
    }

    func testAPropertyAddedAfterTheArchiveTimeStampIsNotPartOfWhatItStamps() throws {
        // A later TimeStampValidationData (as an LTA extension adds) leaves the imprint intact…
        let text = String(decoding: try sample("dss/xades-lta-valid.xml"), as: UTF8.self)
        let closing = try XCTUnwrap(text.range(of: "</xades:UnsignedSignatureProperties>"))
        var later = text
        later.insert(contentsOf: "<xades141:TimeStampValidationData xmlns:xades141=\"http://uri.etsi.org/01903/v1.4.1#\"/>", at: closing.lowerBound)
        XCTAssertEqual(try archiveStamps(Array(later.utf8)).first?.imprintMatches, true)
        // …while the same element before it changes what the time-stamp covers.
        let archiveStart = try XCTUnwrap(text.range(of: "<xades141:ArchiveTimeStamp"))
        var earlier = text
        earlier.insert(contentsOf: "<xades141:TimeStampValidationData xmlns:xades141=\"http://uri.etsi.org/01903/v1.4.1#\"/>", at: archiveStart.lowerBound)
        XCTAssertEqual(try archiveStamps(Array(earlier.utf8)).first?.imprintMatches, false)
    }

    func testAnArchiveTimeStampWithAnUnknownCanonicalizationIsNotRebuilt() throws {
        let text = String(decoding: try sample("dss/xades-lta-valid.xml"), as: UTF8.self)
        let archiveStart = try XCTUnwrap(text.range(of: "<xades141:ArchiveTimeStamp"))
        let method = try XCTUnwrap(text.range(of: "http://www.w3.org/2001/10/xml-exc-c14n#", range: archiveStart.upperBound..<text.endIndex))
        var changed = text
        changed.replaceSubrange(method, with: "urn:example:unknown-c14n")
        XCTAssertNil(try archiveStamps(Array(changed.utf8)).first?.imprintMatches)
    }
    func testTheOlderArchiveTimeStampLeavesOutTheObjectsTheReferencesAlreadyCover() throws {
        // dss3732 has two ds:Objects besides QualifyingProperties: one signed
        // through a reference, one ("Hello") signed by nothing. TS 101 903
        // v1.3.2 stamps only the second; EN 319 132-1 would stamp both.
        let text = String(decoding: try sample("dss/dss3732-xades-enveloping-arcTst132.xml"), as: UTF8.self)
        var as141 = text.replacingOccurrences(
            of: "<xades:ArchiveTimeStamp ", with: "<xades141:ArchiveTimeStamp xmlns:xades141=\"http://uri.etsi.org/01903/v1.4.1#\" ")
        as141 = as141.replacingOccurrences(of: "</xades:ArchiveTimeStamp>", with: "</xades141:ArchiveTimeStamp>")
        XCTAssertNotEqual(as141, text)
        XCTAssertEqual(try archiveStamps(Array(as141.utf8)).first?.imprintMatches, false)
        // The unsigned Object is covered by the archive time-stamp alone.
        let withoutHello = text.replacingOccurrences(of: "<ds:Object Id=\"Hello\">World</ds:Object>", with: "")
        XCTAssertNotEqual(withoutHello, text)
        XCTAssertEqual(try archiveStamps(Array(withoutHello.utf8)).first?.imprintMatches, false)
    }
}
