import CAdES
import CMS
import Files
import Foundation
import PKCS11
import Signing
import TestBench
import XCTest

/// Parallel signatures: a signer added to other producers' signatures and to
/// ours keeps every earlier signer valid.
final class CAdESParallelTests: CAdESTestCase {
    static var samples: URL {
        TestBench.repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/conformance/samples/cades")
    }

    /// Valid samples (MANIFEST: VALID-CRYPTO) and, for detached ones, their content.
    static let validSamples: [(String, String?)] = [
        ("pl/Signature-C-PL_UNI-1.p7m", nil),
        ("pl/Signature-C-PL_UNI-2.p7m", nil),
        ("dss/dss2011-cades-enveloping.pkcs7", nil),
        ("dss/dss1419-CAdES-BpB-att-SHA3_256-SHA3_256withRSA.p7m", nil),
        ("dss/counterSig.p7m", nil),
        ("dss/cms-wrong-sign-cert-ref.p7m", nil),
        ("dss/dss1220-CAdES-BpT_modified_ts_hash.p7m", nil),
        ("dss/cms-wrong-sign-cert-hash-algo.pkcs7", nil),
        ("eu-plugtest/Signature-C-B-B-8.p7m", nil),
        ("eu-plugtest/Signature-C-B-LTA-10.p7m", nil),
        ("eu-plugtest/Signature-CBp-B-1.p7m", nil),
        ("eu-plugtest/Signature-CBp-LT-2.p7m", nil),
        ("dss/cades-bes-signeddata-detached.p7s", "dss/hello-world.txt"),
        ("dss/dss2011-cades-detached.pkcs7", "dss/hello-world.txt"),
        ("dss/dss1188-Test.bin.sig", "dss/dss1188-Test.bin"),
    ]

    func testASecondSignerOnOtherProducersValidSignaturesKeepsEverySignerValid() async throws {
        let kind = try CAdESFixtures.kinds().first { $0.certificate == "seal" }!
        let signer = try CAdESFixtures.signer(kind, module: module)
        var checked = 0
        for (name, contentName) in Self.validSamples {
            let sample = Self.samples.appendingPathComponent(name).path
            guard FileManager.default.fileExists(atPath: sample) else { XCTFail("missing sample \(name)"); continue }
            let content = contentName.map { Self.samples.appendingPathComponent($0).path }
            XCTAssertTrue(try CAdESFixtures.opensslVerify(sample, content: content, noVerify: true).ok, "\(name) not valid before")
            let before = try CAdESFixtures.inspect(sample)

            let bytes: [UInt8]
            do {
                bytes = try await CAdES.addSignature(
                    to: [UInt8](try Data(contentsOf: URL(fileURLWithPath: sample))), detachedContent: content.map(InputFile.init(path:)),
                    signer: signer, options: CAdESOptions())
            } catch {
                XCTFail("\(name): \(error)")
                continue
            }
            let out = try CAdESFixtures.write(bytes, dir, name.replacingOccurrences(of: "/", with: "_") + ".p7s")
            let result = try CAdESFixtures.opensslVerify(out, content: content, noVerify: true)
            XCTAssertTrue(result.ok, "\(name) + our signer: \(result.output)")
            let after = try CAdESFixtures.inspect(out)
            let beforeSigners = try XCTUnwrap(before["signers"] as? [[String: Any]])
            let afterSigners = try XCTUnwrap(after["signers"] as? [[String: Any]])
            XCTAssertEqual(afterSigners.count, beforeSigners.count + 1, name)
            // Earlier signers' signature values are untouched.
            let old = Set(beforeSigners.compactMap { $0["signature"] as? String })
            XCTAssertTrue(old.isSubset(of: Set(afterSigners.compactMap { $0["signature"] as? String })), name)
            checked += 1
        }
        XCTAssertEqual(checked, Self.validSamples.count)
    }

    func testTwoParallelSignersOfOursAreBothValidDetachedAndPEMInputIsAccepted() async throws {
        let kinds = try CAdESFixtures.kinds()
        let seal = try CAdESFixtures.signer(kinds.first { $0.certificate == "seal" }!, module: module)
        let ec = try CAdESFixtures.signer(kinds.first { $0.certificate == "person-ec" }!, module: module)
        let doc = dir.appendingPathComponent("pismo.txt").path
        try Data("Pismo do podpisu\n".utf8).write(to: URL(fileURLWithPath: doc))
        let first = dir.appendingPathComponent("first.p7s").path
        try await CAdES.signDetached(file: InputFile(path: doc), output: first, signer: seal, options: CAdESOptions())
        // The first signature as PEM, as some tools hand it over.
        let pem = dir.appendingPathComponent("first.pem").path
        try TestBench.run("openssl", ["cms", "-cmsout", "-inform", "DER", "-in", first, "-outform", "PEM", "-out", pem])
        let both = try await CAdES.addSignature(
            to: [UInt8](try Data(contentsOf: URL(fileURLWithPath: pem))), detachedContent: InputFile(path: doc),
            signer: ec, options: CAdESOptions())
        let out = try CAdESFixtures.write(both, dir, "both.p7s")
        let result = try CAdESFixtures.opensslVerify(out, content: doc)
        XCTAssertTrue(result.ok, result.output)
        XCTAssertEqual((try CAdESFixtures.inspect(out)["signers"] as? [Any])?.count, 2)
        XCTAssertEqual(try CAdESFixtures.inspect(out, reencode: true)["reencodesIdentically"] as? Bool, true)
    }

    func testAFileGivenWithAnAttachedSignatureMustBeTheContentItCarries() async throws {
        let kind = try CAdESFixtures.kinds().first { $0.certificate == "seal" }!
        let signer = try CAdESFixtures.signer(kind, module: module)
        let sample = Self.samples.appendingPathComponent("pl/Signature-C-PL_UNI-1.p7m").path
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: sample)))
        // The content the sample carries, as openssl gives it.
        let carried = dir.appendingPathComponent("carried.bin").path
        try TestBench.run("openssl", ["cms", "-verify", "-noverify", "-binary", "-inform", "DER", "-in", sample, "-out", carried])
        XCTAssertTrue(try CAdES.checkParallelContent(of: bytes, file: nil), "attached: no file needed")
        XCTAssertTrue(try CAdES.checkParallelContent(of: bytes, file: InputFile(path: carried)))
        let both = try await CAdES.addSignature(to: bytes, detachedContent: InputFile(path: carried), signer: signer, options: CAdESOptions())
        let out = try CAdESFixtures.write(both, dir, "both.p7m")
        XCTAssertTrue(try CAdESFixtures.opensslVerify(out, content: nil, noVerify: true).ok)

        // Another file, and the carried content with one byte more: refused with the code.
        let longer = dir.appendingPathComponent("longer.bin").path
        try Data(try Data(contentsOf: URL(fileURLWithPath: carried)) + [0x0A]).write(to: URL(fileURLWithPath: longer))
        for other in [Self.samples.appendingPathComponent("dss/hello-world.txt").path, longer] {
            do {
                _ = try await CAdES.addSignature(to: bytes, detachedContent: InputFile(path: other), signer: signer, options: CAdESOptions())
                XCTFail("\(other): no error")
            } catch let error as CMSError {
                XCTAssertEqual(error.code, "cms-content-differs", other)
            }
        }
    }

    func testDetachedSignatureWithoutItsContentIsAClearError() async throws {
        let kind = try CAdESFixtures.kinds().first { $0.certificate == "seal" }!
        let signer = try CAdESFixtures.signer(kind, module: module)
        func sample(_ name: String) throws -> [UInt8] {
            [UInt8](try Data(contentsOf: Self.samples.appendingPathComponent(name)))
        }
        // What our signer is added to (no detached content given), and the code of the CMSError that refuses it.
        let cases: [(what: String, bytes: [UInt8], code: String)] = [
            ("a detached signature", try sample("dss/cades-bes-signeddata-detached.p7s"), "cms-content-missing"),
            ("not a signature", Array("not a signature".utf8), "cms-malformed"),
            ("a malformed CAdES", try sample("dss/malformed-cades.p7m"), "cms-malformed"),
        ]
        for (what, bytes, code) in cases {
            do {
                _ = try await CAdES.addSignature(to: bytes, detachedContent: nil, signer: signer, options: CAdESOptions())
                XCTFail("\(what): no error")
            } catch let error as CMSError {
                XCTAssertEqual(error.code, code, what)
            }
        }
    }
}
