import Foundation
import TestBench
import XCTest

/// `podpis extend --level B-LT|B-LTA` of XAdES on the bench, judged by tools
/// that are not ours: a B-T made by `podpis sign` (enveloped, enveloping,
/// detached; the person-ec key on "Podpis Signer" and the seal key) becomes
/// B-LT and B-LTA that `podpis verify` passes with an empty revocation cache
/// and no network, that xmlsec1 and the XAdES 1.3.2/1.4.1 schemas still
/// accept, and that differs from its input by one inserted run of bytes. The
/// archive time-stamp's input is rebuilt by lxml (`xades_check.py
/// archive-timestamp`) and its token checked by `openssl ts -verify -digest`;
/// a second B-LTA adds TimeStampValidationData and a second archive
/// time-stamp, both checked so; a byte changed under them is noticed.
final class XAdESLongTermTests: BenchDirectoryTestCase {

    // MARK: - Helpers

    enum Key: String {
        case personEC = "person-ec"
        case seal

        var pinVariable: String { self == .personEC ? "PODPIS_SIGNER_PIN" : "PODPIS_SEAL_PIN" }
    }

    func url(_ name: String) -> URL { directory.appendingPathComponent(name) }

    func bytes(_ file: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: file))) }


    var trust: [String] { get throws { ["--trust", try TestBench.pki("root.pem"), "--no-trusted-lists"] } }

    func online(cache: String = "cache") -> [String] {
        ["--online", "--allow-address", "127.0.0.1/32", "--revocation-cache", path(cache)]
    }

    /// The XML document the signatures are over (written once per test).
    func document() throws -> String {
        let document = path("zaswiadczenie.xml")
        if !FileManager.default.fileExists(atPath: document) {
            try Data("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Zaswiadczenie><Nr>12/2026</Nr><Tresc>Zaświadcza się, że…</Tresc></Zaswiadczenie>\n".utf8)
                .write(to: URL(fileURLWithPath: document))
        }
        return document
    }

    /// `podpis sign --format xades --level B-T` of `input` with `key`.
    func sign(_ input: String, key: Key, packaging: String? = nil, output: String) throws -> String {
        let id = String(try OpenSSL.certificateSHA256(key.rawValue).prefix(16))
        var arguments = ["sign", "--format", "xades", "--level", "B-T", "--tsa", try TestBench.value("PODPIS_TSA_URL"),
                         "--pin-fd", "0", "--cert", id, "-o", path(output)]
        if let packaging { arguments += ["--packaging", packaging] }
        let result = try podpis(arguments + [input], stdin: Data((try TestBench.value(key.pinVariable) + "\n").utf8))
        XCTAssertEqual(result.status, 0, "sign \(key) \(packaging ?? "enveloped"): " + result.stderr)
        return path(output)
    }

    /// `podpis extend --level LEVEL FILE -o OUTPUT`, online with the bench's
    /// addresses, keeping what it fetches in the directory `cache`.
    func extend(_ file: String, to level: String, output: String, extra: [String] = [], cache: String = "cache",
                file testFile: StaticString = #filePath, line: UInt = #line) throws -> String {
        var arguments = ["extend", "--level", level, file, "-o", path(output)] + extra + online(cache: cache)
        if level == "B-LTA" { arguments += ["--tsa", try TestBench.value("PODPIS_TSA_URL")] }
        let result = try podpis(arguments + (try trust))
        XCTAssertEqual(result.status, 0, "extend \(level) \(file): " + result.stdout + result.stderr, file: testFile, line: line)
        return path(output)
    }

    /// `podpis verify --json` with an empty revocation cache and no network
    /// (`extra` adds to that): the exit status, the report and the output.
    func verify(_ file: String, extra: [String] = [], offline: Bool = true) throws
        -> (status: Int32, report: [String: Any], output: String)
    {
        let cache = offline ? ["--revocation-cache", path("empty")] : online()
        let result = try podpis(["verify", "--json", file] + extra + cache + (try trust))
        let report = (try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8))) as? [String: Any] ?? [:]
        return (result.status, report, result.stdout + result.stderr)
    }

    func signatures(_ report: [String: Any]) -> [[String: Any]] { report["signatures"] as? [[String: Any]] ?? [] }

    /// `xmlsec1 --verify` of the signature with Id `id` (default: the only
    /// one) trusting the test root, in the file's directory (detached
    /// references are relative names).
    func xmlsec1(_ file: String, id: String? = nil) throws -> (ok: Bool, output: String) {
        var arguments = ["--verify", "--enabled-key-data", "x509",
                         "--id-attr:Id", "http://uri.etsi.org/01903/v1.3.2#:SignedProperties",
                         "--id-attr:Id", "http://www.w3.org/2000/09/xmldsig#:Object",
                         "--trusted-pem", try TestBench.pki("root.pem"), "--untrusted-pem", try TestBench.pki("ca.pem")]
        if let id { arguments += ["--id-attr:Id", "Signature", "--node-id", id] }
        arguments.append(file)
        let result = try TestBench.runCapturing("/bin/sh", ["-c", "cd \"$(dirname \"$0\")\" && exec xmlsec1 \"$@\"", file] + arguments)
        let output = result.stdout + result.stderr
        return (result.status == 0 && output.hasPrefix("OK"), output)
    }

    /// The bytes `after` has in place of `before[prefix..<before.count - suffix]`
    /// when `after` is `before` with one run of bytes inserted (prefix and
    /// suffix identical, nothing of `before` lost or changed); nil otherwise.
    func insertedRun(_ before: [UInt8], _ after: [UInt8]) -> [UInt8]? {
        guard after.count > before.count else { return nil }
        var prefix = 0
        while prefix < before.count, before[prefix] == after[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < before.count - prefix, before[before.count - 1 - suffix] == after[after.count - 1 - suffix] { suffix += 1 }
        guard prefix + suffix == before.count else { return nil }
        return Array(after[prefix..<(after.count - suffix)])
    }

    /// The bytes of the ds:Signature element with Id `id`, from its start tag to its end tag.
    func signatureElement(_ bytes: [UInt8], id: String) -> [UInt8]? {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let idRange = text.range(of: "Id=\"\(id)\""),
            let start = text.range(of: "<ds:Signature ", options: .backwards, range: text.startIndex..<idRange.lowerBound),
            let end = text.range(of: "</ds:Signature>", range: idRange.upperBound..<text.endIndex)
        else { return nil }
        return Array(text[start.lowerBound..<end.upperBound].utf8)
    }

    /// Local names of the UnsignedSignatureProperties' children, as lxml reads them.
    func unsignedProperties(_ file: String, index: Int? = nil) throws -> [String] {
        let all = try XAdESCheck.signatures(URL(fileURLWithPath: file))
        return try XCTUnwrap(index.map { all[$0] } ?? all.last).unsignedSignatureProperties
    }

    /// What every extension must give: `podpis verify` offline TOTAL-PASSED at
    /// `level`, xmlsec1 and the schemas, and one inserted run of bytes holding
    /// `inserted` (element names) into the unchanged `input`.
    func checkExtended(
        _ output: String, from input: String, level: String, inserted: [String], detached: [String] = [], id: String? = nil,
        _ context: String, file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let verified = try verify(output, extra: detached.flatMap { ["--detached", $0] })
        if id == nil {  // else other signatures may need more than the file carries
            XCTAssertEqual(verified.status, 0, "\(context): \(verified.output)", file: file, line: line)
        }
        let chosen = signatures(verified.report).first { id == nil || $0["id"] as? String == id }
        XCTAssertEqual(chosen?["level"] as? String, level, "\(context): \(verified.output)", file: file, line: line)
        XCTAssertEqual(chosen?["indication"] as? String, "TOTAL-PASSED", "\(context): \(verified.output)", file: file, line: line)

        let xmlsec = try xmlsec1(output, id: id)
        XCTAssertTrue(xmlsec.ok, "\(context): xmlsec1: \(xmlsec.output)", file: file, line: line)
        let index = try id.map { id in try XAdESCheck.signatures(URL(fileURLWithPath: output)).firstIndex { $0.id == id } ?? -1 }
        let schema = try XAdESCheck.schema(URL(fileURLWithPath: output), index: index)
        XCTAssertTrue(schema.ok, "\(context): schema: \(schema.json)", file: file, line: line)

        let run = insertedRun(try bytes(input), try bytes(output))
        XCTAssertNotNil(run, "\(context): the output is not the input with one run of bytes inserted", file: file, line: line)
        let text = String(decoding: run ?? [], as: UTF8.self)
        for name in inserted {
            XCTAssertTrue(text.contains(name), "\(context): \(name) is not in the inserted bytes", file: file, line: line)
        }
        XCTAssertFalse(text.contains("Signature "), "\(context): the inserted bytes hold a signature element", file: file, line: line)
    }

    /// The archive time-stamp number `stamp` of `file`: lxml rebuilds its
    /// input (every reference's octets match their DigestValue, the imprint
    /// matches) and openssl verifies the token over it, and refuses it with
    /// a digest one bit off.
    func checkArchiveTimeStamp(
        _ file: String, stamp: Int, count: Int, index: Int? = nil, _ context: String,
        file testFile: StaticString = #filePath, line: UInt = #line
    ) throws {
        let out = try TestBench.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        let rebuilt = try XAdESCheck.archiveTimestamp(URL(fileURLWithPath: file), index: index, stamp: stamp, detachedDir: directory, outDir: out)
        XCTAssertTrue(rebuilt.ok, "\(context), stamp \(stamp): \(rebuilt.json)", file: testFile, line: line)
        XCTAssertEqual(rebuilt.json["stamp_count"] as? Int, count, "\(context)", file: testFile, line: line)
        XCTAssertEqual(rebuilt.json["imprint_matches"] as? Bool, true, "\(context), stamp \(stamp): \(rebuilt.json)", file: testFile, line: line)
        let parts = rebuilt.json["parts"] as? [[String: Any]] ?? []
        let references = parts.filter { $0["reference_digest_ok"] != nil }
        XCTAssertEqual(references.count, 2, "\(context): the data and SignedProperties references: \(parts)", file: testFile, line: line)
        for part in references {
            XCTAssertEqual(part["reference_digest_ok"] as? Bool, true, "\(context): \(part)", file: testFile, line: line)
        }

        let openssl = try XAdESCheck.verifyArchiveTimestamp(URL(fileURLWithPath: file), index: index, stamp: stamp, detachedDir: directory)
        XCTAssertTrue(openssl.ok, "\(context), stamp \(stamp): openssl: \(openssl.output)", file: testFile, line: line)

        // The same token with a digest that differs in one bit: openssl says no.
        let token = try XCTUnwrap(rebuilt.json["token"] as? String)
        var digest = Array(try XCTUnwrap(rebuilt.json["input_digest_hex"] as? String))
        digest[0] = digest[0] == "0" ? "1" : "0"
        let wrong = try XAdESCheck.verifyTimestampToken(token, digest: String(digest))
        XCTAssertFalse(wrong.ok, "\(context): openssl accepted a wrong digest: \(wrong.output)", file: testFile, line: line)
        XCTAssertTrue(wrong.output.contains("message imprint mismatch"), "\(context): \(wrong.output)", file: testFile, line: line)
    }

    /// `bytes` with one letter inside the base64 text of the `occurrence`-th
    /// `element` (its middle) swapped for another letter: still base64, no
    /// longer the same value.
    func changingOneLetter(in bytes: [UInt8], of element: String, occurrence: Int = 0) throws -> [UInt8] {
        let open = Array("<\(element)>".utf8)
        var found = -1, start = 0
        for at in 0...(bytes.count - open.count) where Array(bytes[at..<(at + open.count)]) == open {
            found += 1
            if found == occurrence { start = at + open.count; break }
        }
        XCTAssertEqual(found, occurrence, "no \(element) number \(occurrence)")
        let end = try XCTUnwrap(bytes[start...].firstIndex(of: UInt8(ascii: "<")))
        var at = start + (end - start) / 2
        while !(UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(bytes[at]) && !(UInt8(ascii: "a")...UInt8(ascii: "z")).contains(bytes[at]) {
            at += 1
        }
        var changed = bytes
        changed[at] = bytes[at] == UInt8(ascii: "Q") ? UInt8(ascii: "R") : UInt8(ascii: "Q")
        return changed
    }

    // MARK: - Each packaging with each key

    /// B-T → B-LT, B-T → B-LTA → B-LTA again, every step checked; then one
    /// letter of an OCSP answer under both archive time-stamps changed.
    func checkLongTerm(_ key: Key, packaging: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let context = "\(key.rawValue), \(packaging)"
        let document = try document()
        let detached = packaging == "detached" ? [document] : []
        let extra = detached.flatMap { ["--detached", $0] }
        let bt = try sign(document, key: key, packaging: packaging, output: "z-BT.xml")
        XCTAssertEqual(try unsignedProperties(bt), ["SignatureTimeStamp"], context, file: file, line: line)

        // B-LT.
        let lt = try extend(bt, to: "B-LT", output: "z-LT.xml", extra: extra, file: file, line: line)
        try checkExtended(lt, from: bt, level: "XAdES-BASELINE-LT", inserted: ["xades:CertificateValues", "xades:RevocationValues"],
                          detached: detached, "\(context), B-LT", file: file, line: line)
        XCTAssertEqual(try unsignedProperties(lt), ["SignatureTimeStamp", "CertificateValues", "RevocationValues"], context, file: file, line: line)

        // B-LTA, a second later than B-LT's revocation data (in the cache,
        // taken again): renewing it must add newer data, and can tell what
        // is newer (see testARenewalAddsNewerDataWhenTheFirstDataIsFromTheArchiveTimeStampsSecond).
        Thread.sleep(forTimeInterval: 1.1)
        let lta = try extend(bt, to: "B-LTA", output: "z-LTA.xml", extra: extra, file: file, line: line)
        try checkExtended(lta, from: bt, level: "XAdES-BASELINE-LTA",
                          inserted: ["xades:CertificateValues", "xades:RevocationValues", "xades141:ArchiveTimeStamp"],
                          detached: detached, "\(context), B-LTA", file: file, line: line)
        XCTAssertEqual(try unsignedProperties(lta), ["SignatureTimeStamp", "CertificateValues", "RevocationValues", "ArchiveTimeStamp"],
                       context, file: file, line: line)
        try checkArchiveTimeStamp(lta, stamp: 0, count: 1, "\(context), B-LTA", file: file, line: line)

        // B-LTA again: the last time-stamp's validation data and a second archive time-stamp.
        let lta2 = try extend(lta, to: "B-LTA", output: "z-LTA2.xml", extra: extra, file: file, line: line)
        try checkExtended(lta2, from: lta, level: "XAdES-BASELINE-LTA",
                          inserted: ["xades141:TimeStampValidationData", "xades141:ArchiveTimeStamp"],
                          detached: detached, "\(context), B-LTA renewed", file: file, line: line)
        XCTAssertEqual(try unsignedProperties(lta2), ["SignatureTimeStamp", "CertificateValues", "RevocationValues", "ArchiveTimeStamp",
                                                      "TimeStampValidationData", "ArchiveTimeStamp"], context, file: file, line: line)
        try checkArchiveTimeStamp(lta2, stamp: 0, count: 2, "\(context), B-LTA renewed", file: file, line: line)
        try checkArchiveTimeStamp(lta2, stamp: 1, count: 2, "\(context), B-LTA renewed", file: file, line: line)
        try checkCarriedRevocationData(lta2, "\(context), B-LTA renewed", file: file, line: line)

        // One letter of the first OCSP answer (under both archive time-stamps) changed.
        try Data(try changingOneLetter(in: try bytes(lta2), of: "xades:EncapsulatedOCSPValue")).write(to: url("z-LTA2-changed.xml"))
        try checkChangedUnderArchiveTimeStamps(path("z-LTA2-changed.xml"), stamps: 2, detached: detached, context, file: file, line: line)
    }

    /// Every OCSP answer the file carries (RevocationValues and
    /// TimeStampValidationData) passes `openssl ocsp -respin` against the
    /// bench's root, every CRL `openssl crl`; the renewal carries newer answers, so more than two.
    func checkCarriedRevocationData(_ file: String, _ context: String, file source: StaticString = #filePath, line: UInt = #line) throws {
        let answers = try base64Values(file, of: "xades:EncapsulatedOCSPValue")
        let lists = try base64Values(file, of: "xades:EncapsulatedCRLValue")
        XCTAssertGreaterThan(answers.count, 2, context, file: source, line: line)
        XCTAssertGreaterThan(lists.count, 0, context, file: source, line: line)
        for (index, der) in answers.enumerated() {
            let answer = url("carried-ocsp-\(index).der")
            try der.write(to: answer)
            let checked = try TestBench.runCapturing("openssl", ["ocsp", "-respin", answer.path, "-CAfile", try TestBench.pki("root.pem")])
            XCTAssertTrue(checked.status == 0 && (checked.stdout + checked.stderr).contains("Response verify OK"),
                          "\(context), OCSP \(index): \(checked.stdout) \(checked.stderr)", file: source, line: line)
        }
        for (index, der) in lists.enumerated() {
            let list = url("carried-crl-\(index).der")
            try der.write(to: list)
            let checked = try TestBench.runCapturing("openssl", ["crl", "-inform", "DER", "-in", list.path, "-noout", "-CAfile", try TestBench.pki("root.pem")])
            XCTAssertTrue(checked.status == 0 && (checked.stdout + checked.stderr).contains("verify OK"),
                          "\(context), CRL \(index): \(checked.stdout) \(checked.stderr)", file: source, line: line)
        }
    }

    /// A file changed under its archive time-stamps: lxml finds every imprint
    /// different, openssl refuses every token over the rebuilt input, and
    /// `podpis verify` reports each archive time-stamp as TOTAL-FAILED/HASH_FAILURE.
    /// Returns the report of the changed signature.
    @discardableResult
    func checkChangedUnderArchiveTimeStamps(
        _ changed: String, stamps: Int, detached: [String] = [], _ context: String,
        file: StaticString = #filePath, line: UInt = #line
    ) throws -> (signature: [String: Any], output: String) {
        let out = try TestBench.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        for stamp in 0..<stamps {
            let rebuilt = try XAdESCheck.archiveTimestamp(URL(fileURLWithPath: changed), stamp: stamp, detachedDir: directory, outDir: out)
            XCTAssertFalse(rebuilt.ok, "\(context), changed, stamp \(stamp): \(rebuilt.json)", file: file, line: line)
            XCTAssertEqual(rebuilt.json["imprint_matches"] as? Bool, false, "\(context), changed: \(rebuilt.json)", file: file, line: line)
            let openssl = try XAdESCheck.verifyArchiveTimestamp(URL(fileURLWithPath: changed), stamp: stamp, detachedDir: directory)
            XCTAssertFalse(openssl.ok, "\(context), changed, stamp \(stamp): openssl: \(openssl.output)", file: file, line: line)
        }
        let verified = try verify(changed, extra: detached.flatMap { ["--detached", $0] })
        let signature = signatures(verified.report).first ?? [:]
        let archive = (signature["timeStamps"] as? [[String: Any]] ?? []).filter { $0["kind"] as? String == "ARCHIVE_TIMESTAMP" }
        XCTAssertEqual(archive.count, stamps, "\(context), changed: \(verified.output)", file: file, line: line)
        for stamp in archive {
            XCTAssertEqual(stamp["indication"] as? String, "TOTAL-FAILED", "\(context), changed: \(stamp)", file: file, line: line)
            XCTAssertEqual(stamp["subIndication"] as? String, "HASH_FAILURE", "\(context), changed: \(stamp)", file: file, line: line)
        }
        return (signature, verified.output)
    }

    func testEnvelopedPersonEC() throws { try checkLongTerm(.personEC, packaging: "enveloped") }

    func testEnvelopedSeal() throws { try checkLongTerm(.seal, packaging: "enveloped") }

    func testEnvelopingPersonEC() throws { try checkLongTerm(.personEC, packaging: "enveloping") }

    func testEnvelopingSeal() throws { try checkLongTerm(.seal, packaging: "enveloping") }

    func testDetachedPersonEC() throws { try checkLongTerm(.personEC, packaging: "detached") }

    func testDetachedSeal() throws { try checkLongTerm(.seal, packaging: "detached") }

    /// A text file enveloped (its reference takes the base64 transform) becomes B-LTA.
    func testEnvelopingATextFileWithTheBase64Transform() throws {
        let text = path("decyzja.txt")
        try Data("Decyzja nr 3/2026\nZaświadcza się.\n".utf8).write(to: URL(fileURLWithPath: text))
        let bt = try sign(text, key: .seal, packaging: "enveloping", output: "d-BT.xml")
        let info = try XCTUnwrap(try XAdESCheck.signatures(URL(fileURLWithPath: bt)).first)
        XCTAssertEqual(info.references.first?.transforms.map(\.algorithm), ["http://www.w3.org/2000/09/xmldsig#base64"])
        let lta = try extend(bt, to: "B-LTA", output: "d-LTA.xml")
        try checkExtended(lta, from: bt, level: "XAdES-BASELINE-LTA",
                          inserted: ["xades:CertificateValues", "xades:RevocationValues", "xades141:ArchiveTimeStamp"], "base64 enveloping")
        try checkArchiveTimeStamp(lta, stamp: 0, count: 1, "base64 enveloping")
    }

    // MARK: - A byte changed under the archive time-stamp

    /// One letter changed inside an OCSP answer or a certificate of
    /// CertificateValues after the archive time-stamps: the signature must
    /// no longer pass, and the report names the archive time-stamp.
    /// One letter changed under both archive time-stamps, in data the
    /// signature's validity does not rest on (the renewal carries newer OCSP
    /// answers): the signature is still valid on what holds (EN 319 102-1:
    /// a failed time-stamp is no proof of anything and is not used), but the
    /// file is no longer B-LTA: the level says so, each archive time-stamp
    /// is HASH_FAILURE, and a warning names them.
    func testAByteChangedUnderTheArchiveTimeStampFailsTheLTALevelNamingIt() throws {
        let bt = try sign(try document(), key: .personEC, output: "z-BT.xml")
        _ = try extend(bt, to: "B-LT", output: "z-LT.xml")
        Thread.sleep(forTimeInterval: 1.1)
        let lta = try extend(bt, to: "B-LTA", output: "z-LTA.xml")
        let lta2 = try extend(lta, to: "B-LTA", output: "z-LTA2.xml")
        XCTAssertEqual(try unsignedProperties(lta2).filter { $0 == "TimeStampValidationData" }.count, 1)
        XCTAssertEqual(try verify(lta2).report["indication"] as? String, "TOTAL-PASSED")
        XCTAssertEqual(signatures(try verify(lta2).report).first?["level"] as? String, "XAdES-BASELINE-LTA")
        let original = try bytes(lta2)
        for (element, name) in [("xades:EncapsulatedOCSPValue", "ocsp"), ("xades:EncapsulatedX509Certificate", "certificate")] {
            try Data(try changingOneLetter(in: original, of: element)).write(to: url("changed-\(name).xml"))
            let (signature, output) = try checkChangedUnderArchiveTimeStamps(path("changed-\(name).xml"), stamps: 2, "one letter of \(element)")
            XCTAssertEqual(signature["level"] as? String, "XAdES-BASELINE-LT", "one letter of \(element): \(output)")
            let notes = (signature["checks"] as? [[String: Any]] ?? []).filter { $0["name"] as? String == "format-note" }.compactMap { $0["detail"] as? String }
            XCTAssertEqual(notes.filter { $0.hasPrefix("ArchiveTimeStamp Id=") && $0.contains("changed after it was made") }.count, 2, "\(notes)")
            // The readable report names them too.
            let readable = try podpis(["verify", path("changed-\(name).xml"), "--revocation-cache", path("empty")] + (try trust))
            XCTAssertTrue(readable.stdout.contains("Time-stamp (ARCHIVE_TIMESTAMP)") && readable.stdout.contains("HASH_FAILURE"), readable.stdout)
            XCTAssertTrue(readable.stdout.contains("XAdES-BASELINE-LT") && !readable.stdout.contains("XAdES-BASELINE-LTA"), readable.stdout)
        }
    }

    // MARK: - Renewal

    /// The base64 texts of every `element` in `file`.
    func base64Values(_ file: String, of element: String) throws -> [Data] {
        let text = String(decoding: try bytes(file), as: UTF8.self)
        return text.components(separatedBy: "<\(element)>").dropFirst().compactMap { piece in
            piece.split(separator: "<", maxSplits: 1).first.flatMap { Data(base64Encoded: String($0)) }
        }
    }

    /// openssl's reading of a time in its output after `label` (e.g. "Produced At: Dec  7 02:37:44 2026 GMT").
    func opensslTime(_ output: String, after label: String) -> String? {
        output.components(separatedBy: "\n").first { $0.contains(label) }?
            .components(separatedBy: label).last?.trimmingCharacters(in: .whitespaces)
    }

    /// producedAt of every OCSP answer `file` carries, and the genTime of its
    /// last archive time-stamp, as openssl prints them (one-second precision).
    func ocspAndArchiveTimes(_ file: String) throws -> (ocsp: [String], archive: String) {
        let out = try TestBench.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        var produced: [String] = []
        for (number, der) in try base64Values(file, of: "xades:EncapsulatedOCSPValue").enumerated() {
            let answer = out.appendingPathComponent("ocsp-\(number).der")
            try der.write(to: answer)
            let text = try TestBench.runCapturing("openssl", ["ocsp", "-respin", answer.path, "-resp_text", "-noverify"])
            produced.append(try XCTUnwrap(opensslTime(text.stdout, after: "Produced At:"), text.stdout + text.stderr))
        }
        let rebuilt = try XAdESCheck.archiveTimestamp(URL(fileURLWithPath: file), detachedDir: directory, outDir: out)
        let token = try XCTUnwrap(rebuilt.json["token"] as? String, "\(rebuilt.json)")
        let text = try TestBench.runCapturing("openssl", ["ts", "-reply", "-in", token, "-token_in", "-text"])
        return (produced, try XCTUnwrap(opensslTime(text.stdout, after: "Time stamp:"), text.stdout + text.stderr))
    }

    /// The first B-LTA from an empty cache fetches the OCSP answers and asks
    /// for the archive time-stamp within moments, often in the same second.
    /// Those answers are under that archive time-stamp, so they are older than
    /// it whatever producedAt says to the second: renewing must still add
    /// revocation data newer than it (xades141:TimeStampValidationData).
    func testARenewalAddsNewerDataWhenTheFirstDataIsFromTheArchiveTimeStampsSecond() throws {
        let bt = try sign(try document(), key: .personEC, output: "z-BT.xml")
        var found: (lta: String, cache: String)? = nil
        for attempt in 1...5 where found == nil {
            let cache = "cache-\(attempt)"
            let lta = try extend(bt, to: "B-LTA", output: "z-LTA-\(attempt).xml", cache: cache)
            let times = try ocspAndArchiveTimes(lta)
            XCTAssertFalse(times.ocsp.isEmpty)
            if times.ocsp.allSatisfy({ $0 == times.archive }) { found = (lta, cache) }
        }
        let (lta, cache) = try XCTUnwrap(found, "no attempt fetched its OCSP answers in the archive time-stamp's second")
        let renewed = try extend(lta, to: "B-LTA", output: "z-LTA-renewed.xml", cache: cache)
        XCTAssertEqual(try unsignedProperties(renewed), ["SignatureTimeStamp", "CertificateValues", "RevocationValues", "ArchiveTimeStamp",
                                                         "TimeStampValidationData", "ArchiveTimeStamp"],
                       "the renewal added no revocation data newer than the first archive time-stamp")
        let times = try ocspAndArchiveTimes(lta)
        let renewedTimes = try ocspAndArchiveTimes(renewed)
        XCTAssertGreaterThan(renewedTimes.ocsp.count, times.ocsp.count, "no OCSP answer was added: \(renewedTimes.ocsp)")
    }

    // MARK: - Parallel signatures

    /// An enveloped document signed twice; only the first signature is
    /// extended (`--signature ID`): the second one's bytes are unchanged and
    /// both still verify.
    func testOnlyTheChosenParallelSignatureIsExtended() throws {
        let once = try sign(try document(), key: .personEC, output: "z-1.xml")
        let twice = try sign(once, key: .seal, output: "z-2.xml")
        let before = try verify(twice, offline: false)
        let ids = signatures(before.report).compactMap { $0["id"] as? String }
        XCTAssertEqual(ids.count, 2, before.output)
        XCTAssertEqual(before.report["indication"] as? String, "TOTAL-PASSED", before.output)
        let (first, second) = (try XCTUnwrap(ids.first), try XCTUnwrap(ids.last))

        let lta = try extend(twice, to: "B-LTA", output: "z-2-LTA.xml", extra: ["--signature", first])
        try checkExtended(lta, from: twice, level: "XAdES-BASELINE-LTA",
                          inserted: ["xades:CertificateValues", "xades:RevocationValues", "xades141:ArchiveTimeStamp"], id: first,
                          "parallel, the first signature")
        let secondBefore = try XCTUnwrap(signatureElement(try bytes(twice), id: second))
        let secondAfter = try XCTUnwrap(signatureElement(try bytes(lta), id: second))
        XCTAssertEqual(secondAfter, secondBefore, "the other signature's bytes changed")
        XCTAssertEqual(try unsignedProperties(lta, index: 1), ["SignatureTimeStamp"])

        // Both verify: podpis (the untouched B-T with the network), xmlsec1, the time-stamps.
        let after = try verify(lta, offline: false)
        XCTAssertEqual(after.report["indication"] as? String, "TOTAL-PASSED", after.output)
        let levels = Dictionary(uniqueKeysWithValues: signatures(after.report).map { ($0["id"] as? String ?? "", $0["level"] as? String ?? "") })
        XCTAssertEqual(levels, [first: "XAdES-BASELINE-LTA", second: "XAdES-BASELINE-T"])
        for id in [first, second] {
            let xmlsec = try xmlsec1(lta, id: id)
            XCTAssertTrue(xmlsec.ok, "xmlsec1 \(id): \(xmlsec.output)")
        }
        let secondStamp = try XAdESCheck.verifyTimestamp(URL(fileURLWithPath: lta), index: 1)
        XCTAssertTrue(secondStamp.ok, secondStamp.output)
        try checkArchiveTimeStamp(lta, stamp: 0, count: 1, index: 0, "parallel")
        // lxml's archive time-stamp input leaves both signatures out of the document, as the XPath filter says.
        let out = try TestBench.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        let rebuilt = try XAdESCheck.archiveTimestamp(URL(fileURLWithPath: lta), index: 0, outDir: out)
        let documentPart = try XCTUnwrap((rebuilt.json["parts"] as? [[String: Any]])?.first)
        XCTAssertEqual(documentPart["sha256"] as? String,
                       try OpenSSL.hexDigest("sha256", Data("<Zaswiadczenie><Nr>12/2026</Nr><Tresc>Zaświadcza się, że…</Tresc></Zaswiadczenie>".utf8)))
    }
}
