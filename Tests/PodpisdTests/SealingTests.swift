import Foundation
import TestBench
import XCTest

/// `podpis seal`: a thousand zaświadczenia with the office seal on SoftHSM,
/// every output verified by xmlsec1 / openssl; `kill -9` in the middle and a
/// second run seal each document exactly once, and the journal and the
/// audit trail agree on every document.
final class SealingTests: BenchTestCase {
    static var podpis: String { TestBench.product("podpis") }

    /// The id of the bench's seal certificate (the first 16 hex digits of its DER's SHA-256).
    static func sealID() throws -> String {
        String(try OpenSSL.certificateSHA256("seal").prefix(16))
    }

    /// A configuration with profile `zaswiadczenia` and its PIN in a 0600 file.
    func configuration(_ dir: URL, extra: String = "") throws -> String {
        let pin = try SealProfileTOML.writePINFile(dir.appendingPathComponent("seal.pin").path, pin: env["PODPIS_SEAL_PIN"]!)
        return try SealProfileTOML.writeLocal(in: dir, certificate: try Self.sealID(), """
            sessions = 4
            pin_file = "\(pin)"
            \(extra)
            """)
    }

    /// `count` zaświadczenia of ~10 KB: half XML, half PDF.
    static func documents(_ dir: URL, count: Int) throws -> URL {
        let input = dir.appendingPathComponent("in")
        try FileManager.default.createDirectory(at: input, withIntermediateDirectories: true)
        for index in 0..<count {
            let filler = String(repeating: "Zaświadcza się, że wnioskodawca nie zalega z opłatami. ", count: 170)
            if index % 2 == 0 {
                let xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<zaswiadczenie xmlns=\"urn:gmina:testowo\" nr=\"\(index)/2026\"><tresc>\(filler)</tresc></zaswiadczenie>\n"
                try Data(xml.utf8).write(to: input.appendingPathComponent(String(format: "zaswiadczenie-%04d.xml", index)))
            } else {
                let pdf = "%PDF-1.7\n% zaświadczenie \(index)\n\(filler)\n%%EOF\n"
                try Data(pdf.utf8).write(to: input.appendingPathComponent(String(format: "zaswiadczenie-%04d.pdf", index)))
            }
        }
        return input
    }

    /// `podpis seal --local --json` of `input` into `out`, with the profile `zaswiadczenia` of `config`.
    static func localSealArguments(_ config: String, _ input: URL, out: URL) -> [String] {
        ["seal", "--profile", "zaswiadczenia", "--config", config, "--local", "--out", out.path, "--json", input.path]
    }

    func testAThousandZaswiadczeniaSealedVerifiedAndAKill9ResumesSealingEachOnce() throws {
        let dir = try scratchDirectory()
        let config = try configuration(dir)
        let input = try Self.documents(dir, count: 1000)
        let out = dir.appendingPathComponent("out")
        let arguments = Self.localSealArguments(config, input, out: out)

        // First run, killed with SIGKILL once a fifth is done.
        let first = try Background.start(Self.podpis, arguments, output: dir.appendingPathComponent("first.log").path)
        XCTAssertTrue(TestBench.waitUntil(timeout: 60) { SealOutputs.names(in: out).count >= 200 }, "the first run did not get going")
        kill(first, SIGKILL)
        _ = TestBench.reap(first, within: 30)
        let afterKill = SealOutputs.names(in: out).count
        XCTAssertLessThan(afterKill, 1000, "killed before the end")

        // Second run: the rest, nothing twice.
        let second = try TestBench.runCapturing(Self.podpis, arguments, environment: ["LANG": "en_US.UTF-8"])
        XCTAssertEqual(second.status, 0, second.stderr)
        let summary = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(second.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(summary["schema"] as? String, "podpis.seal/1")
        XCTAssertEqual(summary["total"] as? Int, 1000)
        XCTAssertEqual(summary["failed"] as? Int, 0)
        XCTAssertEqual((summary["sealed"] as? Int ?? 0) + (summary["skipped"] as? Int ?? 0), 1000)
        XCTAssertGreaterThanOrEqual(summary["skipped"] as? Int ?? 0, afterKill)

        // Exactly one output per document, no temporary left.
        let names = SealOutputs.names(in: out)
        XCTAssertEqual(names.count, 1000)
        XCTAssertEqual(Set(names), Set((0..<1000).map { String(format: "zaswiadczenie-%04d.", $0) + ($0 % 2 == 0 ? "xml.xades" : "pdf.p7s") }))
        let hidden = ((try? FileManager.default.contentsOfDirectory(atPath: out.path)) ?? []).filter { $0.hasPrefix(".") }
        XCTAssertEqual(hidden, [".podpis-seal-journal.jsonl"], "no temporary output left behind")

        // Every output verifies, over exactly its document.
        try SealOutputs.verifyEach(names, in: out, over: input)

        // The journal and the audit trail agree: each document sealed once, with its digest.
        let journaled = try SealOutputs.journaled(out.appendingPathComponent(".podpis-seal-journal.jsonl").path)
        let audited = try SealOutputs.audited(dir.appendingPathComponent("audit.jsonl").path)
        XCTAssertEqual(journaled.count, 1000)
        XCTAssertEqual(audited, journaled, "the journal and the audit trail agree on every document")
        try SealOutputs.assertDigests(journaled, of: input)
    }

    func testABrokenDocumentDoesNotStopTheOthers() throws {
        let dir = try scratchDirectory()
        let config = try configuration(dir, extra: "max_document_mib = 1")
        let input = try Self.documents(dir, count: 4)
        try Data("<zaswiadczenie><niedomkniete>".utf8).write(to: input.appendingPathComponent("zepsuty.xml"))
        try Data("<!DOCTYPE z [<!ENTITY a \"aaaa\"><!ENTITY b \"&a;&a;&a;\">]><z>&b;</z>".utf8).write(to: input.appendingPathComponent("encje.xml"))
        try Data(count: 2 << 20).write(to: input.appendingPathComponent("duzy.pdf"))
        let out = dir.appendingPathComponent("out")
        let result = try TestBench.runCapturing(Self.podpis, Self.localSealArguments(config, input, out: out))
        XCTAssertEqual(result.status, 12, result.stderr)
        let summary = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(summary["sealed"] as? Int, 4)
        XCTAssertEqual(summary["failed"] as? Int, 3)
        let failures = (summary["results"] as? [[String: Any]] ?? []).filter { $0["state"] as? String == "failed" }
        let codes = Dictionary(uniqueKeysWithValues: failures.map { ($0["name"] as? String ?? "", $0["code"] as? String ?? "") })
        XCTAssertEqual(codes["duzy.pdf"], "too-large")
        XCTAssertTrue(codes["zepsuty.xml"]?.hasPrefix("xml-") ?? false, "\(codes)")
        XCTAssertTrue(codes["encje.xml"]?.hasPrefix("xml-") ?? false, "\(codes)")
        XCTAssertEqual(SealOutputs.names(in: out).count, 4, "outputs only for the good ones")
    }

    /// A podpisd whose profile `zaswiadczenia` has a hot folder under `base/hot`
    /// (`extra` in that profile), up once its inbox exists. Its key: the
    /// bench's seal, or `certificate` (an id) with `pin`.
    static func hotFolderDaemon(
        env: [String: String], base: URL, certificate: String? = nil, pin secret: String? = nil, extra: String = ""
    ) throws -> Daemon {
        let pin = try SealProfileTOML.writePINFile(base.appendingPathComponent("seal.pin").path, pin: secret ?? env["PODPIS_SEAL_PIN"]!)
        let hot = base.appendingPathComponent("hot")
        let daemon = try Daemon(extraSections: """
            [seal.zaswiadczenia]
            certificate = "\(try certificate ?? Self.sealID())"
            sessions = 2
            pin_file = "\(pin)"
            inbox = "\(hot.appendingPathComponent("inbox").path)"
            outbox = "\(hot.appendingPathComponent("outbox").path)"
            done = "\(hot.appendingPathComponent("done").path)"
            failed = "\(hot.appendingPathComponent("failed").path)"
            \(extra)
            """)
        XCTAssertTrue(TestBench.waitUntil(timeout: 10) { FileManager.default.fileExists(atPath: hot.appendingPathComponent("inbox").path) }, daemon.logText)
        return daemon
    }

    func testTheHotFolderSealsCompleteDocumentsAndSortsOriginalsIntoDoneAndFailed() throws {
        let base = try scratchDirectory()
        func folder(_ name: String) -> URL { base.appendingPathComponent("hot").appendingPathComponent(name) }
        let daemon = try Self.hotFolderDaemon(env: env, base: base)

        // One document still being written: half now, the rest in 4 s, open all the while.
        let slowScript = base.appendingPathComponent("slow.py").path
        try Data("""
            import sys, time
            with open(sys.argv[1], "w") as f:
                f.write('<?xml version="1.0" encoding="UTF-8"?>\\n<zaswiadczenie nr="slow"><tresc>pierwsza połowa ')
                f.flush()
                time.sleep(4)
                f.write('druga połowa KONIEC</tresc></zaswiadczenie>\\n')
            """.utf8).write(to: URL(fileURLWithPath: slowScript))
        let writer = try Background.start("/usr/bin/python3", [slowScript, folder("inbox").appendingPathComponent("slow.xml").path],
                                          output: base.appendingPathComponent("slow.log").path)
        try Data("<?xml version=\"1.0\"?>\n<zaswiadczenie nr=\"1\"><tresc>Zaświadcza się</tresc></zaswiadczenie>\n".utf8)
            .write(to: folder("inbox").appendingPathComponent("a.xml"))
        try Data("%PDF-1.7\n% zaświadczenie 2\n%%EOF\n".utf8).write(to: folder("inbox").appendingPathComponent("b.pdf"))
        try Data("<zaswiadczenie><niedomkniete>".utf8).write(to: folder("inbox").appendingPathComponent("c.xml"))

        XCTAssertTrue(TestBench.waitUntil(timeout: 20) {
            FileManager.default.fileExists(atPath: folder("done").appendingPathComponent("a.xml").path)
                && FileManager.default.fileExists(atPath: folder("done").appendingPathComponent("b.pdf").path)
                && FileManager.default.fileExists(atPath: folder("failed").appendingPathComponent("c.xml.reason.txt").path)
        }, daemon.logText)
        XCTAssertEqual(kill(writer, 0), 0, "the writer is still writing")
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder("inbox").appendingPathComponent("slow.xml").path), "not taken while being written")
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder("outbox").appendingPathComponent("slow.xml.xades").path))
        let reason = try String(contentsOf: folder("failed").appendingPathComponent("c.xml.reason.txt"), encoding: .utf8)
        XCTAssertTrue(reason.hasPrefix("xml-malformed"), reason)
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder("failed").appendingPathComponent("c.xml").path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder("outbox").appendingPathComponent("c.xml.xades").path))

        XCTAssertNotNil(TestBench.reap(writer, within: 60), "the slow writer ends")
        TestBench.stop(writer, grace: 0)
        XCTAssertTrue(TestBench.waitUntil(timeout: 20) {
            FileManager.default.fileExists(atPath: folder("done").appendingPathComponent("slow.xml").path)
        }, daemon.logText)
        XCTAssertEqual(Set(SealOutputs.names(in: folder("outbox"))), ["a.xml.xades", "b.pdf.p7s", "slow.xml.xades"])
        XCTAssertEqual(SealOutputs.names(in: folder("inbox")), [])
        // Each seal over its original, now in done/.
        try SealOutputs.verifyEach(["a.xml.xades", "slow.xml.xades", "b.pdf.p7s"], in: folder("outbox"), over: folder("done"))
        XCTAssertTrue(try String(contentsOf: folder("outbox").appendingPathComponent("slow.xml.xades"), encoding: .utf8).contains("druga połowa KONIEC"),
                      "sealed complete, not half")
        let trail = try String(contentsOfFile: daemon.auditFile, encoding: .utf8)
        XCTAssertEqual(trail.split(separator: "\n").count, 4, "three sealed and one failed, each in the audit trail")
        // Each line says the form the document was meant for: the broken XML
        // too (it once said cades/detached, the form of the other files).
        var forms: [String: String] = [:]
        for line in trail.split(separator: "\n") {
            guard let entry = (try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["entry"] as? [String: Any],
                let name = (entry["documents"] as? [[String: Any]])?.first?["name"] as? String
            else { continue }
            forms[name] = "\(entry["result"] ?? "?") \(entry["format"] ?? "?")/\(entry["packaging"] ?? "?")"
        }
        XCTAssertEqual(forms, [
            "a.xml": "signed xades/enveloped", "b.pdf": "signed cades/detached", "slow.xml": "signed xades/enveloped",
            "c.xml": "failed xades/enveloped",
        ], trail)
    }
}
