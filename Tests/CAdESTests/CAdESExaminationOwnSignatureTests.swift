import CAdES
import CMS
import Evidence
import Files
import Foundation
import Timestamping
import TestBench
import XCTest

/// Our own CAdES signatures, made on the bench's tokens, examined: intact,
/// the signer's certificate found, BASELINE-B and -T.
final class CAdESExaminationOwnSignatureTests: CAdESTestCase {
    func testOurAttachedBBAndDetachedBTSignaturesAreIntactAtTheirBaselineLevel() async throws {
        let kind = try XCTUnwrap(try CAdESFixtures.kinds().first { $0.certificate == "person-ec" })
        let signer = try CAdESFixtures.signer(kind, module: module)
        let doc = dir.appendingPathComponent("wniosek.txt").path
        try Data("Wniosek o wydanie zaświadczenia\n".utf8).write(to: URL(fileURLWithPath: doc))

        let attached = dir.appendingPathComponent("wniosek.attached.p7s").path
        try await CAdES.signAttached(file: InputFile(path: doc), output: attached, signer: signer, options: CAdESOptions(includeChain: true))
        let a = try XCTUnwrap(
            try CAdESExaminer.examine(Array(Data(contentsOf: URL(fileURLWithPath: attached))), name: "wniosek.attached.p7s", detached: []).first)
        XCTAssertEqual(a.level, .baselineB)
        XCTAssertEqual(a.signatureValue, .intact)
        XCTAssertEqual(a.references.first?.outcome, .intact)
        XCTAssertEqual(a.signingCertificateReference, .matches)
        XCTAssertEqual(a.signingCertificate?.der, signer.certificateDER)
        XCTAssertEqual(a.formatProblems, [])
        XCTAssertNotNil(a.claimedSigningTime)

        let detached = dir.appendingPathComponent("wniosek.p7s").path
        let tsa = TimeStampClient(url: try XCTUnwrap(URL(string: try TestBench.value("PODPIS_TSA_URL"))), timeout: 20)
        try await CAdES.signDetached(
            file: InputFile(path: doc), output: detached, signer: signer, options: CAdESOptions(level: .bt, timeStampClient: tsa))
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: detached)))
        let d = try XCTUnwrap(try CAdESExaminer.examine(bytes, name: "wniosek.p7s", detached: [DetachedData(path: doc)]).first)
        XCTAssertEqual(d.level, .baselineT)
        XCTAssertEqual(d.signatureValue, .intact)
        XCTAssertEqual(d.references.first?.outcome, .intact)
        XCTAssertEqual(d.references.first?.name, "wniosek.txt")
        let stamp = try XCTUnwrap(d.timeStamps.first)
        XCTAssertEqual(stamp.kind, .signature)
        XCTAssertEqual(stamp.imprintMatches, true)
        XCTAssertEqual(stamp.signatureValue, .intact)
        XCTAssertNotNil(stamp.tsaCertificate)
        XCTAssertEqual(stamp.genTime?.timeIntervalSinceNow ?? 1_000, 0, accuracy: 120)
        XCTAssertTrue(try CAdESFixtures.opensslVerify(detached, content: doc).ok)
    }
}
