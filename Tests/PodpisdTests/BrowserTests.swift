import Foundation
import TestBench
import XCTest

/// A real browser as the client: Debian's headless Chromium opens the demo
/// EZD page (web/demo, which uses only web/podpis/podpis.js) and talks to a
/// real podpisd on the bench, with the scripted agent answering as the clerk
/// would. Tests/Tools/browser_e2e.py drives the browser (Selenium through
/// Debian's chromedriver) and reports what the page showed; the files the
/// page downloaded are checked by xmlsec1 and openssl.
///
/// The page is `https://ezd.testowo.example:PORT`, an origin Chromium treats
/// as public (its address-space override), so Local Network Access applies
/// to its calls to 127.0.0.1 as for an EZD on the Internet: the tests give
/// it the permission through the DevTools protocol, or a managed policy, or
/// nothing. Screenshots stay in `.build/test-artefacts/browser/`.
final class BrowserTests: BenchTestCase {
    struct Page {
        let origin: String
        let port: Int
        let out: URL
    }

    static var artefacts: URL {
        TestBench.repositoryRoot.appendingPathComponent(".build/test-artefacts/browser", isDirectory: true)
    }

    func newPage() throws -> Page {
        let port = TestBench.freeTCPPort()
        return Page(origin: "https://ezd.testowo.example:\(port)", port: port, out: try scratchDirectory())
    }

    /// The daemon's `[verification]`: the bench's test trusted lists (for the
    /// qualification) and its OCSP/CRL services on loopback (for the verdict).
    func verificationSection() throws -> String {
        let cache = try scratchDirectory().appendingPathComponent("tl").path
        try FileManager.default.createDirectory(atPath: cache, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: env["PODPIS_TL_DIR"]! + "/EU-TEST-LOTL.xml", toPath: cache + "/EU.xml")
        try FileManager.default.copyItem(atPath: env["PODPIS_TL_DIR"]! + "/PL-TEST-TL.xml", toPath: cache + "/PL.xml")
        return """
            [verification]
            trust = ["\(try TestBench.pki("root.pem"))"]
            trusted_lists = "\(cache)"
            lotl_pins = "\(env["PODPIS_TEST_LOTL_PINNED_CERT"]!)"
            online = true
            allow_addresses = ["127.0.0.1/32"]
            """
    }

    /// Runs one scenario of browser_e2e.py and returns its report.
    func browse(_ scenario: String, _ daemon: Daemon, _ page: Page, _ arguments: [String] = [], screenshot: String? = nil) throws -> [String: Any] {
        var all = [
            TestBench.repositoryRoot.appendingPathComponent("Tests/Tools/browser_e2e.py").path, scenario,
            "--podpisd", "http://127.0.0.1:\(daemon.port)", "--page-port", String(page.port), "--out", page.out.path,
        ] + arguments
        if let screenshot {
            try FileManager.default.createDirectory(at: Self.artefacts, withIntermediateDirectories: true)
            all += ["--screenshot", screenshot]
        }
        let pythonPath = env["PODPIS_BROWSER_PYDIR"] ?? TestBench.repositoryRoot.appendingPathComponent(".testbed/py-browser").path
        let result = try TestBench.runCapturing("/usr/bin/env", ["PYTHONPATH=\(pythonPath)", "/usr/bin/python3"] + all)
        if let screenshot {
            let made = page.out.appendingPathComponent(screenshot)
            let kept = Self.artefacts.appendingPathComponent(screenshot)
            try? FileManager.default.removeItem(at: kept)
            try? FileManager.default.copyItem(at: made, to: kept)
        }
        guard result.status == 0, let report = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] else {
            XCTFail("browser_e2e.py \(scenario): exit \(result.status)\n\(result.stdout)\n\(result.stderr)")
            return [:]
        }
        XCTAssertNil(report["driverError"], "\(report)")
        return report
    }

    func pageFacts(_ report: [String: Any]) -> [String: Any] { report["page"] as? [String: Any] ?? [:] }

    /// Anna Nowak's qualified P-256 certificate on the bench's signer token.
    func signerID(_ daemon: Daemon) throws -> String {
        try daemon.certificateID { $0["token"] as? String == env["PODPIS_SIGNER_TOKEN"] && ($0["label"] as? String)?.contains("Anna Nowak") == true }
    }

    func document(_ dir: URL, _ name: String = "decyzja.txt") throws -> URL {
        let file = dir.appendingPathComponent(name)
        try Data("Decyzja nr 7/2026 w sprawie zaświadczenia o niezaleganiu\n".utf8).write(to: file)
        return file
    }

    func xmlsecVerifies(_ signature: URL, besides dir: URL) throws -> (ok: Bool, output: String) {
        let result = try TestBench.runCapturing("/bin/sh", ["-c", """
            cd '\(dir.path)' && xmlsec1 --verify --trusted-pem '\(try TestBench.pki("root.pem"))' --untrusted-pem '\(try TestBench.pki("ca.pem"))' \
            --enabled-key-data x509 --id-attr:Id 'http://uri.etsi.org/01903/v1.3.2#:SignedProperties' '\(signature.path)'
            """])
        return (result.status == 0 && (result.stdout + result.stderr).contains("OK"), result.stdout + result.stderr)
    }

    // MARK: - Pairing and signing from the page

    /// The page pairs (the clerk answers "always" in the agent), then signs a
    /// file chosen through the real file input: XAdES detached and CAdES
    /// attached, each download verified by someone else's tool; the page
    /// shows the holder and the verdict of /v1/verify (kept as a screenshot).
    func testAPublicPagePairsThroughTheClerkAndSignsAFileChosenInTheFileInput() throws {
        let page = try newPage()
        let daemon = try Daemon(extraSections: try verificationSection(), allowedOrigins: [])
        let agent = try ScriptedAgent(daemon, pins: [env["PODPIS_SIGNER_TOKEN"]!: env["PODPIS_SIGNER_PIN"]!], pairing: "always")
        let signer = try signerID(daemon)
        let file = try document(page.out)

        let xades = try browse("sign", daemon, page, [
            "--public", "--grant", "--certificate", signer, "--file", file.path, "--format", "xades", "--packaging", "detached",
        ], screenshot: "signed-xades-detached.png")
        let facts = pageFacts(xades)
        XCTAssertEqual(xades["connect"] as? String, "connected", "\(xades)")
        XCTAssertEqual(xades["signState"] as? String, "signed", "\(xades)")
        let pairings = agent.events.filter { $0.event == "pairing" }
        XCTAssertEqual(pairings.count, 1, "\(agent.events)")
        XCTAssertEqual((pairings.first?.data["requester"] as? [String: Any])?["origin"] as? String, page.origin, "\(agent.events)")
        XCTAssertEqual(agent.consents.count, 1)
        let downloaded = page.out.appendingPathComponent("downloads/decyzja.txt.xades")
        XCTAssertTrue(FileManager.default.fileExists(atPath: downloaded.path), "\(xades)")
        let check = try xmlsecVerifies(downloaded, besides: page.out)
        XCTAssertTrue(check.ok, check.output)
        // What the clerk sees on the page: the holder, and the verdict of
        // /v1/verify on what was just signed (qualified, from the test TL).
        let text = facts["bodyText"] as? String ?? ""
        XCTAssertTrue((facts["holder"] as? String ?? "").contains("Anna Nowak"), "\(facts)")
        XCTAssertEqual(facts["verdict"] as? String, "Podpis kwalifikowany PRAWIDŁOWY", "\(facts)")
        XCTAssertTrue(text.contains("Podpisał: Anna Nowak (PNOPL-85020254321)"), text)
        XCTAssertTrue(text.contains("Kwalifikacja: QESig"), text)
        XCTAssertTrue(FileManager.default.fileExists(atPath: Self.artefacts.appendingPathComponent("signed-xades-detached.png").path))

        // A second browser profile (nothing stored) pairs again and signs CAdES attached.
        let cadesPage = Page(origin: page.origin, port: page.port, out: try scratchDirectory())
        let cadesFile = try document(cadesPage.out)
        let cades = try browse("sign", daemon, cadesPage, [
            "--public", "--grant", "--certificate", signer, "--file", cadesFile.path, "--format", "cades", "--packaging", "enveloping",
        ])
        XCTAssertEqual(cades["signState"] as? String, "signed", "\(cades)")
        let p7s = cadesPage.out.appendingPathComponent("downloads/decyzja.txt.p7s")
        let verified = try TestBench.runCapturing("openssl", [
            "cms", "-verify", "-binary", "-inform", "DER", "-in", p7s.path, "-CAfile", try TestBench.pki("chain.pem"),
            "-purpose", "any", "-out", cadesPage.out.appendingPathComponent("content").path,
        ])
        XCTAssertEqual(verified.status, 0, verified.stderr)
        XCTAssertEqual(try Data(contentsOf: cadesPage.out.appendingPathComponent("content")), try Data(contentsOf: cadesFile))
    }

    // MARK: - Local Network Access

    /// Chromium 156 blocks a public page's call to 127.0.0.1 unless the page
    /// has the loopback-network permission: podpis.js says so with a typed
    /// error, and nothing reaches podpisd. The managed policy IT deploys
    /// (each of the two names Chromium 156 honours for loopback) lets the
    /// same page pair and sign, with no permission given by hand.
    func testWithoutLocalNetworkAccessThePageGetsATypedErrorAndTheManagedPolicyLetsItPairAndSign() throws {
        let page = try newPage()
        let daemon = try Daemon(allowedOrigins: [])
        let agent = try ScriptedAgent(daemon, pins: [env["PODPIS_SIGNER_TOKEN"]!: env["PODPIS_SIGNER_PIN"]!], pairing: "always")
        let signer = try signerID(daemon)

        let blocked = try browse("connect", daemon, page, ["--public"])
        let facts = pageFacts(blocked)
        XCTAssertEqual(blocked["connect"] as? String, "error", "\(blocked)")
        XCTAssertEqual(facts["errorCode"] as? String, "local-network-blocked", "\(facts)")
        let shown = facts["error"] as? String ?? ""
        XCTAssertTrue(shown.contains("LocalNetworkAccessAllowedForUrls") || shown.contains("sieci lokalnej"), shown)
        XCTAssertFalse(daemon.logText.contains("origin=\(page.origin)"), "nothing reached podpisd:\n\(daemon.logText)")
        XCTAssertEqual(agent.events.filter { $0.event == "pairing" }.count, 0)

        let policyDirectory = "/etc/chromium/policies/managed"
        guard (try? FileManager.default.createDirectory(atPath: policyDirectory, withIntermediateDirectories: true)) != nil,
            access(policyDirectory, W_OK) == 0
        else { throw XCTSkip("the managed policy needs root (\(policyDirectory))") }
        // The second run signs two files in one request (podpis.js's JSON form, one consent).
        for (policy, names) in [("LocalNetworkAccessAllowedForUrls", ["decyzja.txt"]), ("LoopbackNetworkAllowedForUrls", ["decyzja.txt", "załącznik.txt"])] {
            let file = "\(policyDirectory)/podpis-test-\(UUID().uuidString).json"
            try Data("{\"\(policy)\": [\"\(page.origin)\"]}\n".utf8).write(to: URL(fileURLWithPath: file))
            defer { try? FileManager.default.removeItem(atPath: file) }
            let withPolicy = Page(origin: page.origin, port: page.port, out: try scratchDirectory())
            let files = try names.map { try document(withPolicy.out, $0).path }
            let signed = try browse("sign", daemon, withPolicy, [
                "--public", "--certificate", signer, "--format", "cades", "--packaging", "detached",
            ] + files.flatMap { ["--file", $0] })
            XCTAssertEqual(signed["signState"] as? String, "signed", "\(policy): \(signed)")
            XCTAssertEqual(signed["downloads"] as? [String], names.map { "\($0).p7s" }.sorted(), "\(policy): \(signed)")
            for name in names {
                let p7s = withPolicy.out.appendingPathComponent("downloads/\(name).p7s").path
                XCTAssertEqual(try OpenSSL.verifyDetachedCMS(p7s, content: withPolicy.out.appendingPathComponent(name).path).status, 0, "\(policy): \(name)")
            }
        }
        XCTAssertEqual(agent.consents.count, 2, "one consent per request, the two files together")
        XCTAssertEqual(agent.events.filter { $0.event == "pairing" }.count, 2, "each browser profile paired once")
    }

    // MARK: - Origins nobody approved, DNS rebinding

    /// A page whose origin nobody approved, with the local network
    /// permission: podpis.js without pairing reads nothing and cannot sign
    /// (the daemon hides its answers: the page gets "unreachable"), a
    /// hand-made fetch with a guessed token fails the same way, and the
    /// clerk is asked nothing.
    func testAnUnapprovedPageGetsNothingAndNoQuestionReachesTheClerk() throws {
        let page = try newPage()
        let daemon = try Daemon(allowedOrigins: [])
        let agent = try ScriptedAgent(daemon, pins: [env["PODPIS_SIGNER_TOKEN"]!: env["PODPIS_SIGNER_PIN"]!], pairing: "always")
        let report = try browse("unapproved", daemon, page, ["--public", "--grant"])
        let calls = report["calls"] as? [String: [String: Any]] ?? [:]
        XCTAssertEqual(calls["certificates"]?["ok"] as? Bool, false, "\(report)")
        XCTAssertEqual(calls["certificates"]?["code"] as? String, "unreachable", "\(report)")
        XCTAssertEqual(calls["sign"]?["ok"] as? Bool, false, "\(report)")
        XCTAssertEqual(calls["sign"]?["code"] as? String, "unreachable", "\(report)")
        XCTAssertEqual(calls["rawFetch"]?["ok"] as? Bool, false, "\(report)")
        XCTAssertEqual(calls["rawFetch"]?["name"] as? String, "TypeError", "\(report)")
        XCTAssertEqual(agent.events.filter { $0.event == "pairing" || $0.event == "consent" }.count, 0, "\(agent.events)")
        // The requests did reach podpisd, and were refused there.
        let refused = daemon.logText.split(separator: "\n").filter { $0.contains("origin=\(page.origin)") && $0.contains("outcome=origin-not-allowed") }
        XCTAssertTrue(refused.contains { $0.contains("path=/v1/certificates") }, daemon.logText)
        XCTAssertTrue(refused.contains { $0.contains("path=/v1/sign") }, daemon.logText)
    }

    /// A name that resolves to 127.0.0.1 (as after DNS rebinding) is not
    /// allowed as Host: the page of that origin, calling podpisd
    /// same-origin, reads only `bad-host`, and cannot even ask to pair.
    func testADNSRebindingPageGetsOnlyBadHost() throws {
        let page = try newPage()
        let daemon = try Daemon()
        let agent = try ScriptedAgent(daemon, pairing: "always")
        let report = try browse("rebinding", daemon, page)
        XCTAssertTrue((report["documentText"] as? String ?? "").contains("\"code\":\"bad-host\""), "\(report)")
        let calls = report["calls"] as? [String: [String: Any]] ?? [:]
        for name in ["certificates", "pairing", "openapi"] {
            XCTAssertEqual(calls[name]?["status"] as? Int, 403, "\(name): \(report)")
            XCTAssertEqual(calls[name]?["code"] as? String, "bad-host", "\(name): \(report)")
        }
        XCTAssertEqual(agent.events.filter { $0.event == "pairing" }.count, 0)
    }

    // MARK: - Events, large files, cancelling

    /// The page follows the station's events (podpis.js reads the SSE stream
    /// through fetch): pulling the virtual card shows "Karta wyjęta".
    func testThePageShowsCardRemovedWhenTheVirtualCardIsPulled() throws {
        let page = try newPage()
        let daemon = try Daemon.withCard(allowedOrigins: [page.origin])
        defer { _ = try? TestBench.script("card.sh", "openpgp", "start") }
        let report = try browse("events", daemon, page, [
            "--public", "--grant", "--then", "bash '\(TestBench.repositoryRoot.path)/testbed/card.sh' openpgp stop", "--expect-event", "card-removed",
        ], screenshot: "card-removed.png")
        XCTAssertEqual(report["then"] as? Int, 0, "\(report)")
        XCTAssertEqual(report["eventSeen"] as? Bool, true, "\(report)")
        let texts = pageFacts(report)["eventTexts"] as? [String] ?? []
        XCTAssertTrue(texts.contains { $0.contains("Karta wyjęta") && $0.contains(env["PODPIS_OPENPGP_READER"] ?? "Virtual PCD") }, "\(texts)")
    }

    /// A 200 MB file is hashed in the page (Web Crypto) and only its digest
    /// is sent (the certificate's policy allows digests from pages); the
    /// detached XAdES verifies against the file.
    func testA200MBFileIsHashedInThePageAndSignedByItsDigest() throws {
        let page = try newPage()
        let daemon = try Daemon(extraSections: "[[policy]]\ncertificate = \"*\"\ndigest_only = \"always\"\n", allowedOrigins: [page.origin])
        let agent = try ScriptedAgent(daemon, pins: [env["PODPIS_SIGNER_TOKEN"]!: env["PODPIS_SIGNER_PIN"]!])
        let file = page.out.appendingPathComponent("akta-sprawy.bin")
        try TestBench.run("/bin/sh", ["-c", "head -c 209715200 /dev/urandom > '\(file.path)'"])
        let report = try browse("sign", daemon, page, [
            "--public", "--grant", "--certificate", try signerID(daemon), "--file", file.path, "--format", "xades",
            "--packaging", "detached", "--digest-only", "--timeout", "240",
        ])
        XCTAssertEqual(report["signState"] as? String, "signed", "\(report)")
        let consent = try XCTUnwrap(agent.consents.first)
        let documents = consent["documents"] as? [[String: Any]] ?? []
        XCTAssertEqual(documents.first?["name"] as? String, "akta-sprawy.bin", "\(consent)")
        XCTAssertEqual(documents.first?["digestOnly"] as? Bool, true, "the daemon saw only the digest: \(consent)")
        let signature = page.out.appendingPathComponent("downloads/akta-sprawy.bin.xades")
        let check = try xmlsecVerifies(signature, besides: page.out)
        XCTAssertTrue(check.ok, check.output)
    }

    /// "Anuluj" in the page aborts the fetch; the closed connection withdraws
    /// the question from the clerk's agent, and nothing is signed.
    func testCancellingInThePageWithdrawsTheQuestionAtTheAgent() throws {
        let page = try newPage()
        let daemon = try Daemon(allowedOrigins: [page.origin])
        let never = page.out.appendingPathComponent("never").path
        let agent = try ScriptedAgent(daemon, pins: [env["PODPIS_SIGNER_TOKEN"]!: env["PODPIS_SIGNER_PIN"]!], hold: env["PODPIS_SIGNER_TOKEN"]!, release: never)
        let report = try browse("abort", daemon, page, [
            "--public", "--grant", "--certificate", try signerID(daemon), "--file", try document(page.out).path,
            "--format", "xades", "--packaging", "detached", "--wait-for", "\(agent.log):\"consent\"",
        ])
        XCTAssertEqual(report["questionShown"] as? Bool, true, "\(report)")
        XCTAssertEqual(report["signState"] as? String, "error", "\(report)")
        XCTAssertEqual(pageFacts(report)["errorCode"] as? String, "aborted", "\(report)")
        XCTAssertTrue(TestBench.waitUntil(timeout: 10) { agent.events.contains { $0.event == "withdrawn" } }, "\(agent.events)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: page.out.appendingPathComponent("downloads/decyzja.txt.xades").path))
    }

    // MARK: - Sealing from a page

    /// A sealing page (its origin in the seal certificate's `[[policy]]
    /// origins`) drives a seal batch with podpis.js: creates it, puts an XML
    /// and a PDF, follows its events to the end, fetches each seal (checked
    /// against the digests podpisd states) and deletes the batch; each seal
    /// verifies over its document.
    func testASealingPageSealsABatchThroughPodpisJS() throws {
        let page = try newPage()
        let pinFile = try SealProfileTOML.writePINFile(page.out.appendingPathComponent("seal.pin").path, pin: env["PODPIS_SEAL_PIN"]!)
        let seal = try SealingTests.sealID()
        let daemon = try Daemon(extraSections: """
            [seal.zaswiadczenia]
            certificate = "\(seal)"
            sessions = 1
            pin_file = "\(pinFile)"
            [[policy]]
            certificate = "\(seal)"
            origins = ["\(page.origin)"]
            """, allowedOrigins: [page.origin])
        let input = try scratchDirectory()
        let xml = input.appendingPathComponent("zaswiadczenie-1.xml"), pdf = input.appendingPathComponent("zaswiadczenie-2.pdf")
        try Data("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<zaswiadczenie nr=\"1/2026\">Zaświadcza się, że…</zaswiadczenie>\n".utf8).write(to: xml)
        try Data("%PDF-1.7\n% zaświadczenie 2/2026\n%%EOF\n".utf8).write(to: pdf)
        let report = try browse("seal", daemon, page, ["--public", "--grant", "--file", xml.path, "--file", pdf.path])
        let batch = try XCTUnwrap(report["batch"] as? [String: Any], "\(report)")
        XCTAssertNil(batch["error"], "\(batch)")
        XCTAssertEqual((batch["end"] as? [String: Any])?["sealed"] as? Int, 2, "\(batch)")
        let events = batch["events"] as? [String] ?? []
        XCTAssertTrue(events.contains("document zaswiadczenie-1.xml sealed") && events.contains("document zaswiadczenie-2.pdf sealed"), "\(events)")
        XCTAssertEqual(events.last, "end", "\(events)")
        let seals = try XCTUnwrap(batch["seals"] as? [String: String])
        XCTAssertEqual(seals.keys.sorted(), ["zaswiadczenie-1.xml.xades", "zaswiadczenie-2.pdf.p7s"])
        for (name, content) in seals {
            let output = input.appendingPathComponent(name)
            try XCTUnwrap(Data(base64Encoded: content)).write(to: output)
            try SealOutputs.verify(output, document: input.appendingPathComponent(output.deletingPathExtension().lastPathComponent))
        }
        let id = try XCTUnwrap(batch["id"] as? String)
        let kept = (try? FileManager.default.contentsOfDirectory(atPath: daemon.dir.appendingPathComponent("batches").path)) ?? []
        XCTAssertFalse(kept.contains { $0.contains(id) }, "the page deleted its batch: \(kept)")
    }

    // MARK: - The docs' example

    /// The example of docs/protocol.md ("Pair, pick a certificate, sign,
    /// download"), exactly as written there and under 30 lines, on a page of
    /// its own: the clerk pairs it, it signs the picked file XAdES B-T with
    /// the first certificate it may, and the download verifies.
    func testTheExampleInTheDocsSignsAFileAsItIsWritten() throws {
        let docs = try String(contentsOf: TestBench.repositoryRoot.appendingPathComponent("docs/protocol.md"), encoding: .utf8)
        let heading = try XCTUnwrap(docs.range(of: "### Pair, pick a certificate, sign, download"))
        let open = try XCTUnwrap(docs.range(of: "```js\n", range: heading.upperBound..<docs.endIndex))
        let close = try XCTUnwrap(docs.range(of: "\n```", range: open.upperBound..<docs.endIndex))
        let code = String(docs[open.upperBound..<close.lowerBound])
        XCTAssertLessThan(code.split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.count, 30)

        let page = try newPage()
        let daemon = try Daemon(allowedOrigins: [])
        // The example signs with the first certificate it may: which one that
        // is depends on the bench's freshly made keys, so the clerk knows both PINs.
        let agent = try ScriptedAgent(daemon, pins: [
            env["PODPIS_SIGNER_TOKEN"]!: env["PODPIS_SIGNER_PIN"]!, env["PODPIS_SEAL_TOKEN"]!: env["PODPIS_SEAL_PIN"]!,
        ], pairing: "always")
        // The web root: the library, and the example's page with the docs' code and a
        // podpis.js that points the real one at this test's daemon.
        let root = try scratchDirectory()
        try FileManager.default.createSymbolicLink(
            at: root.appendingPathComponent("podpis"), withDestinationURL: TestBench.repositoryRoot.appendingPathComponent("web/podpis"))
        let example = root.appendingPathComponent("example")
        try FileManager.default.createDirectory(at: example, withIntermediateDirectories: true)
        try Data("""
            <!doctype html><meta charset="utf-8"><title>EZD</title>
            <input type="file" id="pliki" multiple><button id="podpisz">Podpisz</button><p id="komunikat"></p>
            <script type="module" src="example.js"></script>
            """.utf8).write(to: example.appendingPathComponent("index.html"))
        try Data(code.utf8).write(to: example.appendingPathComponent("example.js"))
        try Data("""
            import { Podpis as Library } from "/podpis/podpis.js";
            export { PodpisError } from "/podpis/podpis.js";
            export class Podpis extends Library {
              constructor(options = {}) { super({ endpoints: ["http://127.0.0.1:\(daemon.port)"], ...options }); }
            }
            """.utf8).write(to: example.appendingPathComponent("podpis.js"))

        let file = try document(page.out)
        let report = try browse("docs", daemon, page, [
            "--public", "--grant", "--web-root", root.path, "--path", "/example/index.html", "--file", file.path,
        ])
        XCTAssertEqual(report["downloads"] as? [String], ["decyzja.txt.xades"], "\(report)")
        XCTAssertEqual(report["message"] as? String, "", "\(report)")
        XCTAssertEqual(agent.events.filter { $0.event == "pairing" }.count, 1)
        XCTAssertEqual(agent.consents.first?["level"] as? String, "B-T")
        let check = try xmlsecVerifies(page.out.appendingPathComponent("downloads/decyzja.txt.xades"), besides: page.out)
        XCTAssertTrue(check.ok, check.output)
    }

    // MARK: - make demo-web

    /// `make demo-web`'s script (DEMO_CHECK=1: start, check, stop): the page
    /// and podpis.js are served on the loopback origin, and the demo podpisd
    /// lets that origin read.
    func testMakeDemoWebServesThePageNextToADemoPodpisd() throws {
        let pagePort = TestBench.freeTCPPort(), daemonPort = TestBench.freeTCPPort()
        let result = try TestBench.runCapturing("/usr/bin/env", [
            "DEMO_CHECK=1", "DEMO_PORT=\(pagePort)", "PODPISD_PORT=\(daemonPort)",
            "bash", TestBench.repositoryRoot.appendingPathComponent("scripts/demo-web.sh").path,
        ])
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        XCTAssertTrue(result.stdout.contains("demo-web: OK (http://127.0.0.1:\(pagePort)/demo/ → podpisd on 127.0.0.1:\(daemonPort))"), result.stdout)
    }

    // MARK: - podpis.js itself

    /// podpis.js's unit tests (web/podpis/test: the SSE parser, error
    /// mapping, retry and pairing logic) under Debian's Node.
    func testPodpisJSUnitTestsPassUnderNode() throws {
        let result = try TestBench.runCapturing("node", ["--test", TestBench.repositoryRoot.appendingPathComponent("web/podpis/test").path])
        let output = result.stdout + result.stderr
        XCTAssertEqual(result.status, 0, output)
        let passed = output.split(separator: "\n").first { $0.hasPrefix("# pass ") }.flatMap { Int($0.dropFirst(7)) } ?? 0
        XCTAssertGreaterThanOrEqual(passed, 20, output)
        XCTAssertTrue(output.contains("# fail 0"), output)
    }

    /// podpisd serves the repository's podpis.js and podpis.d.ts to any page
    /// (public, the same for everyone); the Host rule still holds.
    func testTheDaemonServesTheRepositorysPodpisJSToAnyPage() throws {
        let daemon = try Daemon()
        for (path, file) in [("/v1/client/podpis.js", "web/podpis/podpis.js"), ("/v1/client/podpis.d.ts", "web/podpis/podpis.d.ts")] {
            let served = try daemon.tcp(path, ["-H", "Origin: https://nieznany.example"])
            XCTAssertEqual(served.status, 200, served.text)
            XCTAssertEqual(served.headers["access-control-allow-origin"], "*")
            XCTAssertEqual(served.body, try Data(contentsOf: TestBench.repositoryRoot.appendingPathComponent(file)), path)
        }
        XCTAssertEqual(try daemon.tcp("/v1/client/podpis.js").headers["content-type"], "text/javascript; charset=utf-8")
        XCTAssertEqual(try daemon.tcp("/v1/client/podpis.js", ["-H", "Host: rebind.example:\(daemon.port)"]).problem, "bad-host")
        XCTAssertEqual(try daemon.tcp("/v1/certificates", ["-H", "Origin: https://nieznany.example"]).problem, "origin-not-allowed",
                       "only the library is public")
    }
}
