import CAdES
import CMS
import Files
import Foundation
import PKCS11
import Signing
@testable import Timestamping
import SwiftASN1
import TestBench
import XCTest

/// B-T: a signature time-stamp from the bench's RFC 3161 TSA (openssl ts -reply
/// behind a small HTTP server), checked by `openssl ts -verify`.
final class CAdESTimestampTests: CAdESTestCase {
    private func client(_ key: String, timeout: TimeInterval = 20) throws -> TimeStampClient {
        TimeStampClient(url: try XCTUnwrap(URL(string: try TestBench.value(key))), timeout: timeout)
    }

    func testBTSignatureTimeStampVerifiesWithOpenSSLAgainstTheSignatureValue() async throws {
        for certificate in ["seal", "person-ec"] {
            let kind = try CAdESFixtures.kinds().first { $0.certificate == certificate }!
            let signer = try CAdESFixtures.signer(kind, module: module)
            let doc = dir.appendingPathComponent("\(certificate).txt").path
            try Data("Zaświadczenie \(certificate)\n".utf8).write(to: URL(fileURLWithPath: doc))
            let out = dir.appendingPathComponent("\(certificate).p7s").path
            try await CAdES.signDetached(
                file: InputFile(path: doc), output: out, signer: signer,
                options: CAdESOptions(level: .bt, timeStampClient: try client("PODPIS_TSA_URL")))
            XCTAssertTrue(try CAdESFixtures.opensslVerify(out, content: doc).ok)

            let signerInfo = try XCTUnwrap((try CAdESFixtures.inspect(out)["signers"] as? [[String: Any]])?.first)
            let token = try XCTUnwrap(signerInfo["timeStampToken"] as? String, "no signature-time-stamp")
            let signatureValue = try XCTUnwrap(signerInfo["signature"] as? String)
            let tokenFile = try CAdESFixtures.write(bytes(hex: token), dir, "\(certificate).tst")
            let valueFile = try CAdESFixtures.write(bytes(hex: signatureValue), dir, "\(certificate).sigvalue")
            let verify = try TestBench.runCapturing("openssl", [
                "ts", "-verify", "-data", valueFile, "-in", tokenFile, "-token_in",
                "-CAfile", try TestBench.pki("root.pem"), "-untrusted", try TestBench.value("PODPIS_TSA_CHAIN"),
            ])
            XCTAssertTrue(verify.stdout.contains("Verification: OK"), verify.stdout + verify.stderr)
            // Over any other data the token does not verify.
            let other = try CAdESFixtures.write(Array("x".utf8), dir, "other")
            let wrong = try TestBench.runCapturing("openssl", [
                "ts", "-verify", "-data", other, "-in", tokenFile, "-token_in",
                "-CAfile", try TestBench.pki("root.pem"), "-untrusted", try TestBench.value("PODPIS_TSA_CHAIN"),
            ])
            XCTAssertFalse(wrong.stdout.contains("Verification: OK"))
        }
    }

    func testTSAFailuresAreNamedErrorsAndNothingIsWritten() async throws {
        let kind = try CAdESFixtures.kinds().first { $0.certificate == "seal" }!
        let signer = try CAdESFixtures.signer(kind, module: module)
        let doc = dir.appendingPathComponent("d.txt").path
        try Data("d".utf8).write(to: URL(fileURLWithPath: doc))
        let cases: [(String, TimeInterval, String)] = [
            ("PODPIS_TSA_ERROR_URL", 20, "tsa-rejected"),
            ("PODPIS_TSA_GARBAGE_URL", 20, "tsa-malformed-response"),
            ("PODPIS_TSA_HTTP500_URL", 20, "tsa-http-status"),
            ("PODPIS_TSA_SLOW_URL", 2, "tsa-timeout"),
        ]
        for (key, timeout, code) in cases {
            let out = dir.appendingPathComponent("\(code).p7s").path
            do {
                try await CAdES.signDetached(
                    file: InputFile(path: doc), output: out, signer: signer,
                    options: CAdESOptions(level: .bt, timeStampClient: try client(key, timeout: timeout)))
                XCTFail("\(key): no error")
            } catch let error as TimeStampError {
                XCTAssertEqual(error.code, code, "\(key): \(error)")
                XCTAssertFalse(error.message.pl.isEmpty)
            }
            XCTAssertFalse(FileManager.default.fileExists(atPath: out), "\(key): a partial output was left")
        }
        // Nobody listening.
        let out = dir.appendingPathComponent("down.p7s").path
        do {
            try await CAdES.signDetached(
                file: InputFile(path: doc), output: out, signer: signer,
                options: CAdESOptions(level: .bt, timeStampClient: TimeStampClient(url: URL(string: "http://127.0.0.1:9/tsa")!, timeout: 5)))
            XCTFail("no error")
        } catch let error as TimeStampError {
            XCTAssertTrue(["tsa-unreachable", "tsa-timeout"].contains(error.code), error.code)
        }
    }

    func testAResponseForAnotherRequestIsRejected() async throws {
        let client = try client("PODPIS_TSA_URL")
        let imprint = MessageImprint(hashAlgorithm: .sha256, hashedMessage: [UInt8](repeating: 7, count: 32))
        let request = TimeStampRequest(messageImprint: imprint, nonce: [0x12, 0x34, 0x56])
        var coder = DER.Serializer()
        try coder.serialize(request)
        let body = try await client.post(coder.serializedBytes)
        // The answer checks out against its own request…
        let token = try client.check(response: body, request: request)
        XCTAssertEqual(token.info.messageImprint.hashedMessage, imprint.hashedMessage)
        XCTAssertTrue(token.tsaCertificate.subject.description.contains("TSA"), token.tsaCertificate.subject.description)
        // …and not against a request with another nonce or another imprint.
        XCTAssertThrowsError(try client.check(response: body, request: TimeStampRequest(messageImprint: imprint, nonce: [0x99]))) {
            XCTAssertEqual(($0 as? TimeStampError)?.code, "tsa-nonce-mismatch")
        }
        let other = MessageImprint(hashAlgorithm: .sha256, hashedMessage: [UInt8](repeating: 8, count: 32))
        XCTAssertThrowsError(try client.check(response: body, request: TimeStampRequest(messageImprint: other, nonce: [0x12, 0x34, 0x56]))) {
            XCTAssertEqual(($0 as? TimeStampError)?.code, "tsa-imprint-mismatch")
        }
        // A token one byte off fails its signature check.
        var tampered = body
        tampered[tampered.count - 40] ^= 0x01
        XCTAssertThrowsError(try client.check(response: tampered, request: request))
    }

    private func bytes(hex: String) -> [UInt8] {
        var out: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            out.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        return out
    }
}
