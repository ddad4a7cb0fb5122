import Foundation
import TestBench
import TrustedLists
import Validation
import XCTest

/// Issue 21, done-when 3: pyhanko-certvalidator (PyPI, pinned by
/// testbed/install-deps.sh into `$PODPIS_CERTVALIDATOR_PYDIR`), given the same
/// moment and the same revocation data with fetching off, agrees with our
/// verifier on the certificate path and on revoked / not revoked, over every
/// row of the bench's time and revocation matrix (matrix/manifest.tsv).
///
/// Tests/Tools/certvalidator_check.py takes the signer's certificate and the
/// other certificates out of the CAdES file with asn1crypto (not our parser),
/// the trust anchor from matrix/trust-anchor.pem, the moment from our report's
/// bestSignatureTime, and the row's OCSP responses and CRLs. Its policy: the
/// signer must have a CRL or OCSP response (ETSI TS 119 172 "eithercheck"),
/// the CAs are checked only if data is there (the bench gives data for the
/// signer only), data issued after the moment counts (retroactive, as in
/// EN 319 102-1), and a revocation counts only at or before the moment.
///
/// Paths: ours is `certificateChain` (signer first); certvalidator's is printed
/// signer first with the root last (it lists the root whenever the anchor is
/// a certificate). Whether our chain ends with the anchor is our report's
/// business, so the trust anchor (by its SHA-256, from openssl) is dropped
/// from the end of both lists before they are compared; certvalidator's path
/// must still end with it, and be exactly signer, CA, root.
///
/// Each manifest row has at least one entry in `expectations`: our finding
/// for the signer (`good`, `revoked`, `suspended`, `unknown`, or `none` when
/// every piece of data was refused), whether we hold it revoked at the moment,
/// and certvalidator's result. Where the two do not plainly agree the entry
/// says why; an entry without a reason must have both sides agree on revoked /
/// not revoked, which the test checks from the values themselves.
final class CertValidatorAgreementTests: XCTestCase {
    struct Expectation {
        let file: String
        let revocation: String
        /// Our revocation finding for the signer's certificate (`none`: no usable data).
        let ours: String
        /// Our answer: revoked (or suspended) at the moment.
        let oursRevoked: Bool
        /// certvalidator_check.py's result.
        let certvalidator: String
        /// certvalidator's freshness: nil = its legacy window (moment within
        /// thisUpdate..nextUpdate); N = at most N days old (EN 319 102-1 5.2.5.4).
        var freshnessDays: Int? = nil
        /// Why the two answers differ; empty = they agree.
        var reason: String = ""
    }

    static let expectations: [Expectation] = [
        .init(file: "good-bt.p7s", revocation: "ocsp/good-d300.der", ours: "good", oursRevoked: false, certvalidator: "valid"),
        .init(file: "good-bt.p7s", revocation: "crl/ca-d300.crl", ours: "good", oursRevoked: false, certvalidator: "valid"),
        .init(file: "good-bt.p7s", revocation: "ocsp/good-d300-by-ca.der", ours: "good", oursRevoked: false, certvalidator: "valid"),
        .init(file: "good-bt.p7s", revocation: "ocsp/good-d300-unauthorised.der", ours: "none", oursRevoked: false,
              certvalidator: "no-revocation-info",
              reason: "both refuse the response of a responder without id-kp-OCSPSigning: neither has data; not revoked on both sides"),
        .init(file: "revoked-after-bt.p7s", revocation: "ocsp/other-serial-d300.der", ours: "none", oursRevoked: false,
              certvalidator: "no-revocation-info",
              reason: "both refuse a response for another serial: neither has data; not revoked on both sides"),
        .init(file: "revoked-after-bt.p7s", revocation: "ocsp/revoked-after-d150.der", ours: "revoked", oursRevoked: false,
              certvalidator: "no-revocation-info",
              reason: "revoked D-200, after the moment (time-stamp D-250): not revoked then on both sides, but certvalidator "
                + "takes an OCSP 'revoked' whose time is after the moment as no proof either way (a CRL listing it, next entry, "
                + "it takes as good)"),
        .init(file: "revoked-after-bt.p7s", revocation: "crl/ca-released.crl", ours: "revoked", oursRevoked: false, certvalidator: "valid"),
        .init(file: "revoked-after-bb.p7s", revocation: "ocsp/revoked-after-d150.der", ours: "revoked", oursRevoked: true,
              certvalidator: "no-revocation-info",
              reason: "no time-stamp: the moment is now, and certvalidator's legacy window calls the response of D-150 stale; "
                + "with a freshness that accepts it (next entry) it says revoked"),
        .init(file: "revoked-after-bb.p7s", revocation: "ocsp/revoked-after-d150.der", ours: "revoked", oursRevoked: true,
              certvalidator: "revoked", freshnessDays: 400),
        .init(file: "revoked-before-bb.p7s", revocation: "ocsp/revoked-before-d150.der", ours: "revoked", oursRevoked: true,
              certvalidator: "no-revocation-info",
              reason: "no time-stamp: the moment is now, the response of D-150 is stale for certvalidator's legacy window; "
                + "next entry: revoked with a freshness that accepts it"),
        .init(file: "revoked-before-bb.p7s", revocation: "ocsp/revoked-before-d150.der", ours: "revoked", oursRevoked: true,
              certvalidator: "revoked", freshnessDays: 400),
        .init(file: "revoked-before-bt.p7s", revocation: "ocsp/revoked-before-d150.der", ours: "revoked", oursRevoked: true,
              certvalidator: "revoked"),
        .init(file: "revoked-before-bt.p7s", revocation: "crl/ca-released.crl", ours: "revoked", oursRevoked: true,
              certvalidator: "no-revocation-info",
              reason: "the CRL of D-170 (next update D-163) is stale at the time-stamp (D-150) for certvalidator's legacy "
                + "window, while a revocation it lists is final for us; next entry: revoked with a freshness that accepts it"),
        .init(file: "revoked-before-bt.p7s", revocation: "crl/ca-released.crl", ours: "revoked", oursRevoked: true,
              certvalidator: "revoked", freshnessDays: 400),
        .init(file: "suspended-bt.p7s", revocation: "crl/ca-hold.crl", ours: "suspended", oursRevoked: true, certvalidator: "revoked"),
        .init(file: "suspended-bt.p7s", revocation: "ocsp/suspended-hold.der", ours: "suspended", oursRevoked: true, certvalidator: "revoked"),
        .init(file: "suspended-bt.p7s", revocation: "crl/ca-released.crl ocsp/suspended-released.der", ours: "good", oursRevoked: false,
              certvalidator: "valid"),
        .init(file: "suspended-bt.p7s", revocation: "crl/ca-released-removefromcrl.crl", ours: "good", oursRevoked: false,
              certvalidator: "valid"),
        .init(file: "expired-bt.p7s", revocation: "crl/ca-2019.crl", ours: "good", oursRevoked: false, certvalidator: "valid"),
        .init(file: "expired-bt.p7s", revocation: "ocsp/expired-2019.der", ours: "good", oursRevoked: false, certvalidator: "valid"),
        .init(file: "expired-bb.p7s", revocation: "crl/ca-2019.crl", ours: "good", oursRevoked: false, certvalidator: "expired",
              reason: "no time-stamp: judged now, after notAfter (2020-01-01); certvalidator stops at expiry before revocation, "
                + "we say OUT_OF_BOUNDS_*: not revoked on both sides"),
        .init(file: "tsa-expired-bt.p7s", revocation: "ocsp/good-d300.der", ours: "good", oursRevoked: false,
              certvalidator: "no-revocation-info",
              reason: "the time-stamp's TSA has expired, so our moment is now; we take the good response of D-300 as it is, "
                + "certvalidator's legacy window calls it stale; next entry: valid with a freshness that accepts it"),
        .init(file: "tsa-expired-bt.p7s", revocation: "ocsp/good-d300.der", ours: "good", oursRevoked: false,
              certvalidator: "valid", freshnessDays: 400),
        .init(file: "late-bt.p7s", revocation: "ocsp/late-d150.der", ours: "none", oursRevoked: false, certvalidator: "not-yet-valid",
              reason: "the moment (D-150) is before notBefore (D-100): certvalidator stops there, we say NOT_YET_VALID "
                + "before looking at revocation; "
                + "not revoked on both sides"),
        .init(file: "unknown-bt.p7s", revocation: "ocsp/unknown-d300.der", ours: "unknown", oursRevoked: false,
              certvalidator: "no-revocation-info",
              reason: "OCSP 'unknown': certvalidator takes it as no revocation information (a failure, the signer needing "
                + "data), we as not PASSED; not revoked on both sides"),
        .init(file: "withdrawn-before-bt.p7s", revocation: "crl/withdrawn-ca-d5.crl", ours: "good", oursRevoked: false, certvalidator: "valid"),
        .init(file: "withdrawn-after-bt.p7s", revocation: "crl/withdrawn-ca-d5.crl", ours: "good", oursRevoked: false, certvalidator: "valid"),
        .init(file: "sealca-seal-bt.p7s", revocation: "crl/seal-ca-d5.crl", ours: "good", oursRevoked: false, certvalidator: "valid"),
        .init(file: "crlonly-bt.p7s", revocation: "crl/crlonly-ca-d5.crl", ours: "good", oursRevoked: false, certvalidator: "valid"),
    ]

    /// What certvalidator_check.py printed.
    struct CertValidatorAnswer {
        let leaf: String
        let path: [String]
        let result: String
        let detail: String
    }

    func testCertValidatorAgreesWithOurVerifierOnThePathAndOnRevokedOverTheWholeMatrix() async throws {
        let values = try TestBench.require()
        let directory = try TestBench.value("PODPIS_MATRIX_DIR")
        let anchor = try Self.sha256(ofPEM: "\(directory)/trust-anchor.pem")
        let manifest = try String(contentsOfFile: try TestBench.value("PODPIS_MATRIX_MANIFEST"), encoding: .utf8)
        let rows = manifest.split(separator: "\n").dropFirst().map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
            .filter { $0[1] != "timestamp-token" }
        for row in rows {
            XCTAssertTrue(Self.expectations.contains { $0.file == row[0] && $0.revocation == row[5] },
                          "manifest row \(row[0]) [\(row[5])] has no expectation here: run it and add one")
        }
        var checked = 0, agreedOnRevoked = 0
        for expectation in Self.expectations {
            guard let row = rows.first(where: { $0[0] == expectation.file && $0[5] == expectation.revocation }) else {
                XCTFail("\(expectation.file) [\(expectation.revocation)] is not in the manifest")
                continue
            }
            let files = row[5] == "-" ? [] : row[5].split(separator: " ").map(String.init)
            let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: "\(directory)/\(row[0])")))
            let report = try await verifier(revocation: files, in: directory).verify(bytes, name: row[0])
            let signature = try XCTUnwrap(report.signatures.first, row[0])
            let leafFinding = signature.certificateChain.first?.revocation
            let ours = leafFinding?.status.rawValue ?? "none"
            let oursRevoked = [.revoked, .revokedNoPOE, .revokedCANoPOE].contains(signature.subIndication)
                || ((leafFinding?.status == .revoked || leafFinding?.status == .suspended)
                    && (leafFinding?.revocationTime ?? .distantFuture) <= signature.bestSignatureTime)

            let moment = ISO8601DateFormatter().string(from: signature.bestSignatureTime)
            var arguments = ["--cms", "\(directory)/\(row[0])", "--root", "\(directory)/trust-anchor.pem", "--moment", moment]
            for file in files { arguments += [file.hasPrefix("crl/") ? "--crl" : "--ocsp", "\(directory)/\(file)"] }
            if let days = expectation.freshnessDays { arguments += ["--freshness-days", String(days)] }
            let answer = try certValidator(arguments, values: values)

            let context = "\(row[0]) [\(row[5])]\(expectation.freshnessDays.map { " freshness \($0) d" } ?? "") at \(moment): "
                + "ours \(signature.indication.rawValue)/\(signature.subIndication?.rawValue ?? "-") finding \(ours); "
                + "certvalidator \(answer.result) \(answer.detail)"
            // The same path: signer, CA, root on certvalidator's side; ours the same once the anchor is set aside.
            let ourPath = signature.certificateChain.map { $0.sha256.lowercased() }
            XCTAssertEqual(answer.path.count, 3, "certvalidator's path is not signer, CA, root — \(context)")
            XCTAssertEqual(answer.path.last, anchor, "certvalidator's path does not end at the trust anchor — \(context)")
            XCTAssertEqual(answer.leaf, ourPath.first, "not the same signer certificate — \(context)")
            XCTAssertEqual(Self.withoutAnchor(ourPath, anchor), Self.withoutAnchor(answer.path, anchor), "paths differ — \(context)")
            // Revoked or not, as the table says, and the same on both sides where it gives no reason.
            XCTAssertEqual(ours, expectation.ours, "our finding — \(context)")
            XCTAssertEqual(oursRevoked, expectation.oursRevoked, "our revoked/not revoked — \(context)")
            XCTAssertEqual(answer.result, expectation.certvalidator, "certvalidator's result — \(context)")
            if expectation.reason.isEmpty {
                XCTAssertEqual(answer.result == "revoked", oursRevoked, "an entry without a reason disagrees — \(context)")
            }
            XCTAssertFalse(answer.result == "revoked" && !oursRevoked, "certvalidator finds revoked what we do not — \(context)")
            if (answer.result == "revoked") == oursRevoked && answer.result != "no-revocation-info" { agreedOnRevoked += 1 }
            checked += 1
        }
        XCTAssertGreaterThanOrEqual(checked, 29)
        XCTAssertGreaterThanOrEqual(agreedOnRevoked, 20, "fewer rows than expected where both give a plain answer that agrees")
    }

    /// The comparison's own guard: a path that is one certificate short, or
    /// has another CA, is not taken for the same path.
    func testAPathWithAMissingOrDifferentCertificateIsNotTakenForTheSame() {
        let anchor = "aa", path = ["11", "22", "aa"]
        XCTAssertEqual(Self.withoutAnchor(path, anchor), Self.withoutAnchor(["11", "22"], anchor))
        XCTAssertNotEqual(Self.withoutAnchor(path, anchor), Self.withoutAnchor(["11", "aa"], anchor))
        XCTAssertNotEqual(Self.withoutAnchor(path, anchor), Self.withoutAnchor(["11", "33", "aa"], anchor))
    }

    /// The path without the trust anchor at its end (one side may list it, the other not).
    static func withoutAnchor(_ path: [String], _ anchor: String) -> [String] {
        path.last == anchor ? Array(path.dropLast()) : path
    }

    /// SHA-256 of a PEM certificate's DER, by openssl (lower-case hex).
    static func sha256(ofPEM path: String) throws -> String {
        let out = try TestBench.run("openssl", ["x509", "-in", path, "-noout", "-fingerprint", "-sha256"])
        let hex = try XCTUnwrap(out.split(separator: "=").last).trimmingCharacters(in: .whitespacesAndNewlines)
        return hex.replacingOccurrences(of: ":", with: "").lowercased()
    }

    func certValidator(_ arguments: [String], values: [String: String]) throws -> CertValidatorAnswer {
        let pydir = values["PODPIS_CERTVALIDATOR_PYDIR"] ?? ProcessInfo.processInfo.environment["PODPIS_CERTVALIDATOR_PYDIR"]
            ?? TestBench.repositoryRoot.appendingPathComponent(".testbed/py-certvalidator").path
        guard FileManager.default.fileExists(atPath: pydir + "/pyhanko_certvalidator") else {
            throw TestBench.NotUp(description: "pyhanko-certvalidator is not installed in \(pydir): run testbed/install-deps.sh")
        }
        let script = TestBench.repositoryRoot.appendingPathComponent("Tests/Tools/certvalidator_check.py").path
        let result = try TestBench.runCapturing(
            values["PODPIS_PYTHON"] ?? "/usr/bin/python3", [script] + arguments,
            environment: ["PYTHONPATH": pydir, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONIOENCODING": "utf-8"])
        guard result.status == 0,
              let json = (try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8))) as? [String: Any],
              let result_ = json["result"] as? String, let path = json["path"] as? [[String: Any]],
              let leaf = (json["leaf"] as? [String: Any])?["sha256"] as? String
        else {
            throw TestBench.NotUp(description:
                "certvalidator_check.py \(arguments.joined(separator: " ")) exited \(result.status): \(result.stdout) \(result.stderr)")
        }
        return CertValidatorAnswer(
            leaf: leaf, path: path.compactMap { $0["sha256"] as? String }, result: result_, detail: json["detail"] as? String ?? "")
    }

    /// Our verifier as the matrix test makes it: the trust anchor, the bench's
    /// test trusted lists, the row's revocation data, fetching off.
    func verifier(revocation files: [String], in directory: String) throws -> Verifier {
        let tl = try TestBench.value("PODPIS_TL_DIR")
        let pins = try TrustSource.file(try TestBench.value("PODPIS_TEST_LOTL_PINNED_CERT")).anchors.map(\.der)
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("cv-tl-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: cache, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: cache) }
        try FileManager.default.copyItem(atPath: "\(tl)/EU-TEST-LOTL.xml", toPath: "\(cache)/EU.xml")
        try FileManager.default.copyItem(atPath: "\(tl)/PL-TEST-TL.xml", toPath: "\(cache)/PL.xml")
        let lists = try TrustedListTrust.load(cache: TrustedListCache(directory: cache), pinnedSigners: pins)
        let given = try files.map { Array(try Data(contentsOf: URL(fileURLWithPath: "\(directory)/\($0)"))) }
        return Verifier(
            sources: [try TrustSource.file("\(directory)/trust-anchor.pem")], trustedLists: lists,
            revocation: RevocationSources(given: given))
    }
}
