import Files
import Foundation
import Signing
import SigningFixtures
import TestBench
import XAdES
import XCTest

/// Parallel signatures: ours added to other producers' signed documents and
/// to our own keep every earlier signature valid; where that is impossible
/// the document is refused before anything is signed.
final class XAdESParallelTests: XAdESTestCase {
    /// Valid enveloped samples whose signatures leave ds:Signature elements
    /// out (XPath filter or XPath Filter 2.0): a Polish Certum/Unizeto pair,
    /// a DSS B-LTA and a Belgian eID plugtest file.
    static let samples = [
        "pl/Signature-X-PL_UNI-1.xml", "pl/Signature-X-PL_UNI-2.xml",
        "dss/dss1987-xades-enveloped-baseline-lta.xml", "eu-plugtest/Signature-X-BE_ECON-3.xml",
    ]

    func signatureIDs(_ path: String) throws -> [String] {
        let info = try XAdESCheck.info(URL(fileURLWithPath: path)).json
        return (info["signatures"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
    }

    func testParallelSignaturesKeepOtherProducersAndOurOwnValid() async throws {
        let seal = try TokenSigners.signer(try TokenSigners.kinds()[0], module: module)
        let person = try TokenSigners.signer(try TokenSigners.kinds()[2], module: module)
        for sample in Self.samples {
            let original = XAdESFixtures.samples.appendingPathComponent(sample).path
            let theirs = try XCTUnwrap(signatureIDs(original).first, sample)
            // Their signature is valid before we start (certificates expired: crypto only).
            XCTAssertTrue(try XAdESFixtures.xmlsec1(original, id: theirs, insecure: true).ok, sample)

            let name = URL(fileURLWithPath: sample).deletingPathExtension().lastPathComponent
            let first = try XAdESFixtures.write(
                try await XAdES.signEnveloped(parse(original), signer: seal, options: XAdESOptions()), dir, "\(name).1.xml")
            let second = try XAdESFixtures.write(
                try await XAdES.signEnveloped(parse(first), signer: person, options: XAdESOptions(level: .bb)), dir, "\(name).2.xml")
            let ids = try signatureIDs(second)
            XCTAssertEqual(ids.count, 3, "\(sample): \(ids)")
            XCTAssertEqual(ids.first, theirs)
            XCTAssertTrue(try XAdESFixtures.xmlsec1(second, id: theirs, insecure: true).ok, "\(sample): theirs broke")
            for ours in ids.dropFirst() {
                let result = try XAdESFixtures.xmlsec1(second, id: ours)
                XCTAssertTrue(result.ok, "\(sample): ours \(ours): \(result.output)")
                XCTAssertTrue(try XAdESCheck.schema(URL(fileURLWithPath: second), index: ids.firstIndex(of: ours)).ok, "\(sample) schema \(ours)")
            }
            // The check can fail: changing the document breaks every signature.
            try XAdESFixtures.tamper(second, "</ds:Signature>", "</ds:Signature><x/>")
            for id in ids {
                XCTAssertFalse(try XAdESFixtures.xmlsec1(second, id: id, insecure: true).ok, "\(sample): \(id) survived a change")
            }
        }
    }

    func testADocumentWhoseSignatureCoversEverySignatureIsRefusedBeforeSigning() async throws {
        let counter = TokenSigners.Counter()
        let signer = try TokenSigners.signer(try TokenSigners.kinds()[0], module: module, counter: counter)
        // DSS's sample and one of ours made with the enveloped-signature transform only.
        let ours = try XAdESFixtures.write(
            try await XAdES.signEnveloped(
                parse(XAdESFixtures.write(XAdESFixtures.sampleXML, dir, "w.xml")), signer: signer,
                options: XAdESOptions(envelopedTransform: .envelopedSignature)), dir, "w.signed.xml")
        XCTAssertEqual(counter.signs, 1)
        for path in [XAdESFixtures.samples.appendingPathComponent("dss/dss-signed.xml").path, ours] {
            do {
                _ = try await XAdES.signEnveloped(parse(path), signer: signer, options: XAdESOptions())
                XCTFail("\(path) was signed")
            } catch {
                XCTAssertEqual((error as? XMLInputError)?.code, "xml-would-break-signature", "\(error)")
            }
        }
        XCTAssertEqual(counter.signs, 1)
        XCTAssertTrue(try XAdESFixtures.xmlsec1(ours).ok)
    }
}
