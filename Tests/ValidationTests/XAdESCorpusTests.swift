import Evidence
import Foundation
import TestBench
import Validation
import XAdES
import XCTest

/// Every XAdES sample of shared/conformance gets the indication its
/// MANIFEST.tsv implies, with no trust anchor configured (so a signature
/// that is intact ends at the chain: NO_CERTIFICATE_CHAIN_FOUND). Each
/// group's expectation is stated here, with the reason.
final class XAdESCorpusTests: XCTestCase {
    static let samples = TestBench.repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/conformance/samples/xades")
    static let detachedNames = ["sample.xml", "sample.txt", "sample.png"]

    struct Expectation {
        let file: String
        let indication: Indication
        let subIndication: SubIndication
        let why: String
        var level: String? = nil
    }

    /// Intact samples: the signature value and every reference verify; only trust is missing.
    static let intact: [Expectation] = [
        .init(file: "pl/Signature-X-PL_UNI-1.xml", indication: .indeterminate, subIndication: .noCertificateChainFound, why: "Certum 2014, intact; no anchor", level: "XAdES-BASELINE-B"),
        .init(file: "pl/Signature-X-PL_UNI-2.xml", indication: .indeterminate, subIndication: .noCertificateChainFound, why: "Certum 2014 with CERTUM QTSA time-stamp; no anchor", level: "XAdES-BASELINE-T"),
        .init(file: "dss/dss-signed.xml", indication: .indeterminate, subIndication: .noCertificateChainFound, why: "DSS: untrusted test CA", level: "XAdES-BASELINE-B"),
        .init(file: "dss/dss1987-xades-enveloped-baseline-lta.xml", indication: .indeterminate, subIndication: .noCertificateChainFound, why: "intact B-LTA, XPath transform", level: "XAdES-BASELINE-LTA"),
        .init(file: "dss/dss2011-xades-detached.xml", indication: .indeterminate, subIndication: .noCertificateChainFound, why: "intact with detached-content/sample.xml", level: "XAdES-BASELINE-B"),
        .init(file: "dss/dss3732-xades-enveloping-arcTst132.xml", indication: .indeterminate, subIndication: .noCertificateChainFound, why: "archive time-stamp in the 1.3.2 namespace", level: "XAdES-BASELINE-LTA"),
        .init(file: "dss/xades-extended-t.xml", indication: .indeterminate, subIndication: .noCertificateChainFound, why: "legacy XAdES-T", level: "XAdES-T"),
        .init(file: "dss/xades-lta-valid.xml", indication: .indeterminate, subIndication: .noCertificateChainFound, why: "intact B-LTA", level: "XAdES-BASELINE-LTA"),
        .init(file: "dss/xades-lta-corrupted-cert.xml", indication: .indeterminate, subIndication: .noCertificateChainFound, why: "signature intact; the corrupted CertificateValues entry breaks the archive time-stamp over it, so the level is named without it (MANIFEST: A-level not valid)", level: "XAdES-BASELINE-LT"),
        .init(file: "dss/xades-t-with-tsvd.xml", indication: .indeterminate, subIndication: .noCertificateChainFound, why: "B-T with xades141:TimeStampValidationData", level: "XAdES-BASELINE-T"),
        .init(file: "dss/xades-x-level.xml", indication: .indeterminate, subIndication: .noCertificateChainFound, why: "legacy XAdES-X", level: "XAdES-X"),
        .init(file: "eu-plugtest/Signature-X-BE_ECON-3.xml", indication: .indeterminate, subIndication: .noCertificateChainFound, why: "XPath Filter 2.0, Belgian eID", level: "XAdES-BASELINE-LT"),
        .init(file: "dss/TEST_S1a_C1a_InTL_VALID.xml", indication: .indeterminate, subIndication: .noCertificateChainFound, why: "master signature with a counter-signature over its SignatureValue", level: "XAdES-BASELINE-B"),
        .init(file: "eu-plugtest/Signature-X-SK_DIT-1.xml", indication: .indeterminate, subIndication: .noCertificateChainFound, why: "EPES with objects", level: "XAdES-EPES"),
    ]

    /// Signature wrapping: xmlsec1 says OK to each; Podpis never says PASSED (DSS: SIGNED_DATA_NOT_FOUND).
    static let wrapping: [Expectation] = [
        .init(file: "dss/xsw-enveloped-fake-signedProperties.xml", indication: .indeterminate, subIndication: .signedDataNotFound, why: "the signed SignedProperties is not the one in QualifyingProperties"),
        .init(file: "dss/xsw-enveloping-fake-manifest.xml", indication: .indeterminate, subIndication: .signedDataNotFound, why: "the signed Manifest hides in an Object nested in another element"),
        .init(file: "dss/xsw-enveloping-fake-object.xml", indication: .indeterminate, subIndication: .signedDataNotFound, why: "the signed Object hides in an Object nested in another element"),
    ]

    /// Tampered, wrong certificate references, unsupported algorithms, missing data.
    static let broken: [Expectation] = [
        .init(file: "dss/dss-signed-altered-refRemoved.xml", indication: .totalFailed, subIndication: .sigCryptoFailure, why: "SignedInfo altered (DSS says SIGNED_DATA_NOT_FOUND: no data reference left; ours checks the value first)"),
        .init(file: "dss/dss-signed-altered-signedPropsRemoved.xml", indication: .totalFailed, subIndication: .sigCryptoFailure, why: "DSS: TOTAL_FAILED/SIG_CRYPTO_FAILURE"),
        .init(file: "dss/xades-tampered-reference.xml", indication: .totalFailed, subIndication: .hashFailure, why: "a DigestValue tampered"),
        .init(file: "dss/xades-tampered-manifest.xml", indication: .totalFailed, subIndication: .hashFailure, why: "a manifest DigestValue broken"),
        .init(file: "dss/xades-not-base64-sigValue.xml", indication: .totalFailed, subIndication: .sigCryptoFailure, why: "SignatureValue is \"Hello World!\""),
        .init(file: "dss/xades-unknown-digest-algo.xml", indication: .totalFailed, subIndication: .formatFailure, why: "DigestMethod #sha-unknown"),
        .init(file: "dss/xades-tampered-keyinfo.xml", indication: .indeterminate, subIndication: .noSigningCertificateFound, why: "the X509Certificate is damaged, so the referenced signing certificate is not at hand"),
        .init(file: "dss/xades-wrong-sign-cert-digest.xml", indication: .indeterminate, subIndication: .noSigningCertificateFound, why: "SigningCertificate digest wrong (xmlsec1 says OK)"),
        .init(file: "dss/xades-sign-cert-v2-wrong-digest.xml", indication: .indeterminate, subIndication: .noSigningCertificateFound, why: "SigningCertificateV2 digest wrong (xmlsec1 says OK)"),
        .init(file: "dss/xades-unsupported-signature-algorithm.xml", indication: .indeterminate, subIndication: .cryptoConstraintsFailure, why: "SignatureMethod is a curve OID"),
        .init(file: "dss/xades-ecc-brainpool.xml", indication: .indeterminate, subIndication: .cryptoConstraintsFailure, why: "brainpool curves: swift-crypto has none (listed divergence: DSS checks them)"),
        .init(file: "dss/xmldsig-only.xml", indication: .indeterminate, subIndication: .noSigningCertificateFound, why: "plain XML-DSig with a bare KeyValue: no certificate", level: "XML-DSig NOT-ETSI"),
        .init(file: "dss/BaselineBWithCertificateValues.xml", indication: .indeterminate, subIndication: .signedDataNotFound, why: "the detached data file is not shipped"),
        .init(file: "eu-plugtest/Signature-X-CZ_SEF-4.xml", indication: .indeterminate, subIndication: .signedDataNotFound, why: "the detached PDF is not shipped"),
    ]

    func verify(_ file: String, detached: [String] = XAdESCorpusTests.detachedNames) async throws -> ValidationReport {
        let url = Self.samples.appendingPathComponent(file)
        let bytes = [UInt8](try Data(contentsOf: url))
        let files = try detached.map { name in
            DetachedData(name: name, bytes: [UInt8](try Data(contentsOf: Self.samples.appendingPathComponent("dss/detached-content/\(name)"))))
        }
        let policy = ValidationPolicy(validationTime: ISO8601DateFormatter().date(from: "2026-12-01T00:00:00Z")!)
        return try await Verifier(policy: policy, sources: []).verify(bytes, name: url.lastPathComponent, detached: files)
    }

    func check(_ expectations: [Expectation]) async throws {
        for expected in expectations {
            let report = try await verify(expected.file)
            let first = try XCTUnwrap(report.signatures.first, expected.file)
            XCTAssertEqual(first.indication, expected.indication, "\(expected.file): \(expected.why) — got \(first.reason)")
            XCTAssertEqual(first.subIndication, expected.subIndication, "\(expected.file): \(expected.why) — got \(first.reason)")
            if let level = expected.level { XCTAssertEqual(first.level, level, expected.file) }
        }
    }

    func testIntactSamplesEndOnlyAtTheMissingTrustAnchor() async throws { try await check(Self.intact) }

    func testTamperedAndMisreferencedSamplesAreNeverPassed() async throws { try await check(Self.broken) }

    func testWrappingSamplesAreNeverPassedThoughXmlsec1AcceptsThem() async throws {
        try await check(Self.wrapping)
        // xmlsec1 (crypto only: --insecure skips its own chain check) says OK to
        // these two; the fake-manifest one fools signxml instead (MANIFEST.tsv).
        for file in ["dss/xsw-enveloped-fake-signedProperties.xml", "dss/xsw-enveloping-fake-object.xml"] {
            let path = Self.samples.appendingPathComponent(file).path
            let result = try TestBench.runCapturing(
                "xmlsec1", ["--verify", "--insecure", "--id-attr:Id", "http://uri.etsi.org/01903/v1.3.2#:SignedProperties", "--id-attr:Id", "Object",
                            "--id-attr:Id", "Manifest", path])
            XCTAssertEqual(result.status, 0, "xmlsec1 was expected to accept the wrapping sample \(file): \(result.stderr)")
        }
    }

    func testADTDIsRefusedAsInputWithItsOwnCode() async throws {
        do {
            _ = try await verify("dss/xades-with-dtd-injection.xml")
            XCTFail("a document with a DTD was read")
        } catch let error as XMLInputError {
            XCTAssertTrue(["xml-doctype", "xml-entity", "xml-external-entity"].contains(error.code), error.code)
        }
    }

    func testTheCounterSignatureIsReportedWithItsParentAndIsIntact() async throws {
        let report = try await verify("dss/TEST_S1a_C1a_InTL_VALID.xml")
        XCTAssertEqual(report.signatures.map(\.id), ["XSIG1", "XSIG2"])
        XCTAssertEqual(report.signatures.last?.parent, "XSIG1")
        XCTAssertEqual(report.signatures.last?.subIndication, .noCertificateChainFound, report.signatures.last?.reason ?? "")
        XCTAssertEqual(report.signatures.first?.signedData.filter { $0.kind == "data" }.map(\.scopeKind), ["whole-document-without-signatures"])
    }

    func testTheDetachedSampleWithoutItsDataIsSignedDataNotFound() async throws {
        let report = try await verify("dss/dss2011-xades-detached.xml", detached: [])
        XCTAssertEqual(report.signatures.first?.subIndication, .signedDataNotFound)
    }

    func testThePolishSampleNamesSignerIssuerAndTheTimeStampTime() async throws {
        let report = try await verify("pl/Signature-X-PL_UNI-2.xml")
        let signature = try XCTUnwrap(report.signatures.first)
        XCTAssertEqual(signature.signer?.name, "Robert Hospodarysko; Unizeto Technologies S.A.")
        XCTAssertTrue(signature.signer?.issuer.contains("CN=CERTUM QCA") ?? false, signature.signer?.issuer ?? "")
        let stamp = try XCTUnwrap(signature.timeStamps.first)
        XCTAssertEqual(stamp.kind, "SIGNATURE_TIMESTAMP")
        XCTAssertEqual(stamp.genTime.map { ISO8601DateFormatter().string(from: $0) }, "2014-11-28T14:31:55Z")
        XCTAssertNotEqual(signature.indication, .totalPassed)
    }

    /// Where xmlsec1's cryptographic verdict and ours differ, and why.
    static let cryptoDivergences: [String: String] = [
        "dss/xades-ecc-brainpool.xml": "brainpool curves: swift-crypto has none, so Podpis cannot check the value (xmlsec1 through OpenSSL can)",
        "dss/xmldsig-only.xml": "a bare KeyValue and no certificate: Podpis checks values only with a certificate's key",
        "dss/xsw-enveloping-fake-object.xml": "xmlsec1 digests the hidden Object that Podpis refuses to follow (the wrapping attack)",
        "dss/xsw-enveloped-fake-signedProperties.xml": "the same: xmlsec1 accepts the SignedProperties outside QualifyingProperties",
        "dss/BaselineBWithCertificateValues.xml": "its detached data file is not shipped: both fail, for that reason",
        "eu-plugtest/Signature-X-CZ_SEF-4.xml": "its detached PDF is not shipped",
        "dss/TEST_S1a_C1a_InTL_VALID.xml": "xmlsec1 fails to read the X509IssuerName with SERIALNUMBER= (xmlSecOpenSSLX509NameRead) before it checks anything",
        "eu-plugtest/Signature-X-SK_DIT-1.xml": "xmlsec1 fails to read the X509SubjectName with SERIALNUMBER= (xmlSecOpenSSLX509NameRead) before it checks anything",
    ]

    /// For every sample whose signature Podpis can check, its cryptographic
    /// verdict (the signature value and every reference) is xmlsec1's, except
    /// the divergences listed above with their reason.
    func testTheCryptographicVerdictAgreesWithXmlsec1() throws {
        let all = (Self.intact + Self.wrapping + Self.broken).map(\.file)
        var compared = 0
        for file in all {
            let url = Self.samples.appendingPathComponent(file)
            let document = try XMLDocument.parse(bytes: Array(try Data(contentsOf: url)), name: url.lastPathComponent)
            let detached = try Self.detachedNames.map { name in
                DetachedData(name: name, bytes: Array(try Data(contentsOf: Self.samples.appendingPathComponent("dss/detached-content/\(name)"))))
            }
            guard let signature = XAdESExaminer.examine(document, detached: detached).first else { XCTFail(file); continue }
            let ours = signature.signatureValue == .intact && signature.references.allSatisfy { $0.outcome == .intact }
            let result = try TestBench.runCapturing(
                "/bin/sh", ["-c", "cd \"$(dirname \"$0\")\" && exec xmlsec1 \"$@\"", url.path, "--verify", "--insecure",
                            "--id-attr:Id", "http://uri.etsi.org/01903/v1.3.2#:SignedProperties", "--id-attr:Id", "http://www.w3.org/2000/09/xmldsig#:Object",
                            "--url-map:sample.xml", Self.samples.appendingPathComponent("dss/detached-content/sample.xml").path,
                            "--url-map:sample.txt", Self.samples.appendingPathComponent("dss/detached-content/sample.txt").path,
                            "--url-map:sample.png", Self.samples.appendingPathComponent("dss/detached-content/sample.png").path, url.path])
            let theirs = result.status == 0 && (result.stdout + result.stderr).hasPrefix("OK")
            if let reason = Self.cryptoDivergences[file] {
                if ours == theirs && !file.contains("Baseline") && !file.contains("CZ_SEF") {
                    XCTFail("\(file): listed as a divergence (\(reason)) but both say \(ours)")
                }
                continue
            }
            XCTAssertEqual(ours, theirs, "\(file): Podpis \(ours ? "intact" : "not intact") (\(signature.signatureValue)), xmlsec1: \(result.stderr.suffix(300))")
            compared += 1
        }
        XCTAssertGreaterThanOrEqual(compared, 20)
    }
}
