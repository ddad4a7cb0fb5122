import CAdES
import CMS
import Evidence
import Foundation
import SignatureAlgorithms
import TestBench
import XCTest

/// B-LT's validation data added to SignedData (EN 319 122-1 §5.5.3): the
/// certificates and an OCSP response (RFC 5940, `other` with
/// id-ri-ocsp-response) for a file of two signers made by openssl; read back
/// by asn1crypto and by our examiner, still verified by `openssl cms
/// -verify`, every signer info unchanged byte for byte.
final class CAdESValidationDataTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws { dir = try TestBench.temporaryDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
    func read(_ name: String) throws -> [UInt8] { Array(try Data(contentsOf: dir.appendingPathComponent(name))) }
    @discardableResult
    func openssl(_ arguments: [String]) throws -> String { try TestBench.run("openssl", arguments) }

    /// A root, a signer it issued, a self-signed second signer, a signature by
    /// both (attached, without the root), and the root's OCSP answer about the first signer.
    func makeFixtures() throws {
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
        try openssl(["req", "-x509"] + ec + ["-keyout", path("root.key"), "-out", path("root.pem"), "-subj", "/C=PL/O=Test/CN=Test Root", "-days", "30"])
        try openssl(["req", "-new"] + ec + ["-keyout", path("s1.key"), "-out", path("s1.csr"), "-subj", "/C=PL/CN=Anna Nowak"])
        try openssl(["x509", "-req", "-in", path("s1.csr"), "-CA", path("root.pem"), "-CAkey", path("root.key"), "-out", path("s1.pem"),
                     "-days", "20", "-set_serial", "4660"])
        try openssl(["req", "-x509"] + ec + ["-keyout", path("s2.key"), "-out", path("s2.pem"), "-subj", "/C=PL/CN=Jan Kowalski", "-days", "30"])
        try Data("Zaświadczenie nr 1/2026\n".utf8).write(to: dir.appendingPathComponent("doc.txt"))
        try openssl(["cms", "-sign", "-binary", "-nodetach", "-in", path("doc.txt"), "-signer", path("s1.pem"), "-inkey", path("s1.key"),
                     "-signer", path("s2.pem"), "-inkey", path("s2.key"), "-outform", "DER", "-out", path("sig.der")])
        try openssl(["ocsp", "-issuer", path("root.pem"), "-cert", path("s1.pem"), "-no_nonce", "-reqout", path("req.der")])
        try Data().write(to: dir.appendingPathComponent("index.txt"))
        try openssl(["ocsp", "-index", path("index.txt"), "-rsigner", path("root.pem"), "-rkey", path("root.key"), "-CA", path("root.pem"),
                     "-reqin", path("req.der"), "-respout", path("resp.der"), "-ndays", "1"])
        try openssl(["x509", "-in", path("root.pem"), "-outform", "DER", "-out", path("root.der")])
        try Data((try String(contentsOfFile: path("root.pem"), encoding: .utf8) + String(contentsOfFile: path("s2.pem"), encoding: .utf8)).utf8)
            .write(to: dir.appendingPathComponent("trusted.pem"))
    }

    func testCertificatesAndAnOCSPResponseAreCarriedAndEverySignerInfoKeepsItsBytes() throws {
        try makeFixtures()
        let original = try read("sig.der")
        let root = try read("root.der"), response = try read("resp.der")
        let extended = try CAdES.addValidationData(.init(certificates: [root], ocspResponses: [response]), to: original)
        try Data(extended).write(to: dir.appendingPathComponent("lt.der"))

        let before = try SignedData(contentInfo: original), after = try SignedData(contentInfo: extended)
        XCTAssertEqual(after.signerInfos.count, 2)
        XCTAssertEqual(Set(after.signerInfos.map(\.bytes)), Set(before.signerInfos.map(\.bytes)), "every signer info byte for byte")
        XCTAssertEqual(Set(before.certificates.map(\.bytes)).subtracting(after.certificates.map(\.bytes)), [], "no certificate lost")
        XCTAssertEqual(after.version, .v5, "an `other` RevocationInfoChoice makes SignedData version 5 (RFC 5652 §5.1)")
        XCTAssertEqual(after.content, before.content)

        // An independent parser reads the same.
        let seen = try CAdESFixtures.inspect(path("lt.der"))
        XCTAssertEqual(seen["ocspResponses"] as? [String], [response.hexString])
        XCTAssertEqual(seen["crls"] as? [String], [])
        XCTAssertTrue((seen["certificates"] as? [String] ?? []).contains(DigestAlgorithm.sha256.digest(root).hexString), "\(seen)")
        XCTAssertEqual(seen["version"] as? String, "v5")
        // openssl still verifies both signers.
        let verified = try TestBench.runCapturing("openssl", [
            "cms", "-verify", "-binary", "-inform", "DER", "-in", path("lt.der"), "-CAfile", path("trusted.pem"), "-purpose", "any", "-out", path("out.txt"),
        ])
        XCTAssertEqual(verified.status, 0, verified.stderr)
        XCTAssertEqual(try read("out.txt"), try read("doc.txt"))
        // The response carried is one openssl accepts as the root's answer.
        let ocsp = try TestBench.runCapturing("openssl", ["ocsp", "-respin", path("resp.der"), "-CAfile", path("root.pem"), "-resp_text"])
        XCTAssertEqual(ocsp.status, 0, ocsp.stderr)
        // Our examiner finds the carried data for the first signer.
        let examined = try CAdESExaminer.examine(extended, name: "lt.der", detached: [])
        let first = try XCTUnwrap(examined.first { $0.signingCertificate?.subjectText.contains("Anna Nowak") == true })
        XCTAssertEqual(first.ocspResponses, [response])
        XCTAssertTrue(first.certificates.contains { $0.der == root })
        XCTAssertTrue(examined.allSatisfy { $0.signatureValue == .intact })

        // Adding the same again changes nothing.
        XCTAssertEqual(try CAdES.addValidationData(.init(certificates: [root], ocspResponses: [response]), to: extended), extended)
    }

    func testBytesThatAreNotOneElementAreRefusedAndNothingIsWritten() throws {
        try makeFixtures()
        let original = try read("sig.der")
        XCTAssertThrowsError(try CAdES.addValidationData(.init(ocspResponses: [[0x30, 0x05, 0x01]]), to: original)) { error in
            XCTAssertEqual((error as? CMSError)?.code, "cms-malformed", "\(error)")
        }
        XCTAssertThrowsError(try CAdES.addValidationData(.init(certificates: [try read("root.der") + [0]]), to: original))
        XCTAssertThrowsError(try CAdES.addValidationData(.init(), to: Array("not a signature".utf8)))
    }
}
