import CAdES
import CMS
import Files
import Foundation
import PKCS11
import Signing
import TestBench
import XCTest

/// CAdES B-B with every key kind, detached and attached, judged by openssl and asn1crypto.
final class CAdESSigningTests: CAdESTestCase {
    private func document(_ name: String = "zaswiadczenie.pdf", size: Int = 10_000) throws -> String {
        let url = dir.appendingPathComponent(name)
        var bytes = [UInt8](repeating: 0, count: size)
        for i in bytes.indices { bytes[i] = UInt8(truncatingIfNeeded: i &* 31 &+ 7) }
        try Data(bytes).write(to: url)
        return url.path
    }

    func testDetachedAndAttachedSignaturesOfEveryKeyKindVerifyWithOpenSSL() async throws {
        let doc = try document()
        for kind in try CAdESFixtures.kinds() {
            let counter = CAdESFixtures.Counter()
            let signer = try CAdESFixtures.signer(kind, module: module, counter: counter)
            let detached = dir.appendingPathComponent("\(kind.certificate).detached.p7s").path
            // With the chain inside, openssl needs to trust only the test root.
            try await CAdES.signDetached(file: InputFile(path: doc), output: detached, signer: signer, options: CAdESOptions(includeChain: true))
            let d = try CAdESFixtures.opensslVerify(detached, content: doc, rootOnly: true)
            XCTAssertTrue(d.ok, "\(kind.name) detached: \(d.output)")

            let attached = dir.appendingPathComponent("\(kind.certificate).attached.p7s").path
            try await CAdES.signAttached(file: InputFile(path: doc), output: attached, signer: signer, options: CAdESOptions(includeChain: true))
            let a = try CAdESFixtures.opensslVerify(attached, rootOnly: true)
            XCTAssertTrue(a.ok, "\(kind.name) attached: \(a.output)")
            // The attached signature carries the document byte for byte.
            let extracted = dir.appendingPathComponent("\(kind.certificate).out").path
            try TestBench.run("openssl", ["cms", "-verify", "-binary", "-inform", "DER", "-in", attached, "-noverify", "-out", extracted])
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: extracted)), try Data(contentsOf: URL(fileURLWithPath: doc)))

            XCTAssertEqual(counter.signs, 2)
            XCTAssertEqual(counter.pins, kind.keyID == [1] && kind.certificate == "person-rsa" ? 2 : 0, kind.name)
        }
    }

    func testAlwaysAuthenticateKeySignsTwiceInARowAndBothVerify() async throws {
        let kind = try CAdESFixtures.kinds().first { $0.certificate == "person-rsa" }!
        let counter = CAdESFixtures.Counter()
        let signer = try CAdESFixtures.signer(kind, module: module, counter: counter)
        let doc = try document()
        for round in 1...2 {
            let out = dir.appendingPathComponent("twice-\(round).p7s").path
            try await CAdES.signDetached(file: InputFile(path: doc), output: out, signer: signer, options: CAdESOptions())
            let result = try CAdESFixtures.opensslVerify(out, content: doc)
            XCTAssertTrue(result.ok, "signature \(round): \(result.output)")
        }
        XCTAssertEqual(counter.pins, 2, "a context-specific login before each signature")
    }

    func testSignedAttributesAreWhatEN319122AsksAndESSCertIDv2MatchesTheCertificate() async throws {
        let kind = try CAdESFixtures.kinds().first { $0.certificate == "seal" }!
        let signer = try CAdESFixtures.signer(kind, module: module)
        let doc = try document()
        let out = dir.appendingPathComponent("attrs.p7s").path
        let policyHash = [UInt8](repeating: 0xAB, count: 32)
        let options = CAdESOptions(
            commitment: .proofOfApproval, claimedRole: "Kierownik Referatu",
            policy: SignaturePolicy(id: [1, 2, 616, 1, 113527, 2, 4, 1, 1], hashAlgorithm: .sha256, hash: policyHash),
            includeChain: true)
        try await CAdES.signDetached(file: InputFile(path: doc), output: out, signer: signer, options: options)
        XCTAssertTrue(try CAdESFixtures.opensslVerify(out, content: doc).ok)

        let info = try CAdESFixtures.inspect(out, reencode: true)
        XCTAssertEqual(info["reencodesIdentically"] as? Bool, true, "asn1crypto re-encodes our DER byte for byte")
        XCTAssertEqual(info["detached"] as? Bool, true)
        XCTAssertEqual((info["certificates"] as? [String])?.count, 2, "signer and chain")
        let signerInfo = try XCTUnwrap((info["signers"] as? [[String: Any]])?.first)
        let names = try XCTUnwrap(signerInfo["signedAttributes"] as? [String])
        for required in ["content_type", "message_digest", "signing_time", "signing_certificate_v2", "1.2.840.113549.1.9.16.2.16", "0.4.0.19122.1.1", "1.2.840.113549.1.9.16.2.15"] {
            XCTAssertTrue(names.contains(required), "\(required) missing from \(names)")
        }
        // ESSCertIDv2's hash is the SHA-256 of the signer certificate, as openssl computes it.
        let fingerprint = try TestBench.run("openssl", ["x509", "-in", try TestBench.pki("seal.pem"), "-noout", "-fingerprint", "-sha256"])
            .split(separator: "=").last!.replacingOccurrences(of: ":", with: "").trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        XCTAssertEqual(signerInfo["essCertHash"] as? String, fingerprint)
        let serial = try TestBench.run("openssl", ["x509", "-in", try TestBench.pki("seal.pem"), "-noout", "-serial"])
            .split(separator: "=").last!.trimmingCharacters(in: .whitespacesAndNewlines).uppercased()
        XCTAssertEqual((signerInfo["essSerial"] as? String).map { String($0.drop(while: { $0 == "0" })) }, String(serial.drop(while: { $0 == "0" })))
        XCTAssertEqual(signerInfo["commitment"] as? String, "1.2.840.113549.1.9.16.6.5")
        let role = try XCTUnwrap(signerInfo["signerAttributesV2"] as? String)
        XCTAssertTrue(role.uppercased().contains(Hex.encode(Array("Kierownik Referatu".utf8))), role)
        // The EPES policy as openssl prints it.
        let printed = try TestBench.run("openssl", ["cms", "-cmsout", "-print", "-inform", "DER", "-in", out])
        XCTAssertTrue(printed.contains("1.2.616.1.113527.2.4.1.1"), "policy OID not found")
        // openssl reads the same DER back unchanged.
        let roundTrip = dir.appendingPathComponent("rt.der").path
        try TestBench.run("openssl", ["cms", "-cmsout", "-inform", "DER", "-outform", "DER", "-in", out, "-out", roundTrip])
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: roundTrip)), try Data(contentsOf: URL(fileURLWithPath: out)))
    }

    func testAChangedByteOfContentOrOfASignedAttributeFailsVerification() async throws {
        let kind = try CAdESFixtures.kinds().first { $0.certificate == "person-ec" }!
        let signer = try CAdESFixtures.signer(kind, module: module)
        let doc = try document()
        let out = dir.appendingPathComponent("tamper.p7s").path
        try await CAdES.signDetached(file: InputFile(path: doc), output: out, signer: signer, options: CAdESOptions())
        XCTAssertTrue(try CAdESFixtures.opensslVerify(out, content: doc).ok)

        var content = [UInt8](try Data(contentsOf: URL(fileURLWithPath: doc)))
        content[5000] ^= 0x01
        let changedDoc = try CAdESFixtures.write(content, dir, "changed.pdf")
        XCTAssertFalse(try CAdESFixtures.opensslVerify(out, content: changedDoc).ok)

        // Flip one digit of the signing time inside the signed attributes.
        var signature = [UInt8](try Data(contentsOf: URL(fileURLWithPath: out)))
        let timeTag: [UInt8] = [0x17, 0x0D]  // UTCTime, 13 bytes
        let at = try XCTUnwrap((0..<(signature.count - 2)).first { signature[$0] == timeTag[0] && signature[$0 + 1] == timeTag[1] })
        signature[at + 2 + 11] = signature[at + 2 + 11] == UInt8(ascii: "1") ? UInt8(ascii: "2") : UInt8(ascii: "1")
        let changedSig = try CAdESFixtures.write(signature, dir, "changed.p7s")
        XCTAssertFalse(try CAdESFixtures.opensslVerify(changedSig, content: doc).ok)
    }

    func testAttachedOverTheLimitIsRefusedBeforeTheTokenIsUsed() async throws {
        let kind = try CAdESFixtures.kinds().first { $0.certificate == "seal" }!
        let counter = CAdESFixtures.Counter()
        let signer = try CAdESFixtures.signer(kind, module: module, counter: counter)
        let doc = try document(size: 4096)
        let out = dir.appendingPathComponent("big.p7s").path
        do {
            try await CAdES.signAttached(file: InputFile(path: doc), output: out, signer: signer, options: CAdESOptions(maximumAttachedSize: 1024))
            XCTFail("over the limit was accepted")
        } catch let error as CMSError {
            XCTAssertEqual(error.code, "cms-too-large")
            XCTAssertTrue(error.message.en.contains("detached"), error.message.en)
        }
        XCTAssertEqual(counter.signs, 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
    }

    func testAnExistingOutputIsNeverOverwritten() async throws {
        let kind = try CAdESFixtures.kinds().first { $0.certificate == "seal" }!
        let signer = try CAdESFixtures.signer(kind, module: module)
        let doc = try document()
        let out = dir.appendingPathComponent("exists.p7s").path
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: out))
        do {
            try await CAdES.signDetached(file: InputFile(path: doc), output: out, signer: signer, options: CAdESOptions())
            XCTFail("overwrote an existing file")
        } catch let error as FileError {
            XCTAssertEqual(error.kind, .exists)
        }
        XCTAssertEqual(try String(contentsOfFile: out, encoding: .utf8), "keep me")
    }
}

enum Hex {
    static func encode(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02X", $0) }.joined() }
}
