import CAdES
import CMS
import Evidence
import Files
import Foundation
import SignatureAlgorithms
import Signing
import SwiftASN1
import Timestamping
import TestBench
import XCTest

/// B-LTA made here (EN 319 122-1 §5.5.3): an archive-time-stamp-v3 from the
/// bench's TSA with its ats-hash-index-v3, added to CAdES signatures of the
/// bench (attached, detached, parallel) and of another producer. Its imprint
/// is recomputed by an independent script (asn1crypto) and the token checked
/// by `openssl ts -verify` over it; our examiner and `podpis verify` find it
/// intact, and find it broken, naming the element, once something it indexed
/// changes.
final class CAdESArchiveTimeStampProductionTests: CAdESTestCase {
    static let samples = TestBench.repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/conformance/samples/cades")
    static let script = TestBench.repositoryRoot.appendingPathComponent("Tests/Tools/ats_v3_imprint.py").path

    func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
    func read(_ path: String) throws -> [UInt8] { Array(try Data(contentsOf: URL(fileURLWithPath: path))) }

    /// The bench's TSA as the closure the producer asks.
    func tsa() throws -> (_ imprint: [UInt8], _ algorithm: HashAlgorithm) async throws -> [UInt8] {
        let client = TimeStampClient(url: try XCTUnwrap(URL(string: try TestBench.value("PODPIS_TSA_URL"))))
        return { imprint, algorithm in try await client.timestamp(digest: imprint, hash: algorithm.identifier).der }
    }

    func podpis(_ arguments: [String], stdin: Data? = nil) throws -> (status: Int32, stdout: String, stderr: String) {
        try TestBench.runCapturing(TestBench.product("podpis"), arguments, stdin: stdin, environment: ["LANG": "en_US.UTF-8", "LC_ALL": ""])
    }

    var trust: [String] { get throws { ["--trust", try TestBench.pki("root.pem"), "--no-trusted-lists"] } }

    /// A CAdES B-T signed by `podpis sign` on the bench, made B-LT by `podpis extend`.
    func benchBLT(detached: Bool) throws -> (signature: String, document: String) {
        let document = path(detached ? "decyzja.txt" : "zaswiadczenie.txt")
        try Data("Zaświadczenie nr 7/2026 \(detached ? "(osobno)" : "(w podpisie)")\n".utf8).write(to: URL(fileURLWithPath: document))
        let (certificate, pin) = detached ? ("seal", "PODPIS_SEAL_PIN") : ("person-ec", "PODPIS_SIGNER_PIN")
        let id = String(try OpenSSL.certificateSHA256(certificate).prefix(16))
        let bt = path(detached ? "decyzja.p7s" : "zaswiadczenie.p7s")
        let signed = try podpis(
            ["sign", "--format", "cades", "--level", "B-T", "--tsa", try TestBench.value("PODPIS_TSA_URL"), "--pin-fd", "0", "--cert", id,
             "-o", bt, document] + (detached ? ["--detached"] : []),
            stdin: Data((try TestBench.value(pin) + "\n").utf8))
        XCTAssertEqual(signed.status, 0, signed.stderr)
        let lt = bt.replacingOccurrences(of: ".p7s", with: "-LT.p7s")
        let extended = try podpis(
            ["extend", "--level", "B-LT", bt, "-o", lt, "--online", "--allow-address", "127.0.0.1/32", "--revocation-cache", path("cache")]
                + (detached ? ["--detached", document] : []) + trust)
        XCTAssertEqual(extended.status, 0, extended.stdout + extended.stderr)
        return (lt, document)
    }

    /// The imprint the independent script computes for the `which`-th (default: last) archive-time-stamp-v3, and that token in a file.
    func independentImprint(
        _ file: String, content: String? = nil, signer: Int = 1, which: Int? = nil, stamped: Bool = true
    ) throws -> (imprint: String, token: String, unmatched: [String]) {
        let token = path("ats-\(UUID().uuidString).tsr")
        var arguments = [Self.script, file, "--json", "--signer", "\(signer)", "--token-out", token]
        if let content { arguments += ["--content", content] }
        if let which { arguments += ["--which", "\(which)"] }
        let output = try TestBench.run("/usr/bin/python3", arguments)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any], output)
        let imprint = try XCTUnwrap(json["imprint"] as? String)
        if stamped { XCTAssertEqual(json["tokenImprint"] as? String, imprint, "the token stamps what the script rebuilds") }
        return (imprint, token, try XCTUnwrap(json["unmatched"] as? [String]))
    }

    /// `openssl ts -verify -digest` of a token from the bench's TSA.
    func opensslVerifies(token: String, digest: String) throws -> Bool {
        let result = try TestBench.runCapturing("openssl", [
            "ts", "-verify", "-digest", digest, "-token_in", "-in", token,
            "-CAfile", try TestBench.pki("root.pem"), "-untrusted", try TestBench.value("PODPIS_TSA_CHAIN"),
        ])
        return result.stdout.contains("Verification: OK")
    }

    func archives(_ signature: ExaminedSignature) -> [ExaminedTimeStamp] { signature.timeStamps.filter { $0.kind == .archive } }

    func verifyReport(_ file: String, detached document: String? = nil) throws -> (status: Int32, signature: [String: Any]) {
        let result = try podpis(["verify", file, "--json", "--revocation-cache", path("empty")] + (document.map { ["--detached", $0] } ?? []) + trust)
        let report = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], result.stdout + result.stderr)
        return (result.status, try XCTUnwrap((report["signatures"] as? [[String: Any]])?.first))
    }

    func archiveReports(_ signature: [String: Any]) -> [[String: Any]] {
        (signature["timeStamps"] as? [[String: Any]] ?? []).filter { $0["kind"] as? String == "ARCHIVE_TIMESTAMP" }
    }

    // MARK: Attached, renewed, then changed

    func testAnAttachedBLTBecomesBLTAAndARenewalCoversTheFirstArchiveTimeStamp() async throws {
        let (lt, _) = try benchBLT(detached: false)
        let original = try read(lt)
        let lta = try await CAdES.addArchiveTimeStamp(to: original, signerIndex: 0, timeStamp: try tsa())
        let ltaFile = try CAdESFixtures.write(lta, dir, "zaswiadczenie-LTA.p7s")

        // Our examiner: intact, imprint rebuilt, B-LTA.
        let examined = try XCTUnwrap(try CAdESExaminer.examine(lta, name: "z", detached: []).first)
        let archive = try XCTUnwrap(archives(examined).first)
        XCTAssertEqual(archives(examined).count, 1)
        XCTAssertEqual(archive.imprintMatches, true)
        XCTAssertNil(archive.problem)
        XCTAssertEqual(archive.signatureValue, .intact)
        XCTAssertEqual(examined.level, .baselineLTA)
        XCTAssertTrue(examined.warnings.isEmpty, "\(examined.warnings)")

        // Independently: the script's imprint is the token's, and openssl verifies the token over it (and not over another).
        let first = try independentImprint(ltaFile)
        XCTAssertEqual(first.unmatched, [])
        XCTAssertTrue(try opensslVerifies(token: first.token, digest: first.imprint))
        var wrong = Array(first.imprint)
        wrong[0] = wrong[0] == "0" ? "1" : "0"
        XCTAssertFalse(try opensslVerifies(token: first.token, digest: String(wrong)), "openssl must refuse another imprint")
        // openssl cms still verifies the signature.
        XCTAssertTrue(try CAdESFixtures.opensslVerify(ltaFile).ok)
        // The signer's other fields and everything else of SignedData kept their bytes.
        let before = try SignedData(contentInfo: original), after = try SignedData(contentInfo: lta)
        XCTAssertEqual(Set(after.certificates), Set(before.certificates))
        XCTAssertEqual(after.certificates.count, before.certificates.count)
        XCTAssertEqual(Set(after.crls), Set(before.crls))
        XCTAssertEqual(after.crls.count, before.crls.count)
        XCTAssertEqual(after.content, before.content)
        XCTAssertTrue(after.signerInfos[0].bytes.count > before.signerInfos[0].bytes.count)

        // podpis verify: B-LTA, passed, the archive time-stamp passed too.
        let report = try verifyReport(ltaFile)
        XCTAssertEqual(report.status, 0, "\(report.signature)")
        XCTAssertEqual(report.signature["level"] as? String, "CAdES-BASELINE-LTA")
        XCTAssertEqual(report.signature["indication"] as? String, "TOTAL-PASSED", "\(report.signature)")
        XCTAssertEqual(archiveReports(report.signature).map { $0["indication"] as? String }, ["TOTAL-PASSED"])

        // (d) A renewal on top: both hold; the second indexes the first (one more attribute value).
        let renewed = try await CAdES.addArchiveTimeStamp(to: lta, signerIndex: 0, timeStamp: try tsa())
        let renewedFile = try CAdESFixtures.write(renewed, dir, "zaswiadczenie-LTA2.p7s")
        let twice = try XCTUnwrap(try CAdESExaminer.examine(renewed, name: "z", detached: []).first)
        XCTAssertEqual(archives(twice).count, 2)
        for stamp in archives(twice) {
            XCTAssertEqual(stamp.imprintMatches, true)
            XCTAssertNil(stamp.problem)
        }
        XCTAssertEqual(twice.level, .baselineLTA)
        let older = try independentImprint(renewedFile, which: 1), newer = try independentImprint(renewedFile, which: 2)
        XCTAssertEqual(older.imprint, first.imprint, "the first archive time-stamp stamps what it stamped")
        XCTAssertNotEqual(newer.imprint, older.imprint)
        XCTAssertTrue(try opensslVerifies(token: older.token, digest: older.imprint))
        XCTAssertTrue(try opensslVerifies(token: newer.token, digest: newer.imprint))
        let renewedReport = try verifyReport(renewedFile)
        XCTAssertEqual(renewedReport.signature["level"] as? String, "CAdES-BASELINE-LTA")
        XCTAssertEqual(archiveReports(renewedReport.signature).map { $0["indication"] as? String }, ["TOTAL-PASSED", "TOTAL-PASSED"])
        // The second covers the first: removing the first archive time-stamp breaks the second.
        let withoutFirst = try removingFirstArchiveTimeStamp(renewed)
        let broken = try XCTUnwrap(try CAdESExaminer.examine(withoutFirst, name: "z", detached: []).first)
        let survivor = try XCTUnwrap(archives(broken).first)
        XCTAssertEqual(archives(broken).count, 1)
        XCTAssertTrue(survivor.problem?.contains("unsigned attribute value #") == true, survivor.problem ?? "no problem named")

        // (e) One byte of a certificate of SignedData.certificates changed after stamping: both archive time-stamps fail, naming it.
        var certificates = try SignedData(contentInfo: renewed)
        let changedIndex = try XCTUnwrap(certificates.certificates.indices.last)
        var certificate = certificates.certificates[changedIndex].bytes
        certificate[certificate.count - 1] ^= 0x01  // inside the CA's signature: still a certificate
        certificates.certificates[changedIndex] = try CMSElement(bytes: certificate)
        let tampered = try certificates.serialize()
        let tamperedFile = try CAdESFixtures.write(tampered, dir, "zaswiadczenie-cert.p7s")
        let afterChange = try XCTUnwrap(try CAdESExaminer.examine(tampered, name: "z", detached: []).first)
        XCTAssertEqual(archives(afterChange).count, 2)
        for stamp in archives(afterChange) {
            XCTAssertTrue(stamp.problem?.hasPrefix("archive-time-stamp-v3: certificate #") == true, stamp.problem ?? "no problem named")
            XCTAssertTrue(stamp.problem?.contains("changed or removed after it was stamped") == true)
        }
        XCTAssertNotEqual(afterChange.level, .baselineLTA)
        XCTAssertEqual(try independentImprint(tamperedFile).unmatched.filter { $0.hasPrefix("certificate #") }.count, 1, "the script sees it too")
        let changedReport = try verifyReport(tamperedFile)
        XCTAssertNotEqual(changedReport.signature["level"] as? String, "CAdES-BASELINE-LTA")
        let failed = archiveReports(changedReport.signature)
        XCTAssertEqual(failed.count, 2)
        for stamp in failed {
            XCTAssertEqual(stamp["indication"] as? String, "TOTAL-FAILED", "\(stamp)")
            XCTAssertTrue((stamp["reason"] as? String)?.contains("certificate #") == true, "\(stamp)")
        }
    }

    // MARK: Detached

    func testADetachedBLTIsArchiveTimeStampedOverItsDocumentAndAChangedSignatureTimeStampIsNamed() async throws {
        let (lt, document) = try benchBLT(detached: true)
        let original = try read(lt)
        // Refused, before the TSA is asked: no document digest, no such signer.
        var asked = 0
        let counting: (_ imprint: [UInt8], _ algorithm: HashAlgorithm) async throws -> [UInt8] = { _, _ in
            asked += 1
            return []
        }
        do {
            _ = try await CAdES.addArchiveTimeStamp(to: original, signerIndex: 0, timeStamp: counting)
            XCTFail("a detached signature without its document's digest")
        } catch let error as CMSError {
            XCTAssertEqual(error.code, "cms-content-missing", "\(error)")
        }
        for index in [1, -1] {
            do {
                _ = try await CAdES.addArchiveTimeStamp(
                    to: original, signerIndex: index, detachedContentDigest: { try CAdES.digest(of: InputFile(path: document), $0) },
                    timeStamp: counting)
                XCTFail("signer index \(index) of one")
            } catch let error as CMSError {
                XCTAssertEqual(error.code, "cms-no-such-signer", "\(error)")
                XCTAssertFalse(error.message.pl.isEmpty)
                XCTAssertFalse(error.message.en.isEmpty)
            }
        }
        XCTAssertEqual(asked, 0)

        let lta = try await CAdES.addArchiveTimeStamp(
            to: original, signerIndex: 0, detachedContentDigest: { try CAdES.digest(of: InputFile(path: document), $0) }, timeStamp: try tsa())
        let ltaFile = try CAdESFixtures.write(lta, dir, "decyzja-LTA.p7s")
        let examined = try XCTUnwrap(try CAdESExaminer.examine(lta, name: "d", detached: [DetachedData(path: document)]).first)
        let archive = try XCTUnwrap(archives(examined).first)
        XCTAssertEqual(archive.imprintMatches, true)
        XCTAssertNil(archive.problem)
        XCTAssertEqual(examined.level, .baselineLTA)
        // Without the document the imprint cannot be rebuilt; the index still holds.
        let alone = try XCTUnwrap(try CAdESExaminer.examine(lta, name: "d", detached: []).first)
        XCTAssertNil(try XCTUnwrap(archives(alone).first).imprintMatches)
        XCTAssertEqual(alone.level, .baselineLTA)

        let independent = try independentImprint(ltaFile, content: document)
        XCTAssertEqual(independent.unmatched, [])
        XCTAssertTrue(try opensslVerifies(token: independent.token, digest: independent.imprint))
        let otherDocument = path("inny.txt")
        try Data("Inny dokument\n".utf8).write(to: URL(fileURLWithPath: otherDocument))
        XCTAssertNotEqual(try independentImprint(ltaFile, content: otherDocument, stamped: false).imprint, independent.imprint)
        XCTAssertTrue(try CAdESFixtures.opensslVerify(ltaFile, content: document).ok)
        let report = try verifyReport(ltaFile, detached: document)
        XCTAssertEqual(report.signature["level"] as? String, "CAdES-BASELINE-LTA")
        XCTAssertEqual(report.signature["indication"] as? String, "TOTAL-PASSED", "\(report.signature)")
        XCTAssertEqual(archiveReports(report.signature).map { $0["indication"] as? String }, ["TOTAL-PASSED"])

        // (e) One byte of the signature time-stamp's value changed after stamping: the archive time-stamp names it.
        let signer = try XCTUnwrap(try SignedData(contentInfo: lta).parsedSignerInfos().first)
        let stampValue = try XCTUnwrap(signer.unsignedAttributes.first { $0.type == Self.signatureTimeStamp }?.values.first)
        var stampCoder = DER.Serializer()
        try stampCoder.serialize(stampValue)
        let stampBytes = stampCoder.serializedBytes
        let at = try XCTUnwrap(lta.firstRange(of: stampBytes), "the signature time-stamp as written")
        var tampered = lta
        tampered[at.upperBound - 1] ^= 0x01  // the TSA's signature value: still a token
        let tamperedFile = try CAdESFixtures.write(tampered, dir, "decyzja-tst.p7s")
        let changed = try XCTUnwrap(try CAdESExaminer.examine(tampered, name: "d", detached: [DetachedData(path: document)]).first)
        let failed = try XCTUnwrap(archives(changed).first)
        XCTAssertEqual(failed.problem, "archive-time-stamp-v3: unsigned attribute value #1 changed or removed after it was stamped")
        XCTAssertEqual(failed.imprintMatches, true, "what it stamped is intact; what it indexed is not")
        XCTAssertNotEqual(changed.level, .baselineLTA)
        XCTAssertEqual(try independentImprint(tamperedFile, content: document).unmatched, ["unsigned attribute value #1"])
        let changedReport = try verifyReport(tamperedFile, detached: document)
        XCTAssertNotEqual(changedReport.signature["level"] as? String, "CAdES-BASELINE-LTA")
        let stamp = try XCTUnwrap(archiveReports(changedReport.signature).first)
        XCTAssertEqual(stamp["indication"] as? String, "TOTAL-FAILED")
        XCTAssertEqual(stamp["reason"] as? String, failed.problem)
    }

    // MARK: Parallel signers

    func testTheArchiveTimeStampOfOneParallelSignerLeavesTheOtherAndSignedDataAsTheyWere() async throws {
        let kinds = try CAdESFixtures.kinds()
        let seal = try CAdESFixtures.signer(kinds.first { $0.certificate == "seal" }!, module: module)
        let ec = try CAdESFixtures.signer(kinds.first { $0.certificate == "person-ec" }!, module: module)
        let document = path("pismo.txt")
        try Data("Pismo do podpisu przez dwie osoby\n".utf8).write(to: URL(fileURLWithPath: document))
        let client = TimeStampClient(url: try XCTUnwrap(URL(string: try TestBench.value("PODPIS_TSA_URL"))))
        let options = CAdESOptions(level: .bt, includeChain: true, timeStampClient: client)
        let first = path("pismo.p7m")
        try await CAdES.signAttached(file: InputFile(path: document), output: first, signer: seal, options: options)
        let both = try await CAdES.addSignature(to: try read(first), detachedContent: nil, signer: ec, options: options)
        let before = try SignedData(contentInfo: both)
        XCTAssertEqual(before.signerInfos.count, 2)

        let lta = try await CAdES.addArchiveTimeStamp(to: both, signerIndex: 1, timeStamp: try tsa())
        let ltaFile = try CAdESFixtures.write(lta, dir, "pismo-LTA.p7m")
        let after = try SignedData(contentInfo: lta)
        XCTAssertEqual(after.signerInfos.count, 2)
        XCTAssertTrue(after.signerInfos.contains(before.signerInfos[0]), "the other signer, byte for byte")
        XCTAssertFalse(after.signerInfos.contains(before.signerInfos[1]))
        XCTAssertEqual(Set(after.certificates), Set(before.certificates))
        XCTAssertEqual(after.certificates.count, before.certificates.count)
        XCTAssertEqual(after.crls, before.crls)
        XCTAssertEqual(after.content, before.content)
        XCTAssertEqual(after.digestAlgorithms, before.digestAlgorithms)
        XCTAssertTrue(try CAdESFixtures.opensslVerify(ltaFile).ok, "both signers still verify")

        let stamped = try XCTUnwrap(after.signerInfos.firstIndex { !before.signerInfos.contains($0) })
        let examined = try CAdESExaminer.examine(lta, name: "p", detached: [])
        XCTAssertEqual(examined.map { archives($0).count }.sorted(), [0, 1])
        let archive = try XCTUnwrap(archives(examined[stamped]).first)
        XCTAssertEqual(archive.imprintMatches, true)
        XCTAssertNil(archive.problem)
        XCTAssertTrue(examined.allSatisfy { $0.signatureValue == .intact })
        let independent = try independentImprint(ltaFile, signer: stamped + 1)
        XCTAssertEqual(independent.unmatched, [])
        XCTAssertTrue(try opensslVerifies(token: independent.token, digest: independent.imprint))
    }

    // MARK: Another producer's signature

    func testAnotherProducersBLTBecomesBLTA() async throws {
        let sample = Self.samples.appendingPathComponent("eu-plugtest/Signature-CBp-LT-2.p7m").path
        XCTAssertTrue(try CAdESFixtures.opensslVerify(sample, noVerify: true).ok, "the sample is crypto-valid")
        let original = try read(sample)
        XCTAssertEqual(try CAdESExaminer.examine(original, name: "lt", detached: []).first?.level, .baselineLT)

        let lta = try await CAdES.addArchiveTimeStamp(to: original, signerIndex: 0, timeStamp: try tsa())
        let ltaFile = try CAdESFixtures.write(lta, dir, "Signature-CBp-LTA.p7m")
        let examined = try XCTUnwrap(try CAdESExaminer.examine(lta, name: "lta", detached: []).first)
        let archive = try XCTUnwrap(archives(examined).first)
        XCTAssertEqual(archive.imprintMatches, true)
        XCTAssertNil(archive.problem)
        XCTAssertEqual(archive.signatureValue, .intact)
        XCTAssertEqual(examined.signatureValue, .intact)
        XCTAssertEqual(examined.level, .baselineLTA)
        let independent = try independentImprint(ltaFile)
        XCTAssertEqual(independent.unmatched, [])
        XCTAssertTrue(try opensslVerifies(token: independent.token, digest: independent.imprint))
        XCTAssertTrue(try CAdESFixtures.opensslVerify(ltaFile, noVerify: true).ok)

        let before = try SignedData(contentInfo: original), after = try SignedData(contentInfo: lta)
        XCTAssertEqual(Set(after.certificates), Set(before.certificates))
        XCTAssertEqual(Set(after.crls), Set(before.crls))
        XCTAssertEqual(after.content, before.content)
        // The signer's own fields and unsigned attributes, as the other producer wrote them, kept and in their places.
        let old = try Self.parts(before.signerInfos[0].bytes), new = try Self.parts(after.signerInfos[0].bytes)
        XCTAssertEqual(new.fields, old.fields, "version … signature kept")
        XCTAssertEqual(new.unsigned.count, old.unsigned.count + 1)
        XCTAssertEqual(Array(new.unsigned.prefix(old.unsigned.count)), old.unsigned, "every unsigned attribute kept, in its place")
    }

    /// A SignerInfo's fields before [1] unsignedAttrs, and each unsigned attribute, as encoded.
    static func parts(_ signerInfo: [UInt8]) throws -> (fields: [UInt8], unsigned: [[UInt8]]) {
        guard case .constructed(let children) = try BER.parse(signerInfo).content else { throw CMSError(.malformed, "SignerInfo") }
        var fields: [UInt8] = [], unsigned: [[UInt8]] = []
        for child in children {
            if child.identifier == ASN1Identifier(tagWithNumber: 1, tagClass: .contextSpecific), case .constructed(let attributes) = child.content {
                unsigned = attributes.map { Array($0.encodedBytes) }
            } else {
                fields += child.encodedBytes
            }
        }
        return (fields, unsigned)
    }

    func testDSSsArchiveTimeStampV3IsRebuiltByTheSameCodeWhenItsDocumentIsGiven() throws {
        // DSS's detached B-LTA over hello-world.txt: what it stamped and indexed is what we build.
        let sample = Self.samples.appendingPathComponent("dss/dss2011-cades-lta-detached.pkcs7").path
        let document = Self.samples.appendingPathComponent("dss/hello-world.txt").path
        let examined = try XCTUnwrap(try CAdESExaminer.examine(try read(sample), name: "dss", detached: [DetachedData(path: document)]).first)
        let archive = try XCTUnwrap(archives(examined).first)
        XCTAssertEqual(archive.imprintMatches, true)
        XCTAssertNil(archive.problem)
        XCTAssertEqual(examined.level, .baselineLTA)
        let independent = try independentImprint(sample, content: document)
        XCTAssertEqual(independent.unmatched, [])
    }

    /// The same file without the first archive-time-stamp-v3 attribute (every other byte of the signer kept).
    func removingFirstArchiveTimeStamp(_ bytes: [UInt8]) throws -> [UInt8] {
        var signed = try SignedData(contentInfo: bytes)
        guard case .constructed(let fields) = try signed.signerInfos[0].node().content else { throw CMSError(.malformed, "SignerInfo") }
        let unsigned = ASN1Identifier(tagWithNumber: 1, tagClass: .contextSpecific)
        var removed = false
        var coder = DER.Serializer()
        try coder.appendConstructedNode(identifier: .sequence) { coder in
            for field in fields {
                guard field.identifier == unsigned, case .constructed(let attributes) = field.content else {
                    coder.serializeRawBytes(field.encodedBytes)
                    continue
                }
                try coder.appendConstructedNode(identifier: unsigned) { coder in
                    for attribute in attributes {
                        guard case .constructed(let parts) = attribute.content else { continue }
                        var iterator = parts.makeIterator()
                        guard let typeNode = iterator.next() else { continue }
                        if try ASN1ObjectIdentifier(derEncoded: typeNode) == Self.archiveTimeStampV3, !removed {
                            removed = true
                        } else {
                            coder.serializeRawBytes(attribute.encodedBytes)
                        }
                    }
                }
            }
        }
        XCTAssertTrue(removed)
        signed.signerInfos[0] = try CMSElement(bytes: coder.serializedBytes)
        return try signed.serialize()
    }

    static let archiveTimeStampV3: ASN1ObjectIdentifier = [0, 4, 0, 1733, 2, 4]
    static let signatureTimeStamp: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 9, 16, 2, 14]
}
