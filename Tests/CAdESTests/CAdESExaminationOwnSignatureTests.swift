import CAdES
import CMS
import Evidence
import Files
import Foundation
import Signing
import SignatureAlgorithms
import SwiftASN1
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

/// Our CAdES signer with a key openssl holds (no bench): attached and
/// detached B-B examined as intact, with the certificate openssl made.
final class CAdESExaminationSoftwareKeyTests: XCTestCase {
    func testOurAttachedAndDetachedBBSignaturesAreIntactAndNameTheCertificate() async throws {
        let dir = try TestBench.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
        try TestBench.run("openssl", [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", path("k.pem"),
            "-outform", "DER", "-out", path("c.der"), "-subj", "/C=PL/CN=Anna Nowak", "-days", "30",
        ])
        let certificate = Array(try Data(contentsOf: URL(fileURLWithPath: path("c.der"))))
        let keyPath = path("k.pem")
        let signer = try Signer(certificateDER: certificate, algorithm: .ecdsa(.sha256)) { digest in
            // openssl signs the digest (DER ECDSA-Sig-Value); the signer returns r‖s as a token does.
            let id = UUID().uuidString
            let input = dir.appendingPathComponent("\(id).digest"), output = dir.appendingPathComponent("\(id).sig")
            try Data(digest).write(to: input)
            try TestBench.run("openssl", ["pkeyutl", "-sign", "-inkey", keyPath, "-in", input.path, "-out", output.path])
            let der = Array(try Data(contentsOf: output))
            return try DER.sequence(try DER.parse(der), identifier: .sequence) { nodes in
                var raw: [UInt8] = []
                for _ in 0..<2 {
                    let integer = Array(try ArraySlice<UInt8>(derEncoded: &nodes).drop { $0 == 0 })
                    raw += [UInt8](repeating: 0, count: 32 - integer.count) + integer
                }
                return raw
            }
        }
        let doc = path("decyzja.txt")
        try Data("Decyzja nr 7/2026\n".utf8).write(to: URL(fileURLWithPath: doc))
        for attached in [true, false] {
            let out = path(attached ? "a.p7s" : "d.p7s")
            if attached {
                try await CAdES.signAttached(file: InputFile(path: doc), output: out, signer: signer, options: CAdESOptions())
            } else {
                try await CAdES.signDetached(file: InputFile(path: doc), output: out, signer: signer, options: CAdESOptions())
            }
            let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: out)))
            let examined = try CAdESExaminer.examine(bytes, name: out, detached: attached ? [] : [DetachedData(path: doc)])
            let first = try XCTUnwrap(examined.first)
            XCTAssertEqual(examined.count, 1)
            XCTAssertEqual(first.level, .baselineB)
            XCTAssertEqual(first.signatureValue, .intact, "attached \(attached)")
            XCTAssertEqual(first.references.first?.outcome, .intact, "attached \(attached)")
            XCTAssertEqual(first.signingCertificate?.der, certificate)
            XCTAssertEqual(first.signingCertificateReference, .matches)
            XCTAssertEqual(first.formatProblems, [])
            XCTAssertEqual(first.digestAlgorithm, .sha256)
            XCTAssertEqual(first.claimedSigningTime?.timeIntervalSinceNow ?? 1_000, 0, accuracy: 120)
            // openssl agrees.
            var arguments = ["cms", "-verify", "-noverify", "-binary", "-inform", "DER", "-in", out, "-out", "/dev/null"]
            if !attached { arguments += ["-content", doc] }
            XCTAssertEqual(try TestBench.runCapturing("openssl", arguments).status, 0)
            // Other data than what was signed: a digest mismatch.
            if !attached {
                let other = try CAdESExaminer.examine(bytes, name: out, detached: [DetachedData(name: "inna", bytes: Array("Decyzja nr 8/2026\n".utf8))])
                XCTAssertEqual(other.first?.references.first?.outcome, .digestMismatch)
            }
        }
    }
}
