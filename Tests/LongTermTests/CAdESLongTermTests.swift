import Foundation
import TestBench
import XCTest

/// CAdES B-LT and B-LTA by `podpis sign` and `podpis extend` on the bench,
/// for both key kinds and both packagings: verified by `podpis verify` with
/// nothing but what the file carries (an empty revocation cache, no
/// network), by `openssl cms -verify`, the carried OCSP responses by
/// `openssl ocsp -respin`, the CRLs by `openssl crl`, read out by an
/// independent parser (Tests/Tools/cms_inspect.py, asn1crypto). The
/// archive time-stamps' imprints are checked independently in
/// CAdESTests.CAdESArchiveTimeStampProductionTests; here, the CLI's result.
final class CAdESLongTermTests: BenchDirectoryTestCase {


    var trust: [String] { get throws { ["--trust", try TestBench.pki("root.pem"), "--no-trusted-lists"] } }
    var online: [String] { ["--online", "--allow-address", "127.0.0.1/32", "--revocation-cache", path("cache")] }

    enum Key: String, CaseIterable {
        case person = "person-ec", seal = "seal"
        var pin: String { self == .person ? "PODPIS_SIGNER_PIN" : "PODPIS_SEAL_PIN" }
    }

    func document() throws -> String {
        let file = path("decyzja.txt")
        if !FileManager.default.fileExists(atPath: file) { try Data("Decyzja nr 3/2026 w sprawie zaświadczenia\n".utf8).write(to: URL(fileURLWithPath: file)) }
        return file
    }

    @discardableResult
    func sign(_ key: Key, detached: Bool, level: String, output: String) throws -> String {
        let id = String(try OpenSSL.certificateSHA256(key.rawValue).prefix(16))
        var arguments = ["sign", "--format", "cades", "--level", level, "--tsa", try TestBench.value("PODPIS_TSA_URL"), "--pin-fd", "0",
                         "--cert", id, "-o", path(output)]
        if detached { arguments.append("--detached") }
        if level.hasPrefix("B-LT") { arguments += online + (try trust) }
        let result = try podpis(arguments + [try document()], stdin: Data((try TestBench.value(key.pin) + "\n").utf8))
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        return path(output)
    }

    /// `podpis verify --json` with an empty cache and no network: the signature's level and indication.
    func verifyCarriedOnly(_ file: String, detached: Bool) throws -> (level: String?, indication: String?, timeStamps: [String]) {
        var arguments = ["verify", file, "--json", "--revocation-cache", path("empty")] + (try trust)
        if detached { arguments += ["--detached", try document()] }
        let result = try podpis(arguments)
        let report = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], result.stdout + result.stderr)
        let signature = try XCTUnwrap((report["signatures"] as? [[String: Any]])?.first, result.stdout)
        let stamps = (signature["timeStamps"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String }
        return (signature["level"] as? String, signature["indication"] as? String, stamps)
    }

    func opensslVerifies(_ file: String, detached: Bool) throws -> Bool {
        var arguments = ["cms", "-verify", "-binary", "-inform", "DER", "-in", file, "-CAfile", try TestBench.pki("chain.pem"), "-purpose", "any",
                         "-out", "/dev/null"]
        if detached { arguments += ["-content", try document()] }
        return try TestBench.runCapturing("openssl", arguments).status == 0
    }

    /// Every OCSP response the file carries passes `openssl ocsp -respin` against the root, every CRL `openssl crl`; their counts.
    func carriedRevocationChecksOut(_ file: String) throws -> (ocsp: Int, crls: Int) {
        let script = TestBench.repositoryRoot.appendingPathComponent("Tests/Tools/cms_inspect.py").path
        let output = try TestBench.run("/usr/bin/python3", [script, file])
        let seen = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        let responses = seen["ocspResponses"] as? [String] ?? [], lists = seen["crls"] as? [String] ?? []
        for (index, hex) in responses.enumerated() {
            let der = path("ocsp-\(index).der")
            try Data(hexString: hex).write(to: URL(fileURLWithPath: der))
            let checked = try TestBench.runCapturing("openssl", ["ocsp", "-respin", der, "-CAfile", try TestBench.pki("root.pem")])
            XCTAssertTrue(checked.status == 0 && (checked.stdout + checked.stderr).contains("Response verify OK"), checked.stdout + checked.stderr)
        }
        for (index, hex) in lists.enumerated() {
            let der = path("crl-\(index).der")
            try Data(hexString: hex).write(to: URL(fileURLWithPath: der))
            let checked = try TestBench.runCapturing("openssl", ["crl", "-inform", "DER", "-in", der, "-noout", "-CAfile", try TestBench.pki("root.pem")])
            XCTAssertTrue(checked.status == 0 && (checked.stdout + checked.stderr).contains("verify OK"), checked.stdout + checked.stderr)
        }
        return (responses.count, lists.count)
    }

    func testBothKeyKindsAndPackagingsReachBLTAndBLTAByExtendAndBySign() throws {
        for key in Key.allCases {
            for detached in [false, true] {
                let tag = "\(key.rawValue)-\(detached ? "detached" : "attached")"
                // podpis extend from a B-T: B-LT, then B-LTA.
                let bt = try sign(key, detached: detached, level: "B-T", output: "\(tag).p7s")
                let extra = detached ? ["--detached", try document()] : []
                let lt = try podpis(["extend", "--level", "B-LT", bt, "-o", path("\(tag)-LT.p7s")] + extra + online + (try trust))
                XCTAssertEqual(lt.status, 0, tag + lt.stderr)
                let lta = try podpis(["extend", "--level", "B-LTA", "--tsa", try TestBench.value("PODPIS_TSA_URL"), bt, "-o", path("\(tag)-LTA.p7s")]
                                     + extra + online + (try trust))
                XCTAssertEqual(lta.status, 0, tag + lta.stderr)
                // podpis sign in one go.
                let signedLTA = try sign(key, detached: detached, level: "B-LTA", output: "\(tag)-signed-LTA.p7s")
                let signedLT = try sign(key, detached: detached, level: "B-LT", output: "\(tag)-signed-LT.p7s")
                for (file, level) in [(path("\(tag)-LT.p7s"), "CAdES-BASELINE-LT"), (path("\(tag)-LTA.p7s"), "CAdES-BASELINE-LTA"),
                                      (signedLT, "CAdES-BASELINE-LT"), (signedLTA, "CAdES-BASELINE-LTA")] {
                    let verified = try verifyCarriedOnly(file, detached: detached)
                    XCTAssertEqual(verified.level, level, file)
                    XCTAssertEqual(verified.indication, "TOTAL-PASSED", file)
                    XCTAssertEqual(verified.timeStamps.filter { $0 == "ARCHIVE_TIMESTAMP" }.count, level.hasSuffix("LTA") ? 1 : 0, file)
                    XCTAssertTrue(try opensslVerifies(file, detached: detached), file)
                    let carried = try carriedRevocationChecksOut(file)
                    // The signer's and the TSA's OCSP answers; the root's CRL for the qualified CA.
                    XCTAssertEqual(carried.ocsp, 2, file)
                    XCTAssertEqual(carried.crls, 1, file)
                }
                // The B-T the extension started from, the same way, cannot say.
                XCTAssertNotEqual(try verifyCarriedOnly(bt, detached: detached).indication, "TOTAL-PASSED", tag)
            }
        }
    }

    func testARenewedBLTAHasTwoArchiveTimeStampsNewerRevocationDataAndFailsWhenItsContentChanges() throws {
        let lta = try sign(.person, detached: false, level: "B-LTA", output: "z.p7s")
        // A second after the first archive time-stamp, so that the renewal's revocation data is newer than it.
        Thread.sleep(forTimeInterval: 1.1)
        let renewed = try podpis(["extend", "--level", "B-LTA", "--tsa", try TestBench.value("PODPIS_TSA_URL"), lta, "-o", path("z2.p7s"), "--json"]
                                 + online + (try trust))
        XCTAssertEqual(renewed.status, 0, renewed.stderr)
        let verified = try verifyCarriedOnly(path("z2.p7s"), detached: false)
        XCTAssertEqual(verified.level, "CAdES-BASELINE-LTA")
        XCTAssertEqual(verified.indication, "TOTAL-PASSED")
        XCTAssertEqual(verified.timeStamps, ["SIGNATURE_TIMESTAMP", "ARCHIVE_TIMESTAMP", "ARCHIVE_TIMESTAMP"])
        // The renewal carries revocation data newer than the first archive time-stamp: more OCSP answers than before.
        XCTAssertGreaterThan(try carriedRevocationChecksOut(path("z2.p7s")).ocsp, try carriedRevocationChecksOut(lta).ocsp)
        XCTAssertTrue(try opensslVerifies(path("z2.p7s"), detached: false))

        // One byte of the content changed after both archive time-stamps: the signature fails, and says so.
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path("z2.p7s"))))
        let marker = Array("3/2026".utf8)
        let at = try XCTUnwrap((0...(bytes.count - marker.count)).first { Array(bytes[$0..<($0 + marker.count)]) == marker })
        bytes[at] = UInt8(ascii: "4")
        try Data(bytes).write(to: URL(fileURLWithPath: path("changed.p7s")))
        let changed = try verifyCarriedOnly(path("changed.p7s"), detached: false)
        XCTAssertEqual(changed.indication, "TOTAL-FAILED")
    }

    /// The time matrix: a signature made in 2019 by a signer whose certificate
    /// expired on 2020-01-01, with a time-stamp and the OCSP answer of the
    /// day, extended now to B-LTA with that data given: TOTAL-PASSED with what
    /// it carries; the B-T it came from, the same way, is not.
    func testAnExpiredSignersBTWithItsDataOfTheDayBecomesABLTAThatPasses() throws {
        let matrix = try TestBench.value("PODPIS_MATRIX_DIR")
        let anchor = ["--trust", "\(matrix)/trust-anchor.pem", "--trust", try TestBench.pki("root.pem"), "--no-trusted-lists"]
        var given = ["--revocation", "\(matrix)/ocsp/expired-2019.der", "--revocation", "\(matrix)/crl/ca-2019.crl",
                     "--revocation", try TestBench.value("PODPIS_ROOT_CRL")]
        let lists = try FileManager.default.contentsOfDirectory(atPath: "\(matrix)/crl").filter { $0.hasSuffix(".crl") }.sorted()
        for list in lists where list != "ca-2019.crl" { given += ["--revocation", "\(matrix)/crl/\(list)"] }
        let bt = "\(matrix)/expired-bt.p7s"
        let extended = try podpis(["extend", "--level", "B-LTA", "--tsa", try TestBench.value("PODPIS_TSA_URL"), bt, "-o", path("expired-LTA.p7s"),
                                   "--revocation-cache", path("empty"), "--json"] + given + anchor)
        XCTAssertEqual(extended.status, 0, extended.stdout + extended.stderr)
        func verify(_ file: String) throws -> [String: Any] {
            let result = try podpis(["verify", file, "--json", "--revocation-cache", path("empty")] + anchor)
            let report = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], result.stderr)
            return try XCTUnwrap((report["signatures"] as? [[String: Any]])?.first)
        }
        let lta = try verify(path("expired-LTA.p7s"))
        XCTAssertEqual(lta["indication"] as? String, "TOTAL-PASSED", "\(lta)")
        XCTAssertEqual(lta["level"] as? String, "CAdES-BASELINE-LTA")
        let before = try verify(bt)
        XCTAssertNotEqual(before["indication"] as? String, "TOTAL-PASSED", "\(before)")
    }
}

extension Data {
    init(hexString: String) throws {
        var bytes: [UInt8] = []
        var index = hexString.startIndex
        while index < hexString.endIndex {
            let next = hexString.index(index, offsetBy: 2)
            guard let byte = UInt8(hexString[index..<next], radix: 16) else { throw CocoaError(.coderInvalidValue) }
            bytes.append(byte)
            index = next
        }
        self.init(bytes)
    }
}

/// Other producers' crypto-valid files (DSS's XAdES-T, the ETSI plugtest's
/// CAdES B-LT), whose test PKIs' services are long gone: extended to B-LTA
/// with `--allow-incomplete`, the earlier signature still verifies with
/// xmlsec1 / openssl, the archive time-stamp passes, and nothing of the
/// original is changed but the inserted part (XAdES) / the signer's
/// unsigned attributes and SignedData's sets (CAdES).
final class OthersLongTermTests: BenchDirectoryTestCase {


    func extendToLTA(_ sample: String) throws -> (input: String, output: String, json: [String: Any]) {
        let name = URL(fileURLWithPath: sample).lastPathComponent
        let input = path(name)
        try FileManager.default.copyItem(atPath: TestBench.repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/conformance/samples/\(sample)").path, toPath: input)
        let result = try TestBench.runCapturing(TestBench.product("podpis"), [
            "extend", "--level", "B-LTA", "--tsa", try TestBench.value("PODPIS_TSA_URL"), "--allow-incomplete", input, "--json",
            "--trust", try TestBench.pki("root.pem"), "--no-trusted-lists", "--revocation-cache", path("empty"),
        ], environment: ["LANG": "en_US.UTF-8", "LC_ALL": ""])
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], result.stdout)
        return (input, try XCTUnwrap(json["output"] as? String), json)
    }

    func archiveTimeStamps(_ file: String) throws -> [[String: Any]] {
        let result = try TestBench.runCapturing(TestBench.product("podpis"), [
            "verify", file, "--json", "--trust", try TestBench.pki("root.pem"), "--no-trusted-lists", "--revocation-cache", path("empty"),
        ])
        let report = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], result.stderr)
        let signature = try XCTUnwrap((report["signatures"] as? [[String: Any]])?.first)
        return (signature["timeStamps"] as? [[String: Any]] ?? []).filter { $0["kind"] as? String == "ARCHIVE_TIMESTAMP" }
    }

    func testDSSsXAdESTBecomesXAdESAWithItsSignatureUntouched() throws {
        let (input, output, json) = try extendToLTA("xades/dss/xades-extended-t.xml")
        XCTAssertEqual(json["levels"] as? [String], ["XAdES-A"])
        XCTAssertFalse((json["missing"] as? [String] ?? []).isEmpty, "the test PKI's revocation data cannot be had, and is said so")
        let stamps = try archiveTimeStamps(output)
        XCTAssertEqual(stamps.count, 1)
        XCTAssertEqual(stamps.first?["indication"] as? String, "TOTAL-PASSED", "\(stamps)")
        for file in [input, output] {
            let xmlsec = try TestBench.runCapturing("xmlsec1", ["--verify", "--insecure", "--id-attr:Id", "http://uri.etsi.org/01903/v1.3.2#:SignedProperties", file])
            XCTAssertEqual(xmlsec.status, 0, file + xmlsec.stderr)
        }
        // Only inserted.
        let before = try Data(contentsOf: URL(fileURLWithPath: input)), after = try Data(contentsOf: URL(fileURLWithPath: output))
        let common = zip(before, after).prefix { $0 == $1 }.count
        XCTAssertLessThan(common, before.count)
        XCTAssertEqual(after.suffix(before.count - common), before.suffix(before.count - common))
    }

    func testThePlugtestsCAdESBLTBecomesBLTAAndStillVerifies() throws {
        let (input, output, json) = try extendToLTA("cades/eu-plugtest/Signature-CBp-LT-2.p7m")
        XCTAssertEqual(json["levels"] as? [String], ["CAdES-BASELINE-LTA"])
        let stamps = try archiveTimeStamps(output)
        XCTAssertEqual(stamps.count, 1)
        XCTAssertEqual(stamps.first?["indication"] as? String, "TOTAL-PASSED", "\(stamps)")
        for file in [input, output] {
            let openssl = try TestBench.runCapturing("openssl", ["cms", "-verify", "-noverify", "-binary", "-inform", "DER", "-in", file, "-out", "/dev/null"])
            XCTAssertEqual(openssl.status, 0, file + openssl.stderr)
        }
        // The revocation data it carried is used, not asked for again: only the missing paths are named.
        let missing = json["missing"] as? [String] ?? []
        XCTAssertFalse(missing.contains { $0.hasPrefix("no revocation data for CN=Tomas Labuda") }, "\(missing)")
    }
}
