import Evidence
import Foundation
import LongTerm
import Revocation
import TestBench
import Validation
import XCTest

/// Extension given what an attacker, a broken service or a careless
/// producer hands it: OCSP responders that hang, answer garbage or fail; a
/// TSA that answers garbage; tampered and revoked signatures; files with no
/// signature; hostile XML (DTDs, entity expansion, deep nesting, another
/// encoding); and end tags written in an unusual but valid way. Each
/// refusal is checked by its stable code, and nothing may be written: no
/// output file, no temporary file left beside it.
final class ExtensionHostileInputTests: BenchDirectoryTestCase {

    func write(_ bytes: [UInt8], _ name: String) throws -> String {
        try Data(bytes).write(to: URL(fileURLWithPath: path(name)))
        return path(name)
    }
    func read(_ path: String) throws -> [UInt8] { Array(try Data(contentsOf: URL(fileURLWithPath: path))) }


    /// A document signed by `podpis sign` on the bench (Anna Nowak's test card).
    func sign(_ format: String, level: String = "B-T", name: String) throws -> String {
        let document = path("zaswiadczenie.xml")
        if !FileManager.default.fileExists(atPath: document) {
            try Data("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Zaswiadczenie><Nr>12/2026</Nr></Zaswiadczenie>\n".utf8)
                .write(to: URL(fileURLWithPath: document))
        }
        let id = String(try OpenSSL.certificateSHA256("person-ec").prefix(16))
        let result = try TestBench.runCapturing(
            TestBench.product("podpis"),
            ["sign", "--format", format, "--level", level, "--tsa", try TestBench.value("PODPIS_TSA_URL"), "--pin-fd", "0", "--cert", id,
             "-o", path(name), document],
            stdin: Data((try TestBench.value("PODPIS_SIGNER_PIN") + "\n").utf8), environment: ["LANG": "en_US.UTF-8", "LC_ALL": ""])
        XCTAssertEqual(result.status, 0, result.stderr)
        return path(name)
    }

    var trust: [String] { get throws { ["--trust", try TestBench.pki("root.pem"), "--no-trusted-lists"] } }
    var online: [String] { ["--online", "--allow-address", "127.0.0.1/32", "--revocation-cache", path("cache")] }

    /// The files in the scratch directory (the caches' contents aside).
    func listing() throws -> Set<String> {
        Set(try FileManager.default.contentsOfDirectory(atPath: directory.path)).subtracting(["cache", "empty"])
    }

    /// `podpis extend` on `file` with `arguments` must exit `status` naming
    /// `code`, and write nothing: neither `-o OUT` nor the default name, nor
    /// any other file in the directory.
    func assertRefused(
        _ file: String, _ arguments: [String], code: String?, status: Int32 = 10, level: String = "LT",
        _ message: String = "", line: UInt = #line
    ) throws {
        let output = path("out-\(UUID().uuidString.prefix(8)).bin")
        let url = URL(fileURLWithPath: file)
        let defaultOutput = url.deletingPathExtension().path + "-\(level)" + (url.pathExtension.isEmpty ? "" : "." + url.pathExtension)
        let before = try listing()
        let result = try podpis(["extend", file, "-o", output] + arguments)
        XCTAssertEqual(result.status, status, "\(message) \(result.stdout) \(result.stderr)", line: line)
        if let code {
            XCTAssertTrue(result.stderr.contains("[\(code)]"), "\(message): \(code) expected: \(result.stderr)", line: line)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: output), "\(message): an output was written", line: line)
        XCTAssertFalse(FileManager.default.fileExists(atPath: defaultOutput), "\(message): an output was written", line: line)
        XCTAssertEqual(try listing(), before, "\(message): files appeared", line: line)
        // The same with --json: the code is the one in the JSON too.
        let json = try podpis(["extend", file, "-o", output, "--json"] + arguments)
        XCTAssertEqual(json.status, status, "\(message) (--json) \(json.stderr)", line: line)
        if let code {
            let body = try? JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: [String: String]]
            XCTAssertEqual(body?["error"]?["code"], code, "\(message) (--json): \(json.stdout) \(json.stderr)", line: line)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: output), "\(message) (--json): an output was written", line: line)
    }

    // MARK: OCSP responders that misbehave (the library, with the fetcher's limits)

    /// `namesURL`: the fetcher's reason names the responder's URL (a timeout,
    /// an HTTP status; the parser's refusal of an answer does not).
    func assertDataMissing(_ responder: String, reason: String, namesURL: Bool = true, line: UInt = #line) async throws {
        let fixtures = try HostileResponders.get()
        let bytes = try fixtures.bytes(responder + ".p7s")
        let trust = try TrustSource.file(fixtures.path("ca.pem"))
        let fetcher = RevocationFetcher(configuration: .init(timeout: .seconds(2), allowed: [try XCTUnwrap(AddressRange("127.0.0.1/32"))]))
        let extender = Extender(
            verifier: Verifier(sources: [trust], revocation: RevocationSources(fetcher: fetcher)),
            collector: ValidationDataCollector(sources: [trust], cache: nil, fetcher: fetcher))
        let hitsBefore = fixtures.server.hits.filter { $0 == "POST /\(responder)" }.count
        let start = ContinuousClock.now
        do {
            let extended = try await extender.extend(bytes, name: responder + ".p7s", to: .lt)
            XCTFail("extended (\(extended.bytes.count) bytes) though the responder at /\(responder) gave nothing", line: line)
        } catch let error as LongTermError {
            XCTAssertEqual(error.code, "extend-data-missing", error.detail, line: line)
            XCTAssertTrue(error.detail.contains("Signer behind \(responder)"), "the certificate is named: \(error.detail)", line: line)
            XCTAssertTrue(error.detail.contains(reason), "the fetcher's reason \(reason) is given: \(error.detail)", line: line)
            if namesURL {
                XCTAssertTrue(error.detail.contains(fixtures.server.url("/\(responder)")), "the responder is named: \(error.detail)", line: line)
            }
        } catch {
            XCTFail("\(type(of: error)): \(error)", line: line)
        }
        let elapsed = ContinuousClock.now - start
        XCTAssertLessThan(elapsed, .seconds(10), "bounded by the fetcher's timeout", line: line)
        // The responder was asked (by validation, then by the collector): the refusal is its answer's, not a shortcut's.
        XCTAssertGreaterThan(fixtures.server.hits.filter { $0 == "POST /\(responder)" }.count, hitsBefore, line: line)
    }

    func testAResponderThatHangsIsNamedAsTimedOutWithinTheFetchersTimeout() async throws {
        try await assertDataMissing("hang", reason: "revocation-fetch-timeout")
    }

    func testAResponderThatAnswersGarbageIsNamedAsUnreadable() async throws {
        try await assertDataMissing("garbage-ocsp", reason: "revocation-ocsp-malformed", namesURL: false)
    }

    func testAResponderThatAnswersHTTP500IsNamed() async throws {
        try await assertDataMissing("status-500", reason: "revocation-fetch-http-status")
    }

    // MARK: Signatures that must not be extended

    func testATamperedXAdESIsNotIntact() throws {
        let signed = try sign("xades", name: "z.xml")
        var bytes = try read(signed)
        let marker = Array("<Nr>12/2026".utf8)
        let at = try XCTUnwrap((0...(bytes.count - marker.count)).first { Array(bytes[$0..<($0 + marker.count)]) == marker })
        bytes[at + 4] = UInt8(ascii: "7")
        let document = try write(bytes, "tampered-document.xml")
        try assertRefused(document, trust + online, code: "extend-signature-not-intact", "the signed document changed")

        // One character of the signature value changed.
        var value = try read(signed)
        let open = Array("SignatureValue".utf8)
        let tag = try XCTUnwrap((0...(value.count - open.count)).first { Array(value[$0..<($0 + open.count)]) == open })
        let start = try XCTUnwrap(value[tag...].firstIndex(of: UInt8(ascii: ">"))) + 5
        value[start] = value[start] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        let signatureValue = try write(value, "tampered-value.xml")
        try assertRefused(signatureValue, trust + online, code: "extend-signature-not-intact", "the signature value changed")
    }

    func testASignerRevokedBeforeSigningIsRefused() throws {
        let matrix = try TestBench.value("PODPIS_MATRIX_DIR")
        try FileManager.default.copyItem(atPath: matrix + "/revoked-before-bt.p7s", toPath: path("revoked-before-bt.p7s"))
        try assertRefused(
            path("revoked-before-bt.p7s"),
            ["--revocation", matrix + "/ocsp/revoked-before-d150.der", "--revocation-cache", path("empty"),
             "--trust", matrix + "/trust-anchor.pem", "--no-trusted-lists"],
            code: "extend-signer-revoked", "revoked (keyCompromise) before the time-stamp")
    }

    func testAFileWithNoSignatureIsRefused() throws {
        let plain = try write(Array("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Pismo><Tresc>bez podpisu</Tresc></Pismo>\n".utf8), "plain.xml")
        try assertRefused(plain, trust, code: "extend-no-signature", "XML without a signature")
        var generator = SplitMix(seed: 0x5EED)
        let random = (0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) }
        // Bytes that look like nothing (not '<', not DER, not PEM).
        let noise = try write([0x9A] + random, "noise.bin")
        try assertRefused(noise, trust, code: "extend-no-signature", "random bytes")
        // Bytes that start like DER: the CMS parser's refusal.
        let der = try write([0x30] + random, "noise.p7s")
        try assertRefused(der, trust, code: "cms-malformed", "random bytes after a SEQUENCE tag")
        let empty = try write([], "empty.p7s")
        try assertRefused(empty, trust, code: "extend-no-signature", "an empty file")
    }

    // MARK: Hostile XML

    func testHostileXMLIsRefusedByTheParsersCode() throws {
        let doctype = try write(Array("<?xml version=\"1.0\"?>\n<!DOCTYPE Pismo>\n<Pismo/>\n".utf8), "doctype.xml")
        try assertRefused(doctype, trust, code: "xml-doctype", "a DOCTYPE")
        let entity = try write(Array("<?xml version=\"1.0\"?>\n<!DOCTYPE Pismo [<!ENTITY nr \"12/2026\">]>\n<Pismo>&nr;</Pismo>\n".utf8), "entity.xml")
        try assertRefused(entity, trust, code: "xml-entity", "an internal entity")
        let external = try write(
            Array("<?xml version=\"1.0\"?>\n<!DOCTYPE Pismo [<!ENTITY p SYSTEM \"file:///etc/passwd\">]>\n<Pismo>&p;</Pismo>\n".utf8), "external.xml")
        try assertRefused(external, trust, code: "xml-external-entity", "an external entity")
        var laughs = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n"
        for level in 1...9 { laughs += " <!ENTITY lol\(level) \"" + String(repeating: "&lol\(level == 1 ? "" : String(level - 1));", count: 10) + "\">\n" }
        laughs += "]>\n<lolz>&lol9;</lolz>\n"
        let billion = try write(Array(laughs.utf8), "laughs.xml")
        let start = Date()
        try assertRefused(billion, trust, code: "xml-entity", "billion laughs")
        XCTAssertLessThan(Date().timeIntervalSince(start), 30, "refused before any expansion")

        // Nesting one deeper than the limit (200), and far deeper (libxml2's own limit is 256).
        for depth in [201, 100_000] {
            let deep = "<?xml version=\"1.0\"?>\n" + String(repeating: "<a>", count: depth) + String(repeating: "</a>", count: depth)
            let file = try write(Array(deep.utf8), "deep-\(depth).xml")
            try assertRefused(file, trust, code: "xml-too-deep", "nesting \(depth)")
        }
        // 200 is allowed: the file is read, and has no signature.
        let allowed = "<?xml version=\"1.0\"?>\n" + String(repeating: "<a>", count: 200) + String(repeating: "</a>", count: 200)
        try assertRefused(try write(Array(allowed.utf8), "deep-200.xml"), trust, code: "extend-no-signature", "nesting 200")
    }

    func testASignedXAdESInAnotherEncodingIsNotExtendedInPlace() throws {
        let signed = try read(try sign("xades", name: "z.xml"))
        let declaration = Array("encoding=\"UTF-8\"".utf8)
        let at = try XCTUnwrap((0...(signed.count - declaration.count)).first { Array(signed[$0..<($0 + declaration.count)]) == declaration })
        // ASCII content: the same characters in ISO-8859-2, the signature still intact.
        let latin2 = Array(signed[..<at]) + Array("encoding=\"ISO-8859-2\"".utf8) + Array(signed[(at + declaration.count)...])
        let file = try write(latin2, "latin2.xml")
        let verified = try podpis(["verify", file, "--json", "--revocation-cache", path("cache")] + trust + ["--online", "--allow-address", "127.0.0.1/32"])
        XCTAssertTrue(verified.stdout.contains("\"TOTAL-PASSED\""), "the ISO-8859-2 file still verifies: \(verified.stdout) \(verified.stderr)")
        try assertRefused(file, trust + online, code: "xades-cannot-extend", "ISO-8859-2")
        try assertRefused(file, trust + online + ["--level", "B-LTA", "--tsa", try TestBench.value("PODPIS_TSA_URL")],
                          code: "xades-cannot-extend", level: "LTA", "ISO-8859-2, B-LTA")
    }

    // MARK: Unusual but valid XML

    /// `</xades:UnsignedSignatureProperties   >` (white space before '>',
    /// which XML allows): the new elements go before that end tag, every
    /// original byte is kept in place, and the result verifies as B-LT.
    func testAnEndTagWithWhiteSpaceIsExtendedInPlace() throws {
        let signed = try read(try sign("xades", name: "z.xml"))
        let end = Array("</xades:UnsignedSignatureProperties>".utf8)
        let at = try XCTUnwrap((0...(signed.count - end.count)).first { Array(signed[$0..<($0 + end.count)]) == end })
        for (name, spacing) in [("spaces", "   "), ("newline", "\n\t ")] {
            let written = Array("</xades:UnsignedSignatureProperties\(spacing)>".utf8)
            let original = Array(signed[..<at]) + written + Array(signed[(at + end.count)...])
            let file = try write(original, "\(name).xml")
            let output = path("\(name)-LT.xml")
            let extended = try podpis(["extend", "--level", "B-LT", file, "-o", output] + online + trust)
            XCTAssertEqual(extended.status, 0, "\(name): \(extended.stdout) \(extended.stderr)")
            let result = try read(output)
            // The original bytes up to the end tag, then something, then the end tag as written and the rest.
            XCTAssertEqual(Array(result.prefix(at)), Array(original.prefix(at)), name)
            XCTAssertEqual(Array(result.suffix(original.count - at)), Array(original.suffix(original.count - at)), name)
            let inserted = String(decoding: result[at..<(result.count - (original.count - at))], as: UTF8.self)
            XCTAssertTrue(inserted.hasPrefix("<xades:CertificateValues"), "\(name): \(inserted.prefix(200))")
            XCTAssertTrue(inserted.contains("<xades:RevocationValues"), name)
            XCTAssertFalse(inserted.contains("UnsignedSignatureProperties"), name)

            let verified = try podpis(["verify", output, "--json", "--revocation-cache", path("empty")] + trust)
            XCTAssertEqual(verified.status, 0, "\(name): \(verified.stdout) \(verified.stderr)")
            let report = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(verified.stdout.utf8)) as? [String: Any], verified.stdout)
            let signature = try XCTUnwrap((report["signatures"] as? [[String: Any]])?.first)
            XCTAssertEqual(signature["level"] as? String, "XAdES-BASELINE-LT", name)
            XCTAssertEqual(signature["indication"] as? String, "TOTAL-PASSED", "\(name): \(signature)")
        }
    }

    /// The parser is fed 1 MiB at a time: an end tag that straddles that
    /// boundary (white space, unsigned, padding the properties before it)
    /// is still found where it is, and the result verifies.
    func testAnEndTagAcrossTheParsersChunkBoundaryIsFound() throws {
        let signed = try read(try sign("xades", name: "z.xml"))
        let end = Array("</xades:UnsignedSignatureProperties>".utf8)
        let at = try XCTUnwrap((0...(signed.count - end.count)).first { Array(signed[$0..<($0 + end.count)]) == end })
        for before in [1, 20, 0] {
            let padding = (1 << 20) - before - at
            let original = Array(signed[..<at]) + [UInt8](repeating: 0x20, count: padding) + Array(signed[at...])
            XCTAssertEqual(Array(original[((1 << 20) - before)..<((1 << 20) - before + end.count)]), end)
            let file = try write(original, "boundary-\(before).xml")
            let output = path("boundary-\(before)-LT.xml")
            let extended = try podpis(["extend", "--level", "B-LT", file, "-o", output] + online + trust)
            XCTAssertEqual(extended.status, 0, "end tag \(before) bytes before 1 MiB: \(extended.stdout) \(extended.stderr)")
            let result = try read(output)
            let kept = original.count - ((1 << 20) - before)
            XCTAssertEqual(Array(result.prefix((1 << 20) - before)), Array(original.prefix((1 << 20) - before)), "\(before)")
            XCTAssertEqual(Array(result.suffix(kept)), Array(original.suffix(kept)), "\(before)")
            let verified = try podpis(["verify", output, "--json", "--revocation-cache", path("empty")] + trust)
            XCTAssertEqual(verified.status, 0, "\(before): \(verified.stdout) \(verified.stderr)")
            XCTAssertTrue(verified.stdout.contains("XAdES-BASELINE-LT"), "\(before)")
            try? FileManager.default.removeItem(atPath: file)
            try? FileManager.default.removeItem(atPath: output)
        }
    }

    func testABBSignatureHasNoUnsignedPropertiesToExtend() throws {
        let bb = try sign("xades", level: "B-B", name: "bb.xml")
        try assertRefused(bb, trust + online, code: "extend-unsupported-format", "XAdES B-B")
    }

    // MARK: B-LTA and its TSA

    func testBLTAWithoutATSAIsAUsageError() throws {
        let bt = try sign("cades", name: "z.p7s")
        try assertRefused(bt, ["--level", "B-LTA"] + trust + online, code: nil, status: 64, level: "LTA", "B-LTA without --tsa")
    }

    func testATSAThatAnswersGarbageLeavesNoOutput() throws {
        let garbage = try TestBench.value("PODPIS_TSA_GARBAGE_URL")
        let cades = try sign("cades", name: "z.p7s")
        try assertRefused(cades, ["--level", "B-LTA", "--tsa", garbage] + trust + online, code: "tsa-malformed-response", status: 11, level: "LTA", "CAdES")
        let xades = try sign("xades", name: "z.xml")
        try assertRefused(xades, ["--level", "B-LTA", "--tsa", garbage] + trust + online, code: "tsa-malformed-response", status: 11, level: "LTA", "XAdES")
    }
}

/// A deterministic generator, so that the "random" input is the same on every run.
private struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A CA and three signers whose certificates name one OCSP responder each
/// and no CRL: one that never answers (`/hang`), one that answers bytes
/// that are no OCSP response (`/garbage-ocsp`), one that answers HTTP 500
/// (`/status-500`); each signer's CAdES (openssl cms -sign -cades). The
/// responders are the shared ``TestHTTPServer`` on 127.0.0.1.
final class HostileResponders: @unchecked Sendable {
    static let shared = Result { try HostileResponders() }
    static func get() throws -> HostileResponders { try shared.get() }

    let dir: String
    let server: TestHTTPServer

    private init() throws {
        dir = NSTemporaryDirectory() + "podpis-hostile-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        server = try TestHTTPServer(directory: dir, name: "responders", removingDirectory: true)
        let script = dir + "/make.sh"
        try Self.script.write(toFile: script, atomically: true, encoding: .utf8)
        let result = try TestBench.runCapturing("/bin/bash", [script, dir, String(server.port)], timeout: 120)
        guard result.status == 0 else { throw Failed(description: "make.sh: \(result.stdout) \(result.stderr)") }
    }

    struct Failed: Error, CustomStringConvertible { let description: String }

    func path(_ name: String) -> String { dir + "/" + name }
    func bytes(_ name: String) throws -> [UInt8] { Array(try Data(contentsOf: URL(fileURLWithPath: path(name)))) }

    static let script = #"""
#!/bin/bash
set -euo pipefail
D="$1"; PORT="$2"
cd "$D"
q() { "$@" >/dev/null 2>&1 || { echo "FAILED: $*" >&2; "$@"; exit 1; }; }
q openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem \
  -subj "/CN=Hostile Responders Test CA/O=Podpis Test" -days 3650 \
  -addext basicConstraints=critical,CA:true -addext keyUsage=critical,keyCertSign,cRLSign
printf 'Umowa nr 5/2026\n' > content.txt
serial=4096
for responder in hang garbage-ocsp status-500; do
  serial=$((serial + 1))
  cat > "$responder.ext" <<EXT
basicConstraints = CA:false
keyUsage = critical,digitalSignature,nonRepudiation
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
authorityInfoAccess = OCSP;URI:http://127.0.0.1:$PORT/$responder
EXT
  q openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$responder.key" -out "$responder.csr" \
    -subj "/CN=Signer behind $responder/O=Podpis Test"
  q openssl x509 -req -in "$responder.csr" -CA ca.pem -CAkey ca.key -set_serial "$serial" -days 365 -sha256 \
    -extfile "$responder.ext" -out "$responder.pem"
  q openssl cms -sign -cades -binary -nodetach -md sha256 -outform DER -signer "$responder.pem" -inkey "$responder.key" \
    -in content.txt -out "$responder.p7s"
done
echo done
"""#
}
