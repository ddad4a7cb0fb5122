import Foundation
import TestBench
import XCTest

/// Every certificate object on a token is listed: a real Certum qualified
/// certificate (postalAddress as a SEQUENCE, a 1024-bit RSA key) with its
/// holder and QC facts, and an object that is no DER certificate with its
/// problem, in `podpis certs` (table and --json), GET /v1/certificates and
/// `podpis doctor` — never skipped.
final class CertificateListingTests: XCTestCase {
    static let tokenLabel = "Listing Test"
    static let pin = "4321"

    /// A SoftHSM configuration of the test's own (the bench's tokens stay as
    /// they are) with one token holding two certificate objects and no keys:
    /// the Certum certificate (CKA_ID 0a) and the same certificate with its
    /// outer length in a non-minimal form (BER, not DER; CKA_ID 0b).
    func token(in dir: URL) throws -> (conf: String, certum: [UInt8], broken: [UInt8]) {
        let env = try TestBench.require()
        let conf = dir.appendingPathComponent("softhsm2.conf").path
        let tokens = dir.appendingPathComponent("tokens").path
        try FileManager.default.createDirectory(atPath: tokens, withIntermediateDirectories: true)
        try Data("directories.tokendir = \(tokens)\nobjectstore.backend = file\nlog.level = ERROR\n".utf8).write(to: URL(fileURLWithPath: conf))
        func run(_ program: String, _ arguments: [String]) throws {
            let result = try TestBench.runCapturing(program, arguments, environment: ["SOFTHSM2_CONF": conf])
            guard result.status == 0 else { throw TestBench.NotUp(description: "\(program): \(result.stdout) \(result.stderr)") }
        }
        try run("softhsm2-util", ["--init-token", "--free", "--label", Self.tokenLabel, "--so-pin", "87654321", "--pin", Self.pin])
        let sample = TestBench.repositoryRoot.deletingLastPathComponent()
            .appendingPathComponent("shared/conformance/samples/cades/pl/Signature-C-PL_UNI-1.p7m").path
        let pem = dir.appendingPathComponent("certum.pem").path, der = dir.appendingPathComponent("certum.der").path
        try run("openssl", ["pkcs7", "-inform", "DER", "-in", sample, "-print_certs", "-out", pem])
        try run("openssl", ["x509", "-in", pem, "-outform", "DER", "-out", der])
        let certum = [UInt8](try Data(contentsOf: URL(fileURLWithPath: der)))
        // 30 82 LL LL → 30 83 00 LL LL: OpenSSL (and so pkcs11-tool) reads it, a DER reader must not.
        XCTAssertEqual(Array(certum.prefix(2)), [0x30, 0x82])
        let broken = [0x30, 0x83, 0x00] + certum.dropFirst(2)
        let brokenPath = dir.appendingPathComponent("broken.der").path
        try Data(broken).write(to: URL(fileURLWithPath: brokenPath))
        let login = ["--module", env["PODPIS_SOFTHSM_MODULE"]!, "--token-label", Self.tokenLabel, "--login", "--pin", Self.pin]
        try run("pkcs11-tool", login + ["--write-object", der, "--type", "cert", "--id", "0a", "--label", "Certum QCA"])
        try run("pkcs11-tool", login + ["--write-object", brokenPath, "--type", "cert", "--id", "0b", "--label", "broken"])
        return (conf, certum, broken)
    }

    static func sha256(_ bytes: [UInt8]) throws -> String {
        try OpenSSL.digest("sha256", Data(bytes)).map { String(format: "%02x", $0) }.joined()
    }

    func testCertumCertificateIsListedWithItsFactsAndAnUnreadableOneWithItsProblem() throws {
        let env = try TestBench.require()
        let dir = try TestBench.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (conf, certum, broken) = try token(in: dir)
        let environment = ["SOFTHSM2_CONF": conf, "LANG": "en_US.UTF-8", "LC_ALL": ""]
        let module = env["PODPIS_SOFTHSM_MODULE"]!

        func check(_ json: [String: Any], _ source: String) throws {
            let certificates = try XCTUnwrap(json["certificates"] as? [[String: Any]], source)
            XCTAssertEqual(certificates.count, 1, "\(source): \(certificates)")
            let listed = try XCTUnwrap(certificates.first, source)
            let facts = try XCTUnwrap(listed["facts"] as? [String: Any], source)
            XCTAssertEqual(facts["sha256"] as? String, try Self.sha256(certum), source)
            XCTAssertEqual(facts["commonName"] as? String, "Robert Hospodarysko; Unizeto Technologies S.A.", source)
            XCTAssertEqual(facts["organization"] as? String, "Unizeto Technologies Spółka Akcyjna", source)
            XCTAssertEqual(facts["subjectSerialNumber"] as? String, "PESEL:83011616936", source)
            let subject = try XCTUnwrap(facts["subject"] as? String, source)
            XCTAssertTrue(subject.contains("Królowej Korony Polskiej 21\\, 70-486 Szczecin"), "\(source): the postal address as text: \(subject)")
            XCTAssertFalse(subject.contains("ASN1Any"), "\(source): \(subject)")
            XCTAssertTrue((facts["issuer"] as? String ?? "").contains("CN=CERTUM QCA"), source)
            XCTAssertEqual(facts["serialNumber"] as? String, "06140F", source)
            XCTAssertEqual(facts["keyUsage"] as? [String], ["nonRepudiation"], source)
            XCTAssertEqual(facts["policies"] as? [String], ["1.2.616.1.113527.2.4.1.1"], source)
            // What the certificate says: QcCompliance, no QcSSCD statement, no QcType (a 2014 certificate).
            let qc = try XCTUnwrap(facts["qcStatements"] as? [String: Any], source)
            XCTAssertEqual(qc["compliance"] as? Bool, true, source)
            XCTAssertEqual(qc["sscd"] as? Bool, false, source)
            XCTAssertEqual((qc["types"] as? [Any])?.count, 0, source)
            XCTAssertEqual(listed["qualifiedForSigning"] as? Bool, false, "\(source): without QcSSCD not a qualified signature in eIDAS terms")
            XCTAssertEqual(listed["validity"] as? String, "expired", source)
            XCTAssertEqual(listed["label"] as? String, "Certum QCA", source)
            XCTAssertEqual(listed["objectID"] as? String, "0A", source)
            XCTAssertEqual(listed["token"] as? String, Self.tokenLabel, source)

            let problems = try XCTUnwrap(json["certificateProblems"] as? [[String: Any]], "\(source): \(json)")
            XCTAssertEqual(problems.count, 1, "\(source): \(problems)")
            let problem = try XCTUnwrap(problems.first, source)
            XCTAssertEqual(problem["code"] as? String, "certificate-unreadable", source)
            XCTAssertEqual(problem["label"] as? String, "broken", source)
            XCTAssertEqual(problem["objectID"] as? String, "0B", source)
            XCTAssertEqual(problem["token"] as? String, Self.tokenLabel, source)
            XCTAssertEqual(problem["sha256"] as? String, try Self.sha256(broken), source)
            XCTAssertFalse((problem["reason"] as? String ?? "").isEmpty, source)
        }

        let cli = try TestBench.runCapturing(
            PINAgentTests.podpis, ["certs", "--json", "--no-registered", "--module", module], environment: environment)
        XCTAssertEqual(cli.status, 0, cli.stdout + cli.stderr)
        let cliJSON = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(cli.stdout.utf8)) as? [String: Any], cli.stdout)
        try check(cliJSON, "podpis certs --json")

        let table = try TestBench.runCapturing(PINAgentTests.podpis, ["certs", "--no-registered", "--module", module], environment: environment)
        XCTAssertEqual(table.status, 0, table.stdout + table.stderr)
        XCTAssertTrue(table.stdout.contains("Robert Hospodarysko"), table.stdout)
        XCTAssertTrue(table.stdout.contains("! \(Self.tokenLabel): broken [certificate-unreadable"), table.stdout)

        // podpis doctor names the unreadable object as a problem of the token.
        let config = dir.appendingPathComponent("doctor.toml").path
        try Data("[pkcs11]\nuse_registered = false\nmodules = [\"\(module)\"]\n".utf8).write(to: URL(fileURLWithPath: config))
        let doctor = try TestBench.runCapturing(
            PINAgentTests.podpis, ["doctor", "--json", "--config", config, "--token", Self.tokenLabel], environment: environment)
        let report = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(doctor.stdout.utf8)) as? [String: Any], doctor.stdout + doctor.stderr)
        let token = try XCTUnwrap((report["tokens"] as? [[String: Any]])?.first, doctor.stdout)
        let unreadable = try XCTUnwrap(
            (token["findings"] as? [[String: Any]])?.first { $0["code"] as? String == "certificate-unreadable" }, doctor.stdout)
        XCTAssertEqual(unreadable["outcome"] as? String, "problem")
        XCTAssertEqual((unreadable["details"] as? [String: String])?["sha256"], try Self.sha256(broken))
        XCTAssertTrue((unreadable["found"] as? String ?? "").contains("“broken”"), "\(unreadable)")
        let listedByDoctor = try XCTUnwrap((token["certificates"] as? [[String: Any]])?.first, doctor.stdout)
        XCTAssertEqual(listedByDoctor["commonName"] as? String, "Robert Hospodarysko; Unizeto Technologies S.A.")

        let daemon = try Daemon(environment: ["SOFTHSM2_CONF": conf])
        try check(try daemon.unix("/v1/certificates").json, "GET /v1/certificates")
    }
}
