import Files
import Foundation
import Signing
import SigningFixtures
import TestBench
import Timestamping
import XAdES
import XCTest

/// B-T: a SignatureTimeStamp from the loopback TSA over the canonical
/// SignatureValue, accepted by `openssl ts -verify`.
final class XAdESTimestampTests: XAdESTestCase {
    func options(_ url: String, packaging: XAdESOptions.Packaging = .enveloped, c14n: Canonicalization = .exclusive) throws -> XAdESOptions {
        XAdESOptions(
            packaging: packaging, level: .bt, signedInfoCanonicalization: c14n, envelopedTransform: .envelopedSignature,
            timeStampClient: TimeStampClient(url: URL(string: try TestBench.value(url))!, timeout: 3))
    }

    func testSignatureTimeStampVerifiesWithOpenSSLAgainstTheCanonicalSignatureValue() async throws {
        let signer = try TokenSigners.signer(try TokenSigners.kinds()[2], module: module)  // ECDSA
        let xml = try XAdESFixtures.write(XAdESFixtures.sampleXML, dir, "w.xml")
        for c14n in [Canonicalization.exclusive, .inclusive] {
            let path = try XAdESFixtures.write(
                try await XAdES.signEnveloped(parse(xml), signer: signer, options: options("PODPIS_TSA_URL", c14n: c14n)), dir, "bt-\(c14n).xml")
            XCTAssertTrue(try XAdESFixtures.xmlsec1(path).ok)
            XCTAssertTrue(try XAdESCheck.schema(URL(fileURLWithPath: path)).ok)
            XCTAssertTrue(try XAdESFixtures.signxml(path).ok)

            let out = dir.appendingPathComponent("ts-\(c14n)")
            try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
            let extracted = try XAdESCheck.timestamp(URL(fileURLWithPath: path), outDir: out)
            XCTAssertTrue(extracted.ok, "\(extracted.json)")
            let data = out.appendingPathComponent("signature-value.c14n").path
            let token = out.appendingPathComponent("token.der").path
            let verify = try TestBench.runCapturing("openssl", [
                "ts", "-verify", "-data", data, "-in", token, "-token_in", "-CAfile", try TestBench.value("PODPIS_TSA_CHAIN"),
            ])
            XCTAssertEqual(verify.status, 0, verify.stdout + verify.stderr)
            XCTAssertTrue(verify.stdout.contains("Verification: OK"), verify.stdout + verify.stderr)
            // The check can fail: one byte of the canonical value changed.
            var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: data)))
            bytes[bytes.count / 2] ^= 0x01
            try Data(bytes).write(to: URL(fileURLWithPath: data))
            let tampered = try TestBench.runCapturing("openssl", [
                "ts", "-verify", "-data", data, "-in", token, "-token_in", "-CAfile", try TestBench.value("PODPIS_TSA_CHAIN"),
            ])
            XCTAssertNotEqual(tampered.status, 0)
        }
        // Detached B-T too.
        let pdf = try XAdESFixtures.binary(dir, "skan.pdf")
        let detached = try XAdESFixtures.write(
            try await XAdES.signDetached([.init(path: pdf)], signer: signer, options: options("PODPIS_TSA_URL", packaging: .detached)), dir, "skan.pdf.xades")
        XCTAssertTrue(try XAdESFixtures.xmlsec1(detached).ok)
        let info = try XAdESCheck.info(URL(fileURLWithPath: detached)).json
        XCTAssertEqual((info["signatures"] as? [[String: Any]])?.first?["signature_timestamp"] as? Bool, true)
    }

    func testTSAFailuresAreNamedErrors() async throws {
        let counter = TokenSigners.Counter()
        let signer = try TokenSigners.signer(try TokenSigners.kinds()[0], module: module, counter: counter)
        let xml = try XAdESFixtures.write(XAdESFixtures.sampleXML, dir, "w.xml")
        let cases: [(String, String)] = [
            ("PODPIS_TSA_ERROR_URL", "tsa-rejected"), ("PODPIS_TSA_GARBAGE_URL", "tsa-malformed-response"),
            ("PODPIS_TSA_HTTP500_URL", "tsa-http-status"), ("PODPIS_TSA_SLOW_URL", "tsa-timeout"),
        ]
        for (url, code) in cases {
            do {
                _ = try await XAdES.signEnveloped(parse(xml), signer: signer, options: options(url))
                XCTFail("\(url) gave a signature")
            } catch let error as TimeStampError {
                XCTAssertEqual(error.code, code, "\(url): \(error)")
            }
        }
        // B-T with no TSA at all is refused before the token signs.
        let signsBefore = counter.signs
        do {
            _ = try await XAdES.signEnveloped(parse(xml), signer: signer, options: XAdESOptions(level: .bt))
            XCTFail("B-T without a TSA gave a signature")
        } catch let error as XAdESError {
            XCTAssertEqual(error.code, "xades-no-tsa")
        }
        XCTAssertEqual(counter.signs, signsBefore)

        var unreachable = try options("PODPIS_TSA_URL")
        unreachable.timeStampClient = TimeStampClient(url: URL(string: "http://127.0.0.1:9/tsa")!, timeout: 3)
        do {
            _ = try await XAdES.signEnveloped(parse(xml), signer: signer, options: unreachable)
            XCTFail("an unreachable TSA gave a signature")
        } catch let error as TimeStampError {
            XCTAssertEqual(error.code, "tsa-unreachable", "\(error)")
        }
    }
}
