import Evidence
import Foundation
import TestBench
import Validation
import XCTest

/// Every CAdES / CMS sample of shared/conformance gets the indication its
/// MANIFEST.tsv implies, with no trust anchor configured. (Their
/// cryptographic verdicts against `openssl cms -verify -noverify` are
/// CAdESTests.CAdESExaminationTests'.)
final class CAdESCorpusTests: XCTestCase {
    static let samples = TestBench.repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/conformance/samples/cades")

    struct Expectation {
        let file: String, detached: String?, indication: Indication, subIndication: SubIndication, level: String?, why: String
    }

    static let expectations: [Expectation] = [
        // Intact: only the anchor is missing.
        .init(file: "pl/Signature-C-PL_UNI-1.p7m", detached: nil, indication: .indeterminate, subIndication: .noCertificateChainFound, level: "CAdES-BASELINE-B", why: "Certum 2014, intact"),
        .init(file: "pl/Signature-C-PL_UNI-2.p7m", detached: nil, indication: .indeterminate, subIndication: .noCertificateChainFound, level: "CAdES-BASELINE-T", why: "Certum 2014 with a CERTUM QTSA token"),
        .init(file: "dss/dss2011-cades-enveloping.pkcs7", detached: nil, indication: .indeterminate, subIndication: .noCertificateChainFound, level: "CAdES-BASELINE-B", why: "intact"),
        .init(file: "dss/dss2011-cades-detached.pkcs7", detached: "dss/hello-world.txt", indication: .indeterminate, subIndication: .noCertificateChainFound, level: "CAdES-BASELINE-B", why: "intact with its data"),
        .init(file: "dss/dss2011-cades-lta-detached.pkcs7", detached: "dss/hello-world.txt", indication: .indeterminate, subIndication: .noCertificateChainFound, level: "CAdES-BASELINE-LTA", why: "its data is DSS's \"Hello World\" (MANIFEST says not shipped: hello-world.txt is it)"),
        .init(file: "dss/cades-bes-signeddata-detached.p7s", detached: "dss/hello-world.txt", indication: .indeterminate, subIndication: .noCertificateChainFound, level: "CAdES-BASELINE-B", why: "intact with its data"),
        .init(file: "dss/dss1188-Test.bin.sig", detached: "dss/dss1188-Test.bin", indication: .indeterminate, subIndication: .noCertificateChainFound, level: "CMS NOT-ETSI", why: "no signing-certificate attribute: CMS, not CAdES"),
        .init(file: "dss/dss1419-CAdES-BpB-att-SHA3_256-SHA3_256withRSA.p7m", detached: nil, indication: .indeterminate, subIndication: .noCertificateChainFound, level: "CAdES-BASELINE-B", why: "SHA3-256 with RSA"),
        .init(file: "dss/dss667-BER_reordered_prova.txt.p7m", detached: nil, indication: .indeterminate, subIndication: .noCertificateChainFound, level: nil, why: "signed attributes stored out of DER order (DSS: intact; openssl: bad)"),
        .init(file: "dss/dss667-DER_reordered_prova.txt.p7m", detached: nil, indication: .indeterminate, subIndication: .noCertificateChainFound, level: nil, why: "the same, DER outer"),
        .init(file: "dss/counterSig.p7m", detached: nil, indication: .indeterminate, subIndication: .noCertificateChainFound, level: "CAdES-T", why: "with a counter-signature"),
        .init(file: "dss/cades-broken-sig-tst.p7m", detached: nil, indication: .indeterminate, subIndication: .noCertificateChainFound, level: "CAdES-BASELINE-LT", why: "DigestInfo without NULL accepted as DSS does"),
        .init(file: "eu-plugtest/Signature-C-B-B-8.p7m", detached: nil, indication: .indeterminate, subIndication: .noCertificateChainFound, level: "CAdES-BASELINE-B", why: "plugtest B-B"),
        .init(file: "eu-plugtest/Signature-CBp-B-1.p7m", detached: nil, indication: .indeterminate, subIndication: .noCertificateChainFound, level: "CAdES-BASELINE-B", why: "GeneralizedTime signing time"),
        .init(file: "eu-plugtest/Signature-CBp-LT-2.p7m", detached: nil, indication: .indeterminate, subIndication: .noCertificateChainFound, level: "CAdES-BASELINE-LT", why: "plugtest B-LT"),
        .init(file: "eu-plugtest/Signature-C-B-LTA-10.p7m", detached: nil, indication: .indeterminate, subIndication: .noCertificateChainFound, level: "CAdES-BASELINE-LTA", why: "plugtest B-LTA"),
        // Not intact, or not identifiable.
        .init(file: "dss/dss2011-cades-enveloping-broken.pkcs7", detached: nil, indication: .totalFailed, subIndication: .hashFailure, level: nil, why: "content altered"),
        .init(file: "dss/cms-no-sign-cert.p7m", detached: nil, indication: .indeterminate, subIndication: .noSigningCertificateFound, level: "CMS NOT-ETSI", why: "no signer certificate"),
        .init(file: "dss/cades-duplicated-signed-attrs.p7m", detached: nil, indication: .totalFailed, subIndication: .formatFailure, level: nil, why: "signing-time with 3 values (DSS: not intact, invalid signing-time)"),
        .init(file: "dss/cades-double-signing-certificate.p7m", detached: nil, indication: .totalFailed, subIndication: .formatFailure, level: nil, why: "two signing-certificate-v2 attributes"),
        .init(file: "dss/cms-wrong-sign-cert-hash-algo.pkcs7", detached: nil, indication: .totalFailed, subIndication: .formatFailure, level: nil, why: "signing-certificate-v2 holding SHA-1"),
        .init(file: "dss/dss2011-cades-detached.pkcs7", detached: nil, indication: .indeterminate, subIndication: .signedDataNotFound, level: nil, why: "detached, its data not given"),
    ]

    func testEverySampleGetsTheIndicationItsManifestImplies() async throws {
        for expected in Self.expectations {
            let bytes = Array(try Data(contentsOf: Self.samples.appendingPathComponent(expected.file)))
            let detached = expected.detached.map { [DetachedData(path: Self.samples.appendingPathComponent($0).path)] } ?? []
            let report = try await Verifier(sources: []).verify(bytes, name: expected.file, detached: detached)
            let first = try XCTUnwrap(report.signatures.first, expected.file)
            let context = "\(expected.file) (\(expected.why)): got \(first.indication.rawValue)/\(first.subIndication?.rawValue ?? "-") \(first.level) — \(first.reason)"
            XCTAssertEqual(first.indication, expected.indication, context)
            XCTAssertEqual(first.subIndication, expected.subIndication, context)
            if let level = expected.level { XCTAssertEqual(first.level, level, context) }
        }
    }

    func testTheCounterSignatureIsReportedWithItsParent() async throws {
        let bytes = Array(try Data(contentsOf: Self.samples.appendingPathComponent("dss/counterSig.p7m")))
        let report = try await Verifier(sources: []).verify(bytes, name: "counterSig.p7m")
        XCTAssertEqual(report.signatures.map(\.id), ["S-1", "S-1-C1"])
        XCTAssertEqual(report.signatures.last?.parent, "S-1")
    }

    func testTheTimeStampWithAModifiedImprintFailsWhileTheSignatureStaysIntact() async throws {
        let bytes = Array(try Data(contentsOf: Self.samples.appendingPathComponent("dss/dss1220-CAdES-BpT_modified_ts_hash.p7m")))
        let report = try await Verifier(sources: []).verify(bytes, name: "dss1220.p7m")
        let signature = try XCTUnwrap(report.signatures.first)
        XCTAssertEqual(signature.subIndication, .noCertificateChainFound, signature.reason)
        XCTAssertEqual(signature.timeStamps.first?.indication, .totalFailed)
        XCTAssertEqual(signature.timeStamps.first?.subIndication, .hashFailure)
    }

    func testMalformedCMSIsRefusedAsInput() async throws {
        let bytes = Array(try Data(contentsOf: Self.samples.appendingPathComponent("dss/malformed-cades.p7m")))
        do {
            _ = try await Verifier(sources: []).verify(bytes, name: "malformed-cades.p7m")
            XCTFail("a malformed CMS was read")
        } catch let error as ValidationError {
            XCTAssertEqual(error.code, "verify-unknown-format")
        }
    }
}
