import Evidence
import Foundation
import Revocation
import TestBench
import TrustedLists
import Validation
import XCTest

/// Signatures Podpis makes on the bench (`podpis sign`, every key kind ×
/// XAdES enveloped / enveloping / detached × CAdES attached / detached ×
/// B-B / B-T) verified with the bench's test trusted list as the trust
/// source and the bench's OCSP responder (loopback, allowed here):
/// TOTAL-PASSED with the qualification each certificate has, and the same
/// files still pass xmlsec1 / `openssl cms -verify`.
final class OwnSignatureVerificationTests: XCTestCase {
    struct Key {
        let pem: String, pins: [String], qualification: String
    }

    var directory: URL!

    override func setUpWithError() throws {
        try TestBench.require()
        directory = try TestBench.temporaryDirectory()
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    func keys() throws -> [Key] {
        let signer = try TestBench.value("PODPIS_SIGNER_PIN"), seal = try TestBench.value("PODPIS_SEAL_PIN")
        return [
            Key(pem: "person-rsa.pem", pins: [signer, signer], qualification: "QESig"),  // CKA_ALWAYS_AUTHENTICATE: a second PIN
            Key(pem: "person-ec.pem", pins: [signer], qualification: "QESig"),
            Key(pem: "person-pss.pem", pins: [signer], qualification: "QESig"),
            Key(pem: "no-nonrep.pem", pins: [signer], qualification: "AdESig-QC"),
            Key(pem: "seal.pem", pins: [seal], qualification: "QESeal"),
        ]
    }

    func certificateID(_ pem: String) throws -> String {
        let fingerprint = try TestBench.run("openssl", ["x509", "-in", try TestBench.pki(pem), "-noout", "-fingerprint", "-sha256"])
        return String(fingerprint.split(separator: "=").last!.replacingOccurrences(of: ":", with: "").lowercased().prefix(16))
    }

    /// The bench's test list of lists and Polish list, as `podpis tl refresh` leaves them in a cache.
    func testLists() throws -> TrustedListTrust {
        let tl = try TestBench.value("PODPIS_TL_DIR")
        let cache = directory.appendingPathComponent("tl").path
        if !FileManager.default.fileExists(atPath: cache + "/EU.xml") {
            try FileManager.default.createDirectory(atPath: cache, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: "\(tl)/EU-TEST-LOTL.xml", toPath: "\(cache)/EU.xml")
            try FileManager.default.copyItem(atPath: "\(tl)/PL-TEST-TL.xml", toPath: "\(cache)/PL.xml")
        }
        let pins = try TrustSource.file(try TestBench.value("PODPIS_TEST_LOTL_PINNED_CERT")).anchors.map(\.der)
        return try TrustedListTrust.load(cache: TrustedListCache(directory: cache), pinnedSigners: pins)
    }

    func verifier() throws -> Verifier {
        let fetcher = RevocationFetcher(configuration: .init(allowed: [AddressRange("127.0.0.1/32")!]))
        return Verifier(sources: [], trustedLists: try testLists(), revocation: RevocationSources(fetcher: fetcher))
    }

    struct Form { let format: String, arguments: [String], detached: Bool, name: String }

    static let forms: [Form] = [
        Form(format: "xades", arguments: ["--packaging", "enveloped"], detached: false, name: "XAdES enveloped"),
        Form(format: "xades", arguments: ["--packaging", "enveloping"], detached: false, name: "XAdES enveloping"),
        Form(format: "xades", arguments: ["--packaging", "detached"], detached: true, name: "XAdES detached"),
        Form(format: "cades", arguments: [], detached: false, name: "CAdES attached"),
        Form(format: "cades", arguments: ["--detached"], detached: true, name: "CAdES detached"),
    ]

    func testEveryKeyKindInEveryFormAndLevelIsTotalPassedWithItsQualification() async throws {
        let document = directory.appendingPathComponent("zaswiadczenie.xml")
        try Data("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Zaswiadczenie Id=\"z1\"><Tresc>Zaświadcza się, że…</Tresc></Zaswiadczenie>\n".utf8).write(to: document)
        let verifier = try verifier()
        let tsa = try TestBench.value("PODPIS_TSA_URL")
        var checked = 0
        for key in try keys() {
            let id = try certificateID(key.pem)
            for form in Self.forms {
                for level in ["B-B", "B-T"] {
                    let label = "\(key.pem) \(form.name) \(level)"
                    let output = directory.appendingPathComponent("\(key.pem)-\(form.format)-\(form.arguments.joined())-\(level).\(form.format == "xades" ? "xml" : "p7s")")
                    let result = try TestBench.runCapturing(
                        TestBench.product("podpis"),
                        ["sign", "--format", form.format, "--pin-fd", "0", "--cert", id, "--level", level, "-o", output.path]
                            + form.arguments + (level == "B-T" ? ["--tsa", tsa] : []) + [document.path],
                        stdin: Data(key.pins.map { $0 + "\n" }.joined().utf8), environment: ["LANG": "en_US.UTF-8", "LC_ALL": ""])
                    XCTAssertEqual(result.status, 0, "\(label): \(result.stderr)")
                    guard result.status == 0 else { continue }
                    let bytes = Array(try Data(contentsOf: output))
                    let detached = form.detached ? [DetachedData(path: document.path)] : []
                    let report = try await verifier.verify(bytes, name: output.lastPathComponent, detached: detached)
                    let signature = try XCTUnwrap(report.signatures.first, label)
                    XCTAssertEqual(signature.indication, .totalPassed, "\(label): \(signature.subIndication?.rawValue ?? "") \(signature.reason)")
                    XCTAssertEqual(signature.qualification?.value, key.qualification, label)
                    XCTAssertEqual(signature.level, "\(form.format == "xades" ? "XAdES" : "CAdES")-BASELINE-\(level.dropFirst(2))", label)
                    XCTAssertTrue(signature.signedData.contains { $0.intact && ($0.kind == "data") }, label)
                    if level == "B-T" {
                        XCTAssertNotEqual(signature.bestSignatureTimeSource, "validation-time", label)
                        XCTAssertEqual(signature.timeStamps.first?.qualified, true, "\(label): the bench TSA is a QTST in the test list")
                    }
                    try assertOthersAgree(output: output.path, form: form, document: document.path, label: label)
                    checked += 1
                }
            }
        }
        XCTAssertEqual(checked, 50)
    }

    /// B-LT and B-LTA for every key kind and form: a B-T made by `podpis
    /// sign`, extended by `podpis extend` to B-LT and to B-LTA, and a B-LTA
    /// made by `podpis sign` in one go; each TOTAL-PASSED at its level with
    /// the qualification its certificate has, validated with no revocation
    /// source but what the file carries, and still passing xmlsec1 (and the
    /// XAdES 1.3.2 + 1.4.1 schemas) / `openssl cms -verify`.
    func testEveryKeyKindInEveryFormReachesBLTAndBLTAThatPassWithWhatTheyCarry() async throws {
        let document = directory.appendingPathComponent("zaswiadczenie.xml")
        try Data("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Zaswiadczenie Id=\"z1\"><Tresc>Zaświadcza się, że…</Tresc></Zaswiadczenie>\n".utf8).write(to: document)
        let carriedOnly = Verifier(sources: [], trustedLists: try testLists(), revocation: RevocationSources())
        let tsa = try TestBench.value("PODPIS_TSA_URL")
        let longTerm = ["--tsa", tsa, "--online", "--allow-address", "127.0.0.1/32", "--revocation-cache", directory.appendingPathComponent("revocation").path,
                        "--trust", try TestBench.pki("root.pem"), "--no-trusted-lists"]
        func podpis(_ arguments: [String], pins: [String] = []) throws -> (status: Int32, stdout: String, stderr: String) {
            try TestBench.runCapturing(TestBench.product("podpis"), arguments, stdin: Data(pins.map { $0 + "\n" }.joined().utf8),
                                       environment: ["LANG": "en_US.UTF-8", "LC_ALL": ""])
        }
        var checked = 0
        for key in try keys() {
            let id = try certificateID(key.pem)
            for form in Self.forms {
                let stem = directory.appendingPathComponent("\(key.pem)-\(form.format)-\(form.arguments.joined())").path
                let ext = form.format == "xades" ? "xml" : "p7s"
                let bt = "\(stem)-BT.\(ext)", lt = "\(stem)-LT.\(ext)", lta = "\(stem)-LTA.\(ext)", signed = "\(stem)-signed-LTA.\(ext)"
                let sign = try podpis(["sign", "--format", form.format, "--pin-fd", "0", "--cert", id, "--level", "B-T", "--tsa", tsa, "-o", bt]
                                      + form.arguments + [document.path], pins: key.pins)
                XCTAssertEqual(sign.status, 0, "\(key.pem) \(form.name): \(sign.stderr)")
                let extra = form.detached ? ["--detached", document.path] : []
                for (output, level) in [(lt, "B-LT"), (lta, "B-LTA")] {
                    let extended = try podpis(["extend", "--level", level, bt, "-o", output] + extra + longTerm)
                    XCTAssertEqual(extended.status, 0, "\(key.pem) \(form.name) \(level): \(extended.stderr)")
                }
                let signedLTA = try podpis(["sign", "--format", form.format, "--pin-fd", "0", "--cert", id, "--level", "B-LTA", "-o", signed]
                                           + form.arguments + longTerm + [document.path], pins: key.pins)
                XCTAssertEqual(signedLTA.status, 0, "\(key.pem) \(form.name) sign B-LTA: \(signedLTA.stderr)")
                for (file, level) in [(lt, "LT"), (lta, "LTA"), (signed, "LTA")] {
                    let label = "\(key.pem) \(form.name) \(URL(fileURLWithPath: file).lastPathComponent)"
                    guard FileManager.default.fileExists(atPath: file) else { continue }
                    let detached = form.detached ? [DetachedData(path: document.path)] : []
                    let report = try await carriedOnly.verify(Array(try Data(contentsOf: URL(fileURLWithPath: file))), name: file, detached: detached)
                    let signature = try XCTUnwrap(report.signatures.first, label)
                    XCTAssertEqual(signature.indication, .totalPassed, "\(label): \(signature.subIndication?.rawValue ?? "") \(signature.reason)")
                    XCTAssertEqual(signature.level, "\(form.format == "xades" ? "XAdES" : "CAdES")-BASELINE-\(level)", label)
                    XCTAssertEqual(signature.qualification?.value, key.qualification, label)
                    try assertOthersAgree(output: file, form: form, document: document.path, label: label)
                    if form.format == "xades" {
                        let schema = try XAdESCheck.schema(URL(fileURLWithPath: file))
                        XCTAssertTrue(schema.ok, "\(label): \(schema.json)")
                    }
                    checked += 1
                }
            }
        }
        XCTAssertEqual(checked, 75)
    }

    /// The same file passes the independent tool of its format.
    func assertOthersAgree(output: String, form: Form, document: String, label: String) throws {
        if form.format == "cades" {
            let chain = try TestBench.pki("chain.pem")
            var arguments = ["cms", "-verify", "-binary", "-inform", "DER", "-in", output, "-CAfile", chain, "-purpose", "any", "-out", "/dev/null"]
            if form.detached { arguments += ["-content", document] }
            let result = try TestBench.runCapturing("openssl", arguments)
            XCTAssertEqual(result.status, 0, "\(label): openssl cms -verify: \(result.stderr)")
        } else {
            var arguments = ["--verify", "--enabled-key-data", "x509", "--id-attr:Id", "http://uri.etsi.org/01903/v1.3.2#:SignedProperties",
                             "--id-attr:Id", "http://www.w3.org/2000/09/xmldsig#:Object",
                             "--trusted-pem", try TestBench.pki("root.pem"), "--untrusted-pem", try TestBench.pki("ca.pem"), output]
            if form.detached { arguments.insert(contentsOf: ["--url-map:zaswiadczenie.xml", document], at: 1) }
            let result = try TestBench.runCapturing("/bin/sh", ["-c", "cd \"$(dirname \"$0\")\" && exec xmlsec1 \"$@\"", output] + arguments)
            XCTAssertEqual(result.status, 0, "\(label): xmlsec1: \(result.stdout) \(result.stderr)")
        }
    }
}
