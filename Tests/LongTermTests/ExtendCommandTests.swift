import Foundation
import TestBench
import XCTest

/// `podpis extend --level B-LT` on the bench: a CAdES B-T made by `podpis
/// sign` becomes B-LT that verifies with nothing but what it carries and
/// still passes `openssl cms -verify`; what cannot be extended is refused
/// with its code and nothing is written.
final class ExtendCommandTests: BenchDirectoryTestCase {


    func sign(_ format: String, level: String = "B-T", name: String) throws -> String {
        let document = path("zaswiadczenie.xml")
        if !FileManager.default.fileExists(atPath: document) {
            try Data("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Zaswiadczenie><Nr>12/2026</Nr></Zaswiadczenie>\n".utf8).write(to: URL(fileURLWithPath: document))
        }
        let id = String(try OpenSSL.certificateSHA256("person-ec").prefix(16))
        let result = try podpis(
            ["sign", "--format", format, "--level", level, "--tsa", try TestBench.value("PODPIS_TSA_URL"), "--pin-fd", "0", "--cert", id,
             "-o", path(name), document],
            stdin: Data((try TestBench.value("PODPIS_SIGNER_PIN") + "\n").utf8))
        XCTAssertEqual(result.status, 0, result.stderr)
        return path(name)
    }

    var trust: [String] { get throws { ["--trust", try TestBench.pki("root.pem"), "--no-trusted-lists"] } }

    func testACAdESBTBecomesBLTThatVerifiesWithWhatItCarriesOnly() throws {
        let bt = try sign("cades", name: "z.p7s")
        let original = try Data(contentsOf: URL(fileURLWithPath: bt))
        let extended = try podpis(["extend", "--level", "B-LT", bt, "--json", "--online", "--allow-address", "127.0.0.1/32",
                                   "--revocation-cache", path("cache")] + trust)
        XCTAssertEqual(extended.status, 0, extended.stdout + extended.stderr)
        let result = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(extended.stdout.utf8)) as? [String: Any], extended.stdout)
        XCTAssertEqual(result["schema"] as? String, "podpis.extend/1")
        XCTAssertEqual(result["output"] as? String, path("z-LT.p7s"))
        XCTAssertEqual(result["levels"] as? [String], ["CAdES-BASELINE-LT"])
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: bt)), original, "the input is never changed")

        // Verified with an empty cache and no network: the revocation data comes from the file.
        let verified = try podpis(["verify", path("z-LT.p7s"), "--json", "--revocation-cache", path("empty")] + trust)
        XCTAssertEqual(verified.status, 0, verified.stdout + verified.stderr)
        let report = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(verified.stdout.utf8)) as? [String: Any])
        let signature = try XCTUnwrap((report["signatures"] as? [[String: Any]])?.first)
        XCTAssertEqual(signature["level"] as? String, "CAdES-BASELINE-LT")
        XCTAssertEqual(signature["indication"] as? String, "TOTAL-PASSED", "\(signature)")
        // The B-T itself, the same way, cannot say (no revocation data): the extension is what made the difference.
        let before = try podpis(["verify", bt, "--json", "--revocation-cache", path("empty")] + trust)
        XCTAssertEqual(before.status, 2, before.stdout)
        // openssl still verifies it; the OCSP answer it carries is accepted by openssl too.
        let openssl = try TestBench.runCapturing("openssl", [
            "cms", "-verify", "-binary", "-inform", "DER", "-in", path("z-LT.p7s"), "-CAfile", try TestBench.pki("chain.pem"),
            "-purpose", "any", "-out", "/dev/null",
        ])
        XCTAssertEqual(openssl.status, 0, openssl.stderr)

        // A second extension of the B-LT changes nothing it carries; an existing output is refused.
        let again = try podpis(["extend", "--level", "B-LT", path("z-LT.p7s"), "-o", path("z-LT.p7s"), "--revocation-cache", path("cache")] + trust)
        XCTAssertEqual(again.status, 9, again.stderr)
    }

    func testADetachedCAdESIsExtendedWithItsDocumentGiven() throws {
        let id = String(try OpenSSL.certificateSHA256("seal").prefix(16))
        let document = path("decyzja.txt")
        try Data("Decyzja nr 3/2026\n".utf8).write(to: URL(fileURLWithPath: document))
        let signed = try podpis(
            ["sign", "--format", "cades", "--detached", "--level", "B-T", "--tsa", try TestBench.value("PODPIS_TSA_URL"), "--pin-fd", "0",
             "--cert", id, "-o", path("decyzja.p7s"), document],
            stdin: Data((try TestBench.value("PODPIS_SEAL_PIN") + "\n").utf8))
        XCTAssertEqual(signed.status, 0, signed.stderr)
        let withoutDocument = try podpis(["extend", path("decyzja.p7s"), "-o", path("no.p7s"), "--online", "--allow-address", "127.0.0.1/32",
                                          "--revocation-cache", path("cache")] + trust)
        XCTAssertEqual(withoutDocument.status, 10, withoutDocument.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("no.p7s")))
        let extended = try podpis(["extend", path("decyzja.p7s"), "--detached", document, "--online", "--allow-address", "127.0.0.1/32",
                                   "--revocation-cache", path("cache")] + trust)
        XCTAssertEqual(extended.status, 0, extended.stderr)
        XCTAssertTrue(extended.stdout.contains("CAdES-BASELINE-LT"), extended.stdout)
        let verified = try podpis(["verify", path("decyzja-LT.p7s"), "--detached", document, "--revocation-cache", path("empty")] + trust)
        XCTAssertEqual(verified.status, 0, verified.stdout + verified.stderr)
        let openssl = try TestBench.runCapturing("openssl", [
            "cms", "-verify", "-binary", "-inform", "DER", "-in", path("decyzja-LT.p7s"), "-content", document,
            "-CAfile", try TestBench.pki("chain.pem"), "-purpose", "any", "-out", "/dev/null",
        ])
        XCTAssertEqual(openssl.status, 0, openssl.stderr)
    }

    func testWhatCannotBeExtendedIsRefusedWithItsCodeAndNothingIsWritten() throws {
        let bt = try sign("cades", name: "z.p7s")
        // Offline with nothing cached: the missing data is named.
        let offline = try podpis(["extend", bt, "-o", path("offline.p7s"), "--revocation-cache", path("empty")] + trust)
        XCTAssertEqual(offline.status, 10, offline.stderr)
        XCTAssertTrue(offline.stderr.contains("[extend-data-missing]"), offline.stderr)
        XCTAssertTrue(offline.stderr.contains("Anna Nowak"), offline.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("offline.p7s")))

        // One byte of the signed content changed: not intact.
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: bt)))
        let marker = Array("12/2026".utf8)
        let at = try XCTUnwrap((0...(bytes.count - marker.count)).first { Array(bytes[$0..<($0 + marker.count)]) == marker })
        bytes[at] = UInt8(ascii: "7")
        try Data(bytes).write(to: URL(fileURLWithPath: path("tampered.p7s")))
        let tampered = try podpis(["extend", path("tampered.p7s"), "-o", path("t.p7s"), "--revocation-cache", path("empty")] + trust)
        XCTAssertEqual(tampered.status, 10, tampered.stderr)
        XCTAssertTrue(tampered.stderr.contains("[extend-signature-not-intact]"), tampered.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("t.p7s")))

        // Not a signature; XAdES (not yet); B-LTA (not yet).
        try Data("zwykły tekst".utf8).write(to: URL(fileURLWithPath: path("plain.txt")))
        let plain = try podpis(["extend", path("plain.txt"), "-o", path("p.p7s")] + trust)
        XCTAssertTrue(plain.stderr.contains("[extend-no-signature]"), plain.stderr)
        let xades = try sign("xades", level: "B-B", name: "z.xades.xml")
        let xml = try podpis(["extend", xades, "-o", path("x.xml")] + trust)
        XCTAssertTrue(xml.stderr.contains("[extend-unsupported-format]"), xml.stderr)
        let lta = try podpis(["extend", "--level", "B-LTA", bt] + trust)
        XCTAssertEqual(lta.status, 64, lta.stderr)
        for name in ["p.p7s", "x.xml", "z-LT.p7s"] { XCTAssertFalse(FileManager.default.fileExists(atPath: path(name)), name) }
    }
}
