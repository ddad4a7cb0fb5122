import Evidence
import Foundation
import TestBench
import TrustedLists
import Validation
import XCTest

/// Trusted lists as verification loads them: every signature checked by
/// Podpis's own XAdES examiner, the list of lists against the pinned
/// signer, each national list against the signers the list of lists
/// announces. The bench's test lists were signed by `xmlsec1 --sign`.
final class TrustedListVerificationTests: XCTestCase {
    static let conformance = TestBench.repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/conformance")

    /// A cache directory holding `lists` (territory → file).
    func cache(_ lists: [String: String]) throws -> TrustedListCache {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tl-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: directory) }
        for (territory, file) in lists { try FileManager.default.copyItem(atPath: file, toPath: "\(directory)/\(territory).xml") }
        return TrustedListCache(directory: directory)
    }

    func benchLists(pl: String = "PL-TEST-TL.xml", eu: String = "EU-TEST-LOTL.xml") throws -> TrustedListTrust {
        let dir = try TestBench.value("PODPIS_TL_DIR")
        let pins = try TrustSource.file(try TestBench.value("PODPIS_TEST_LOTL_PINNED_CERT")).anchors.map(\.der)
        return try TrustedListTrust.load(cache: try cache(["EU": "\(dir)/\(eu)", "PL": "\(dir)/\(pl)"]), pinnedSigners: pins)
    }

    func testTheTestListOfListsLeadsToTheTestListAndItsServicesAreAnchors() throws {
        try TestBench.require()
        let trust = try benchLists()
        XCTAssertTrue(trust.set.refusals.isEmpty, "\(trust.set.refusals.map(\.error.code))")
        XCTAssertEqual(trust.set.lists.keys.sorted(), ["PL"])
        XCTAssertTrue(trust.source.name.contains("PL TL #"), trust.source.name)
        let ca = try CertificateRecord(der: Array(try Data(contentsOf: URL(fileURLWithPath: try TestBench.pki("ca.der")))))
        XCTAssertTrue(trust.source.anchors.contains { $0.der == ca.der }, "the qualified CA is an anchor")
    }

    func testEachBrokenNationalListIsRefusedWithItsReasonAndTheListOfListsStillLoads() throws {
        try TestBench.require()
        for (file, code) in [("tl-bad-signature.xml", "tl-bad-signature"), ("tl-unannounced-signer.xml", "tl-unannounced-signer")] {
            let trust = try benchLists(pl: file)
            XCTAssertEqual(trust.set.refusals.map(\.error.code), [code], file)
            XCTAssertNotNil(trust.set.listOfLists, file)
            XCTAssertNil(trust.set.lists["PL"], file)
        }
    }

    func testAnExpiredListIsUsedAndTheReportSaysSo() async throws {
        try TestBench.require()
        let trust = try benchLists(pl: "tl-expired.xml")
        XCTAssertTrue(trust.set.refusals.isEmpty)
        XCTAssertEqual(trust.set.lists["PL"]?.isExpired, true)
        let report = try await Verifier(sources: [], trustedLists: trust).verify(
            Array(try Data(contentsOf: Self.conformance.appendingPathComponent("samples/xades/dss/dss-signed.xml"))), name: "dss-signed.xml")
        XCTAssertEqual(report.trustSources.first?.expired, true)
    }

    func testAListOfListsSignedByAnUnpinnedKeyIsRefusedAndSoIsEveryListItPointsAt() throws {
        try TestBench.require()
        let trust = try benchLists(eu: "lotl-unpinned-signer.xml")
        XCTAssertNil(trust.set.listOfLists)
        XCTAssertTrue(trust.set.lists.isEmpty)
        XCTAssertEqual(trust.set.refusals.first?.error.code, "tl-lotl-signer-not-pinned")
    }

    /// The real EU list of lists (2023) and the Polish list it points at: both signatures verify offline with Podpis's examiner.
    func realLists(eu: String = "EU-LOTL-seq332-2023-09-27.xml") throws -> TrustedListTrust {
        let tsl = Self.conformance.appendingPathComponent("tsl")
        // The pin: the 2023 LOTL's own signer (its KeyInfo), as the Official Journal lists it.
        let lotl = try TrustedList.parse(bytes: Array(try Data(contentsOf: tsl.appendingPathComponent("EU-LOTL-seq332-2023-09-27.xml"))), name: "EU")
        let signer = try XAdESTrustedListSignatureChecker().signer(of: lotl.document, name: "EU")
        return try TrustedListTrust.load(
            cache: try cache(["EU": tsl.appendingPathComponent(eu).path, "PL": tsl.appendingPathComponent("PL-TSL-seq139-2023-09-19.xml").path]),
            pinnedSigners: [signer])
    }

    func testTheRealPolishListAndTheListOfListsVerifyOffline() throws {
        let trust = try realLists()
        XCTAssertTrue(trust.set.refusals.isEmpty, "\(trust.set.refusals.map { "\($0.error.code) \($0.error.detail)" })")
        XCTAssertEqual(trust.set.lists["PL"]?.list.scheme.sequenceNumber, 139)
        XCTAssertEqual(trust.set.lists["PL"]?.isExpired, true, "the 2023 copy is past its NextUpdate: used and flagged")
    }

    func testTheListOfListsWithABrokenSignatureIsRefused() throws {
        let trust = try realLists(eu: "EU-LOTL-seq248-broken-sig.xml")
        XCTAssertNil(trust.set.listOfLists)
        XCTAssertEqual(trust.set.refusals.first?.error.code, "tl-bad-signature")
    }

    func testThePolishQualifiedProvidersAreListedByTlShow() throws {
        let trust = try realLists()
        let directory = trust.set.lists["PL"].map { _ in FileManager.default.temporaryDirectory.appendingPathComponent("tl-show-\(UUID().uuidString)").path }!
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let tsl = Self.conformance.appendingPathComponent("tsl")
        try FileManager.default.copyItem(atPath: tsl.appendingPathComponent("EU-LOTL-seq332-2023-09-27.xml").path, toPath: directory + "/EU.xml")
        try FileManager.default.copyItem(atPath: tsl.appendingPathComponent("PL-TSL-seq139-2023-09-19.xml").path, toPath: directory + "/PL.xml")
        let pins = directory + "/pins.pem"
        let signer = trust.set.listOfLists!.signerDER
        try Data(("-----BEGIN CERTIFICATE-----\n" + Data(signer).base64EncodedString(options: .lineLength64Characters) + "\n-----END CERTIFICATE-----\n").utf8)
            .write(to: URL(fileURLWithPath: pins))
        let output = try TestBench.run(TestBench.product("podpis"), ["tl", "show", "--territory", "PL", "--qualified-only", "--cache", directory, "--pins", pins])
        for provider in ["Unizeto", "Polish Security Printing Works", "Krajowa Izba Rozliczeniowa", "EuroCert", "ENIGMA"] {
            XCTAssertTrue(output.contains(provider), "\(provider) missing from:\n\(output.prefix(2000))")
        }
        XCTAssertTrue(output.hasPrefix("PL #139"), String(output.prefix(80)))
    }

    /// The real Polish samples against the real Polish list (2023): the
    /// signer, CERTUM QCA, the time-stamp's time, a qualification taken from
    /// the list; never TOTAL-PASSED (RSA-1024, expired), and the reason says so.
    func testTheCertumSamplesGetTheirQualificationFromThePolishListAndAreNeverPassed() async throws {
        let trust = try realLists()
        let samples = Self.conformance.appendingPathComponent("samples")
        for (file, time) in [("xades/pl/Signature-X-PL_UNI-1.xml", nil), ("xades/pl/Signature-X-PL_UNI-2.xml", "2014-11-28T14:31:55Z"),
                             ("cades/pl/Signature-C-PL_UNI-1.p7m", nil), ("cades/pl/Signature-C-PL_UNI-2.p7m", "2014-12-02T10:11:22Z")] as [(String, String?)] {
            let report = try await Verifier(sources: [], trustedLists: trust).verify(
                Array(try Data(contentsOf: samples.appendingPathComponent(file))), name: file)
            let signature = try XCTUnwrap(report.signatures.first, file)
            XCTAssertNotEqual(signature.indication, .totalPassed, file)
            XCTAssertEqual(signature.signer?.name, "Robert Hospodarysko; Unizeto Technologies S.A.", file)
            XCTAssertTrue(signature.signer?.issuer.contains("CN=CERTUM QCA") ?? false, file)
            XCTAssertTrue(signature.reason.contains("RSA-1024") && signature.reason.contains("expired"), "\(file): \(signature.reason)")
            XCTAssertEqual(signature.qualification?.value, "Indeterminate QESig", file)
            XCTAssertTrue(signature.qualification?.source.contains("PL TL #139") ?? false, "\(file): \(signature.qualification?.source ?? "")")
            if let time {
                XCTAssertEqual(signature.timeStamps.first?.genTime.map { ISO8601DateFormatter().string(from: $0) }, time, file)
            }
        }
    }
}
