import CAdES
import CMS
import Evidence
import Foundation
import TestBench
import XCTest

/// Every CAdES sample of the conformance corpus examined, each judged
/// against its documented result and against `openssl cms -verify -noverify`.
final class CAdESExaminationTests: XCTestCase {
    static let samples = TestBench.repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/conformance/samples/cades")

    enum Digest { case intact, mismatch, notFound }
    enum Value { case intact, broken, notChecked, unsupported }

    /// What a sample must give (its first signer): MANIFEST.tsv's expected
    /// result, in the examiner's terms.
    struct Expectation {
        var content: String? = nil
        var digest: Digest = .intact
        var value: Value = .intact
        var level: FormatLevel
        var certificateFound = true
        var signatureTimeStamps = 0
        /// Why openssl's verdict differs from ours (nil: it must agree).
        var divergence: String? = nil
    }

    /// Every signature file of samples/cades; a sample added without an entry fails the table test.
    static let table: [String: Expectation] = [
        "pl/Signature-C-PL_UNI-1.p7m": Expectation(level: .baselineB),
        "pl/Signature-C-PL_UNI-2.p7m": Expectation(level: .baselineT, signatureTimeStamps: 1),
        "dss/cades-bes-signeddata-detached.p7s": Expectation(content: "hello-world.txt", level: .baselineB),
        "dss/dss2011-cades-enveloping.pkcs7": Expectation(level: .baselineB),
        "dss/dss2011-cades-detached.pkcs7": Expectation(content: "hello-world.txt", level: .baselineB),
        "dss/dss2011-cades-enveloping-broken.pkcs7": Expectation(digest: .mismatch, level: .baselineB),
        "dss/dss2011-cades-lta-detached.pkcs7": Expectation(digest: .notFound, level: .baselineLTA, signatureTimeStamps: 1),
        "dss/cms-no-sign-cert.p7m": Expectation(value: .notChecked, level: .notETSI, certificateFound: false),
        "dss/cades-duplicated-signed-attrs.p7m": Expectation(digest: .notFound, level: .t, signatureTimeStamps: 1),
        "dss/dss1419-CAdES-BpB-att-SHA3_256-SHA3_256withRSA.p7m": Expectation(level: .baselineB),
        "dss/dss1188-Test.bin.sig": Expectation(content: "dss1188-Test.bin", level: .notETSI),
        "dss/dss667-BER_reordered_prova.txt.p7m": Expectation(
            level: .baselineB, divergence: "signed attributes stored out of DER SET OF order, signed in DER order: we (like DSS) check the DER encoding, openssl only the stored one"),
        "dss/dss667-DER_reordered_prova.txt.p7m": Expectation(
            level: .baselineB, divergence: "signed attributes stored out of DER SET OF order, signed in DER order: we (like DSS) check the DER encoding, openssl only the stored one"),
        "dss/counterSig.p7m": Expectation(level: .t, signatureTimeStamps: 1),
        "dss/cms-wrong-sign-cert-ref.p7m": Expectation(level: .baselineLT, signatureTimeStamps: 1),
        "dss/cades-double-signing-certificate.p7m": Expectation(digest: .notFound, level: .notETSI),
        "dss/dss1220-CAdES-BpT_modified_ts_hash.p7m": Expectation(level: .baselineT, signatureTimeStamps: 1),
        "dss/cades-broken-sig-tst.p7m": Expectation(
            level: .baselineLT, signatureTimeStamps: 1,
            divergence: "the RSA DigestInfo omits the NULL parameters: accepted as RFC 5754 asks and DSS does; openssl's strict PKCS#1 refuses"),
        "dss/cms-wrong-sign-cert-hash-algo.pkcs7": Expectation(level: .notETSI),
        "eu-plugtest/Signature-C-B-B-8.p7m": Expectation(level: .baselineB),
        "eu-plugtest/Signature-C-B-LTA-10.p7m": Expectation(level: .baselineLTA, signatureTimeStamps: 1),
        "eu-plugtest/Signature-CBp-LT-2.p7m": Expectation(level: .baselineLT, signatureTimeStamps: 1),
        "eu-plugtest/Signature-CBp-B-1.p7m": Expectation(level: .baselineB),
    ]
    /// Detached contents and input refusals: not signatures to examine.
    static let notSignatures: Set<String> = ["dss/hello-world.txt", "dss/dss1188-Test.bin", "dss/malformed-cades.p7m"]

    static func path(_ relative: String) -> String { samples.appendingPathComponent(relative).path }

    static func bytes(_ relative: String) throws -> [UInt8] {
        let url = samples.appendingPathComponent(relative)
        guard FileManager.default.fileExists(atPath: url.path) else { throw XCTSkip("no conformance sample \(relative)") }
        return Array(try Data(contentsOf: url))
    }

    static func examine(_ relative: String, content: String? = nil) throws -> [ExaminedSignature] {
        let detached = content.map { [DetachedData(path: path("dss/\($0)"))] } ?? []
        return try CAdESExaminer.examine(try bytes(relative), name: relative, detached: detached)
    }

    static func digest(_ signature: ExaminedSignature) -> Digest? {
        switch signature.references.first?.outcome {
        case .intact: return .intact
        case .digestMismatch: return .mismatch
        case .notFound: return .notFound
        default: return nil
        }
    }

    static func value(_ check: SignatureValueCheck) -> Value {
        switch check {
        case .intact: return .intact
        case .broken: return .broken
        case .notChecked: return .notChecked
        case .unsupported: return .unsupported
        }
    }

    /// openssl's verdict on the signature's crypto alone (no chain).
    static func openssl(_ relative: String, content: String?) throws -> (ok: Bool, output: String) {
        var arguments = ["cms", "-verify", "-noverify", "-binary", "-inform", "DER", "-in", path(relative), "-out", "/dev/null"]
        if let content { arguments += ["-content", path("dss/\(content)")] }
        let result = try TestBench.runCapturing("openssl", arguments)
        return (result.status == 0, result.stdout + result.stderr)
    }

    // MARK: The whole corpus

    func testEverySampleGivesItsDocumentedResultAndOpenSSLsVerdictUnlessADivergenceIsListed() throws {
        let files = try FileManager.default.subpathsOfDirectory(atPath: Self.samples.path).filter {
            !$0.hasSuffix("/") && FileManager.default.fileExists(atPath: Self.path($0)) && !Self.isDirectory(Self.path($0))
        }
        XCTAssertGreaterThanOrEqual(files.count, 25)
        for file in files.sorted() where !Self.notSignatures.contains(file) {
            guard let expected = Self.table[file] else {
                XCTFail("\(file): a sample without an expectation")
                continue
            }
            let signatures = try Self.examine(file, content: expected.content)
            guard let first = signatures.first else {
                XCTFail("\(file): no signature")
                continue
            }
            print("SAMPLE \(file): \(Self.summary(first))")
            XCTAssertEqual(first.id, "S-1", file)
            XCTAssertEqual(first.format, .cades, file)
            XCTAssertEqual(Self.digest(first), expected.digest, "\(file): \(String(describing: first.references.first?.outcome))")
            XCTAssertEqual(Self.value(first.signatureValue), expected.value, "\(file): \(first.signatureValue)")
            XCTAssertEqual(first.level, expected.level, file)
            XCTAssertEqual(first.signingCertificate != nil, expected.certificateFound, file)
            XCTAssertEqual(first.timeStamps.filter { $0.kind == .signature }.count, expected.signatureTimeStamps, file)
            XCTAssertEqual(first.signatureValueDigest.count, 32, file)
            if expected.certificateFound, let certificate = first.signingCertificate {
                XCTAssertTrue(first.certificates.contains(certificate), file)
            }
            // The content's reference: its SHA-256 when the data was at hand.
            if expected.digest != .notFound {
                XCTAssertEqual(first.references.first?.sha256?.count, 32, file)
            }

            let ours = first.signatureValue == .intact && expected.digest == .intact && Self.digest(first) == .intact
            let theirs = try Self.openssl(file, content: expected.content)
            if let divergence = expected.divergence {
                XCTAssertNotEqual(ours, theirs.ok, "\(file): listed as a divergence (\(divergence)) but openssl agrees now")
            } else if expected.digest != .notFound {
                XCTAssertEqual(ours, theirs.ok, "\(file): openssl says \(theirs.output)")
            } else {
                XCTAssertFalse(theirs.ok, "\(file): without its content openssl cannot verify either")
            }
        }
    }

    /// One line for a report: level, signature value, digest, certificate, time-stamps.
    static func summary(_ signature: ExaminedSignature) -> String {
        let stamps = signature.timeStamps.map { stamp in
            "\(stamp.kind.rawValue)(imprint \(stamp.imprintMatches.map { "\($0)" } ?? "?"), \(stamp.signatureValue), \(stamp.problem ?? ""))"
        }
        let certificate = signature.signingCertificate.map { "cert \($0.subject)" } ?? "no cert"
        return "\(signature.level.name(.cades)), value \(signature.signatureValue), digest \(String(describing: signature.references.first?.outcome)), "
            + "\(certificate), ref \(signature.signingCertificateReference), stamps [\(stamps.joined(separator: ", "))], "
            + "counter \(signature.counterSignatures.count), problems \(signature.formatProblems)"
    }

    // MARK: Hostile bytes

    func testMutatedAndTruncatedSamplesAreExaminedOrRefusedNeverCrash() throws {
        var generator = SystemRandomNumberGenerator()
        for file in ["dss/counterSig.p7m", "dss/dss2011-cades-lta-detached.pkcs7", "pl/Signature-C-PL_UNI-2.p7m", "dss/dss667-BER_reordered_prova.txt.p7m"] {
            let original = try Self.bytes(file)
            for round in 0..<150 {
                var bytes = original
                if round % 3 == 0 {
                    bytes = Array(bytes.prefix(Int.random(in: 0..<bytes.count, using: &generator)))
                } else {
                    for _ in 0..<(1 + round % 4) { bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator) }
                }
                do {
                    let examined = try CAdESExaminer.examine(bytes, name: file, detached: [DetachedData(name: "x", bytes: [1])])
                    XCTAssertFalse(examined.isEmpty)
                } catch {
                    XCTAssertTrue([.malformed, .notSignedData, .unsupported].contains(error.kind), "\(file): \(error)")
                }
            }
        }
    }

    static func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    // MARK: Particular samples

    func testMalformedInputIsRefusedNotExamined() throws {
        XCTAssertThrowsError(try CAdESExaminer.examine(try Self.bytes("dss/malformed-cades.p7m"), name: "m", detached: [])) { error in
            XCTAssertEqual((error as? CMSError)?.kind, .malformed)
        }
        XCTAssertThrowsError(try CAdESExaminer.examine(Array("not a signature".utf8), name: "t", detached: []))
        XCTAssertThrowsError(try CAdESExaminer.examine([], name: "empty", detached: []))
    }

    func testAlteredEnvelopedContentIsADigestMismatchWithAnIntactSignatureValue() throws {
        let first = try XCTUnwrap(Self.examine("dss/dss2011-cades-enveloping-broken.pkcs7").first)
        XCTAssertEqual(first.references.first?.outcome, .digestMismatch)
        XCTAssertEqual(first.signatureValue, .intact)
        XCTAssertEqual(first.references.first?.kind, .data)
    }

    func testDetachedSignaturesAreIntactWithTheirContentAndSignedDataNotFoundWithout() throws {
        for (file, content) in [("dss/cades-bes-signeddata-detached.p7s", "hello-world.txt"), ("dss/dss2011-cades-detached.pkcs7", "hello-world.txt"),
            ("dss/dss1188-Test.bin.sig", "dss1188-Test.bin")]
        {
            let with = try XCTUnwrap(Self.examine(file, content: content).first)
            XCTAssertEqual(with.references.first?.outcome, .intact, file)
            XCTAssertEqual(with.references.first?.name, content, file)
            XCTAssertEqual(with.signatureValue, .intact, file)
            let contentBytes = try Data(contentsOf: URL(fileURLWithPath: Self.path("dss/\(content)")))
            XCTAssertEqual(with.references.first?.sha256, try OpenSSL.digest("sha256", contentBytes), file)
            XCTAssertEqual(with.references.first?.scope, "\(content) (\(contentBytes.count) B)")
            XCTAssertEqual(with.references.first?.scopeKind, .file)

            let without = try XCTUnwrap(Self.examine(file).first)
            guard case .notFound = without.references.first?.outcome else {
                XCTFail("\(file): \(String(describing: without.references.first?.outcome))")
                continue
            }
            // The signed attributes are checked all the same.
            XCTAssertEqual(without.signatureValue, .intact, file)
        }
    }

    func testOfSeveralDetachedFilesTheOneWhoseDigestMatchesIsUsed() throws {
        let signature = try Self.bytes("dss/dss1188-Test.bin.sig")
        let files = [
            DetachedData(path: Self.path("dss/hello-world.txt")), DetachedData(name: "inny.bin", bytes: [1, 2, 3]),
            DetachedData(path: Self.path("dss/dss1188-Test.bin")),
        ]
        let first = try XCTUnwrap(CAdESExaminer.examine(signature, name: "Test.bin.sig", detached: files).first)
        XCTAssertEqual(first.references.first?.outcome, .intact)
        XCTAssertEqual(first.references.first?.name, "dss1188-Test.bin")

        let wrong = try XCTUnwrap(CAdESExaminer.examine(signature, name: "Test.bin.sig", detached: [files[1]]).first)
        XCTAssertEqual(wrong.references.first?.outcome, .digestMismatch)
        XCTAssertEqual(wrong.references.first?.name, "inny.bin")
        let none = try XCTUnwrap(CAdESExaminer.examine(signature, name: "Test.bin.sig", detached: [files[0], files[1]]).first)
        XCTAssertEqual(none.references.first?.outcome, .digestMismatch)
        let missing = try XCTUnwrap(
            CAdESExaminer.examine(signature, name: "Test.bin.sig", detached: [DetachedData(path: "/nonexistent/plik.bin")]).first)
        guard case .notFound = missing.references.first?.outcome else { return XCTFail("\(String(describing: missing.references.first?.outcome))") }
    }

    func testASignatureWithoutItsCertificateNamesNone() throws {
        let first = try XCTUnwrap(Self.examine("dss/cms-no-sign-cert.p7m").first)
        XCTAssertNil(first.signingCertificate)
        XCTAssertEqual(first.signatureValue, .notChecked("no signing certificate"))
        XCTAssertEqual(first.references.first?.outcome, .intact)
    }

    func testAWrongSigningCertificateReferenceInTheTimeStampLeavesTheSignatureIntact() throws {
        let first = try XCTUnwrap(Self.examine("dss/cms-wrong-sign-cert-ref.p7m").first)
        XCTAssertEqual(first.signatureValue, .intact)
        XCTAssertEqual(first.signingCertificateReference, .matches)
        let stamp = try XCTUnwrap(first.timeStamps.first { $0.kind == .signature })
        XCTAssertEqual(stamp.imprintMatches, true)
        XCTAssertNotEqual(stamp.signingCertificateReference, .matches)
        XCTAssertFalse(first.crls.isEmpty && first.ocspResponses.isEmpty, "B-LT carries revocation data")
    }

    func testAModifiedTimeStampImprintIsFoundAndTheSignatureStaysIntact() throws {
        let first = try XCTUnwrap(Self.examine("dss/dss1220-CAdES-BpT_modified_ts_hash.p7m").first)
        XCTAssertEqual(first.signatureValue, .intact)
        let stamp = try XCTUnwrap(first.timeStamps.first)
        XCTAssertEqual(stamp.imprintMatches, false)
        XCTAssertEqual(stamp.signatureValue, .intact)
    }

    func testASignatureWhoseDigestInfoOmitsNULLIsIntactAndItsTimeStampSound() throws {
        let first = try XCTUnwrap(Self.examine("dss/cades-broken-sig-tst.p7m").first)
        XCTAssertEqual(first.signatureValue, .intact)
        // The main signature's RSA DigestInfo has no NULL parameters (openssl pkeyutl -verifyrecover shows
        // 302f300b0609…0201 04 20…): accepted, like DSS's B-level. Its time-stamp, for which DSS says
        // "not intact", is found sound here and by `openssl cms -verify -noverify` on the token alone:
        // SHA-512 imprint over the signature value, token signature intact.
        let stamp = try XCTUnwrap(first.timeStamps.first)
        XCTAssertEqual(stamp.imprintMatches, true)
        XCTAssertEqual(stamp.signatureValue, .intact)
    }

    func testMultiValuedSignedAttributesAreAFormatProblemAndNoSigningTimeIsClaimed() throws {
        let first = try XCTUnwrap(Self.examine("dss/cades-duplicated-signed-attrs.p7m").first)
        // signing-time holds three values, commitment-type-indication three (DSS: "duplicated")
        XCTAssertTrue(first.formatProblems.contains("signed attribute 1.2.840.113549.1.9.5 has 3 values"), "\(first.formatProblems)")
        XCTAssertNil(first.claimedSigningTime)
        // Its content is known only by digest (MANIFEST): given as data it must match that digest.
        XCTAssertEqual(
            first.references.first.map { if case .notFound = $0.outcome { return true } else { return false } }, true)
    }

    func testACounterSignatureIsExaminedOverItsParentsSignatureValue() throws {
        let signatures = try Self.examine("dss/counterSig.p7m")
        XCTAssertEqual(signatures.count, 1)
        let parent = try XCTUnwrap(signatures.first)
        XCTAssertEqual(parent.signatureValue, .intact)
        let counter = try XCTUnwrap(parent.counterSignatures.first)
        XCTAssertEqual(counter.id, "S-1-C1")
        XCTAssertEqual(counter.parentID, "S-1")
        XCTAssertEqual(counter.references.first?.kind, .signatureElement)
        XCTAssertEqual(counter.references.first?.outcome, .intact)
        XCTAssertEqual(counter.signatureValue, .intact)
        XCTAssertNotNil(counter.signingCertificate)
        XCTAssertEqual(CAdESExaminer.flattened(signatures).map(\.id), ["S-1", "S-1-C1"])
    }

    func testArchiveTimeStampsV3AreRecognisedAndTheirImprintRebuilt() throws {
        let plugtest = try XCTUnwrap(Self.examine("eu-plugtest/Signature-C-B-LTA-10.p7m").first)
        let archives = plugtest.timeStamps.filter { $0.kind == .archive }
        XCTAssertEqual(archives.count, 2, "one archive-time-stamp-v3, one v2")
        XCTAssertTrue(archives.contains { $0.imprintMatches == true }, "the v3 imprint over content, SignerInfo fields and ATSHashIndex")
        for archive in archives { XCTAssertEqual(archive.signatureValue, .intact) }
        // Detached, content not shipped: recognised, the imprint cannot be rebuilt.
        let detached = try XCTUnwrap(Self.examine("dss/dss2011-cades-lta-detached.pkcs7").first)
        let archive = try XCTUnwrap(detached.timeStamps.first { $0.kind == .archive })
        XCTAssertNil(archive.imprintMatches)
        XCTAssertEqual(detached.level, .baselineLTA)
    }

    func testPolishCertumSignaturesNameTheSignerAndCheckRSA1024() throws {
        for file in ["pl/Signature-C-PL_UNI-1.p7m", "pl/Signature-C-PL_UNI-2.p7m"] {
            let first = try XCTUnwrap(Self.examine(file).first)
            let certificate = try XCTUnwrap(first.signingCertificate, file)
            XCTAssertNil(certificate.certificate, "swift-certificates refuses RSA-1024")
            XCTAssertTrue(certificate.issuer.description.contains("CERTUM QCA"), "\(certificate.issuer)")
            XCTAssertTrue(certificate.subject.description.contains("CN=Robert Hospodarysko"), "\(certificate.subject)")
            XCTAssertEqual(first.signatureValue, .intact, file)
            XCTAssertEqual(first.signingCertificateReference, .matches, file)
            XCTAssertEqual(first.references.first?.outcome, .intact, file)
            XCTAssertNotNil(first.claimedSigningTime, file)
        }
        let second = try XCTUnwrap(Self.examine("pl/Signature-C-PL_UNI-2.p7m").first)
        let stamp = try XCTUnwrap(second.timeStamps.first { $0.kind == .signature })
        XCTAssertEqual(stamp.genTime, ISO8601DateFormatter().date(from: "2014-12-02T10:11:22Z"))
        XCTAssertEqual(stamp.imprintMatches, true)
        XCTAssertEqual(stamp.signatureValue, .intact)
    }

    func testASigningCertificateV2WithSHA1IsNotETSI() throws {
        let first = try XCTUnwrap(Self.examine("dss/cms-wrong-sign-cert-hash-algo.pkcs7").first)
        // signing-certificate-v2 holding a SHA-1 ESSCertIDv2: the reference matches, but the form is not ETSI's (DSS: CMS_NOT_ETSI).
        XCTAssertEqual(first.signingCertificateReference, .matches)
        XCTAssertEqual(first.level, .notETSI)
        XCTAssertTrue(first.formatProblems.contains { $0.hasPrefix("signing-certificate-v2 with SHA-1") }, "\(first.formatProblems)")
        XCTAssertEqual(first.signatureValue, .intact)
    }

    func testGeneralizedTimeSigningTimeIsRead() throws {
        let first = try XCTUnwrap(Self.examine("eu-plugtest/Signature-CBp-B-1.p7m").first)
        XCTAssertNotNil(first.claimedSigningTime)
    }
}
