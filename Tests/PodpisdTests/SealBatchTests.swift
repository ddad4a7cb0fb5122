import Foundation
import TestBench
import XCTest

/// Seal batches through podpisd (the batch API and `podpis seal` without
/// --local): `kill -9` of the daemon in the middle of a thousand
/// zaświadczenia, a card pulled and put back mid-batch, and a batch seen by
/// its owner only.
final class SealBatchTests: XCTestCase {
    var env: [String: String] = [:]
    override func setUpWithError() throws { env = try TestBench.require() }

    static var podpisd: String { Daemon.binary }
    static var podpis: String { SealingTests.podpis }

    /// A podpisd of this test's own (no TCP), which the test may kill -9 and start again on the same state.
    final class Seald {
        let dir: URL
        let config: String
        let socket: String
        let batches: String
        var pid: pid_t = 0
        var runs = 0

        init(dir: URL, profile: String) throws {
            self.dir = dir
            socket = dir.appendingPathComponent("podpisd.sock").path
            batches = dir.appendingPathComponent("batches").path
            config = dir.appendingPathComponent("podpisd.toml").path
            try Data("""
                [server]
                port = 0
                socket = "\(socket)"
                audit_file = "\(dir.appendingPathComponent("audit.jsonl").path)"
                pairing_file = "\(dir.appendingPathComponent("pairings.json").path)"
                batch_dir = "\(batches)"
                \(profile)
                """.utf8).write(to: URL(fileURLWithPath: config))
        }

        var log: String { dir.appendingPathComponent("podpisd-\(runs).log").path }
        var logText: String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }

        func start() throws {
            runs += 1
            unlink(socket)
            pid = try Background.start(SealBatchTests.podpisd, ["--config", config], output: log)
            let socket = self.socket
            guard TestBench.waitUntil(timeout: 15, { FileManager.default.fileExists(atPath: socket) && (try? self.get("/v1/status").status) == 200 }) else {
                throw TestBench.NotUp(description: "podpisd did not start: \(logText)")
            }
        }

        func kill9() {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }

        func stop() {
            kill(pid, SIGTERM)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }

        func get(_ path: String) throws -> (status: Int, json: [String: Any]) {
            let result = try TestBench.runCapturing("curl", ["-s", "--max-time", "10", "-w", "\n%{http_code}", "--unix-socket", socket, "http://localhost" + path])
            let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
            let status = Int(lines.last ?? "") ?? 0
            let body = lines.dropLast().joined(separator: "\n")
            return (status, (try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]) ?? [:])
        }

        /// The only batch's status.
        func batch() throws -> [String: Any]? {
            (try get("/v1/batches").json["batches"] as? [[String: Any]])?.first
        }
    }

    func profile(certificate: String, pin: String, dir: URL, modules: [String], sessions: Int) throws -> String {
        let pinFile = dir.appendingPathComponent("seal.pin").path
        try Data((pin + "\n").utf8).write(to: URL(fileURLWithPath: pinFile))
        chmod(pinFile, 0o600)
        return """
            [pkcs11]
            modules = [\(modules.map { "\"\($0)\"" }.joined(separator: ", "))]
            use_registered = false
            [seal.zaswiadczenia]
            certificate = "\(certificate)"
            xml = "xades-enveloped"
            other = "cades-detached"
            sessions = \(sessions)
            pin_file = "\(pinFile)"
            """
    }

    func verify(_ output: URL, document: URL) throws {
        if output.pathExtension == "p7s" {
            let verify = try TestBench.runCapturing("openssl", [
                "cms", "-verify", "-binary", "-inform", "DER", "-in", output.path, "-content", document.path,
                "-CAfile", try TestBench.pki("chain.pem"), "-purpose", "any", "-out", "/dev/null",
            ])
            XCTAssertEqual(verify.status, 0, "\(output.lastPathComponent): \(verify.stderr)")
        } else {
            let verify = try TestBench.runCapturing("xmlsec1", [
                "--verify", "--trusted-pem", try TestBench.pki("root.pem"), "--untrusted-pem", try TestBench.pki("ca.pem"),
                "--enabled-key-data", "x509", "--id-attr:Id", "http://uri.etsi.org/01903/v1.3.2#:SignedProperties", output.path,
            ])
            XCTAssertEqual(verify.status, 0, "\(output.lastPathComponent): \(verify.stderr)")
        }
    }

    /// Sealed lines of a journal: name → SHA-256, failing on a name sealed twice.
    func journaled(_ path: String, file: StaticString = #filePath, line: UInt = #line) throws -> [String: String] {
        var sealed: [String: String] = [:]
        for text in try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n") {
            let entry = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            guard entry["state"] as? String == "sealed", let name = entry["name"] as? String else { continue }
            XCTAssertNil(sealed[name], "\(name) journaled twice", file: file, line: line)
            sealed[name] = entry["sha256"] as? String
        }
        return sealed
    }

    func testAThousandThroughPodpisdKilledWithKill9AndRestartedSealsEachOnce() throws {
        let dir = try TestBench.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let sealing = SealingTests.self
        let daemon = try Seald(dir: dir, profile: try profile(
            certificate: try sealing.sealID(), pin: env["PODPIS_SEAL_PIN"]!, dir: dir, modules: [env["PODPIS_SOFTHSM_MODULE"]!], sessions: 4))
        let input = try sealing.documents(dir, count: 1000)
        let out = dir.appendingPathComponent("out")
        let arguments = ["seal", "--profile", "zaswiadczenia", "--config", daemon.config, "--socket", daemon.socket, "--keep", "--out", out.path, "--json", input.path]
        try daemon.start()
        defer { daemon.stop() }

        // podpis seal through podpisd; podpisd killed with SIGKILL once 200 are sealed.
        let client = try Background.start(Self.podpis, arguments, output: dir.appendingPathComponent("first.log").path)
        XCTAssertTrue(try TestBench.waitUntil(timeout: 90) { (try daemon.batch()?["sealed"] as? Int ?? 0) >= 200 }, daemon.logText)
        let batch = try XCTUnwrap(try daemon.batch()?["id"] as? String)
        daemon.kill9()
        var status: Int32 = 0
        waitpid(client, &status, 0)
        XCTAssertNotEqual(status, 0, "the client noticed that podpisd was gone")
        let firstLog = try String(contentsOf: dir.appendingPathComponent("first.log"), encoding: .utf8)
        XCTAssertTrue(firstLog.contains("daemon-unavailable"), firstLog)
        let seals = daemon.batches + "/" + batch + "/seals"
        let sealedBeforeRestart = try journaled(seals + "/.podpis-seal-journal.jsonl").count
        XCTAssertLessThan(sealedBeforeRestart, 1000, "killed before the end")

        // Restart podpisd: it takes the batch up again; the same command finishes it.
        try daemon.start()
        let second = try TestBench.runCapturing(Self.podpis, arguments, environment: ["LANG": "en_US.UTF-8"])
        XCTAssertEqual(second.status, 0, second.stderr + daemon.logText)
        XCTAssertTrue(daemon.logText.contains("batch \(batch) (zaswiadczenia): resuming"), daemon.logText)
        let summary = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(second.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(summary["schema"] as? String, "podpis.seal/1")
        XCTAssertEqual(summary["batch"] as? String, batch, "the same batch, taken up again")
        XCTAssertEqual(summary["total"] as? Int, 1000)
        XCTAssertEqual(summary["failed"] as? Int, 0)
        XCTAssertEqual((summary["sealed"] as? Int ?? 0) + (summary["skipped"] as? Int ?? 0), 1000)
        let finished = try XCTUnwrap(try daemon.batch())
        XCTAssertEqual(finished["state"] as? String, "done")
        XCTAssertEqual(finished["sealed"] as? Int, 1000)

        // Exactly 1000 outputs in --out, nothing half-written on either side.
        let names = sealing.outputs(out)
        XCTAssertEqual(Set(names), Set((0..<1000).map { String(format: "zaswiadczenie-%04d.", $0) + ($0 % 2 == 0 ? "xml.xades" : "pdf.p7s") }))
        let hidden = ((try? FileManager.default.contentsOfDirectory(atPath: out.path)) ?? []).filter { $0.hasPrefix(".") }.sorted()
        XCTAssertEqual(hidden, [".podpis-batch.json", ".podpis-seal-journal.jsonl"])
        XCTAssertEqual(((try? FileManager.default.contentsOfDirectory(atPath: seals)) ?? []).filter { $0.hasSuffix(".tmp") }, [])
        XCTAssertEqual(((try? FileManager.default.contentsOfDirectory(atPath: daemon.batches + "/" + batch + "/documents")) ?? []).count, 1000)

        // Every output verifies, over its document.
        for name in names {
            let document = input.appendingPathComponent(String(name.dropLast(name.hasSuffix(".xades") ? 6 : 4)))
            try verify(out.appendingPathComponent(name), document: document)
        }

        // The daemon's journal, the client's journal and the audit trail agree: each document sealed once.
        let daemonJournal = try journaled(seals + "/.podpis-seal-journal.jsonl")
        let clientJournal = try journaled(out.appendingPathComponent(".podpis-seal-journal.jsonl").path)
        XCTAssertEqual(daemonJournal.count, 1000)
        XCTAssertEqual(clientJournal, daemonJournal)
        let audit = dir.appendingPathComponent("audit.jsonl").path
        let verifyTrail = try TestBench.runCapturing(Self.podpis, ["audit", "verify", "--file", audit])
        XCTAssertEqual(verifyTrail.status, 0, verifyTrail.stdout + verifyTrail.stderr)
        var audited: [String: String] = [:]
        for line in try String(contentsOfFile: audit, encoding: .utf8).split(separator: "\n") {
            let entry = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["entry"] as? [String: Any])
            XCTAssertEqual(entry["result"] as? String, "signed")
            XCTAssertEqual(entry["requestId"] as? String, "batch:\(batch)")
            for document in entry["documents"] as? [[String: Any]] ?? [] {
                let name = try XCTUnwrap(document["name"] as? String)
                XCTAssertNil(audited[name], "\(name) sealed twice by the audit trail")
                audited[name] = document["sha256"] as? String
            }
        }
        XCTAssertEqual(audited, daemonJournal, "the journal and the audit trail agree on every document")
        for (name, sha) in daemonJournal.prefix(20) {
            let data = try Data(contentsOf: input.appendingPathComponent(name))
            XCTAssertEqual(sha, try OpenSSL.digest("sha256", data).map { String(format: "%02x", $0) }.joined())
        }
    }

    func testPullingTheCardPausesTheBatchAndPuttingItBackResumesIt() throws {
        let dir = try TestBench.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let der = try Data(contentsOf: URL(fileURLWithPath: try TestBench.pki("openpgp-sign.der")))
        let card = String(try OpenSSL.digest("sha256", der).map { String(format: "%02x", $0) }.joined().prefix(16))
        let daemon = try Seald(dir: dir, profile: try profile(
            certificate: card, pin: env["PODPIS_OPENPGP_PIN"]!, dir: dir, modules: [env["PODPIS_OPENSC_MODULE"]!], sessions: 1))
        let input = dir.appendingPathComponent("in")
        try FileManager.default.createDirectory(at: input, withIntermediateDirectories: true)
        for index in 1...60 {
            try Data("%PDF-1.7\n% zaświadczenie \(index)\n%%EOF\n".utf8).write(to: input.appendingPathComponent(String(format: "z%02d.pdf", index)))
        }
        let out = dir.appendingPathComponent("out")
        try daemon.start()
        defer { daemon.stop() }
        defer { _ = try? TestBench.script("card.sh", "openpgp", "start") }

        let log = dir.appendingPathComponent("client.log").path
        let client = try Background.start(Self.podpis, [
            "seal", "--profile", "zaswiadczenia", "--config", daemon.config, "--socket", daemon.socket, "--keep", "--out", out.path, input.path,
        ], output: log, environment: ["LANG": "en_US.UTF-8"])
        XCTAssertTrue(try TestBench.waitUntil(timeout: 60) { (try daemon.batch()?["sealed"] as? Int ?? 0) >= 5 }, daemon.logText)

        // The card is pulled: the batch pauses, says why, and seals nothing meanwhile.
        try TestBench.script("card.sh", "openpgp", "stop")
        XCTAssertTrue(try TestBench.waitUntil(timeout: 20) { try daemon.batch()?["state"] as? String == "paused" }, daemon.logText)
        let paused = try XCTUnwrap(try daemon.batch())
        XCTAssertEqual((paused["paused"] as? [String: Any])?["code"] as? String, "token-absent")
        XCTAssertEqual(paused["failed"] as? Int, 0, "no document failed because the card went away")
        let sealedWhilePaused = paused["sealed"] as? Int ?? 0
        XCTAssertLessThan(sealedWhilePaused, 60)
        Thread.sleep(forTimeInterval: 3)
        XCTAssertEqual(try daemon.batch()?["sealed"] as? Int, sealedWhilePaused, "nothing sealed while the card is out")
        XCTAssertEqual(kill(client, 0), 0, "the client waits with the batch")
        XCTAssertTrue(((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").contains("PAUSED"), "the client shows the pause")

        // The card is back: the batch resumes by itself and finishes.
        try TestBench.script("card.sh", "openpgp", "start")
        var status: Int32 = 0
        XCTAssertTrue(TestBench.waitUntil(timeout: 90) { waitpid(client, &status, WNOHANG) == client }, daemon.logText)
        XCTAssertEqual(status, 0, (try? String(contentsOfFile: log, encoding: .utf8)) ?? "")
        let done = try XCTUnwrap(try daemon.batch())
        XCTAssertEqual(done["state"] as? String, "done")
        XCTAssertEqual(done["sealed"] as? Int, 60)
        XCTAssertEqual(done["failed"] as? Int, 0)
        XCTAssertTrue(daemon.logText.contains("paused: token-absent") && daemon.logText.contains("resumed"), daemon.logText)
        let names = SealingTests.outputs(out)
        XCTAssertEqual(names.count, 60)
        for name in names { try verify(out.appendingPathComponent(name), document: input.appendingPathComponent(String(name.dropLast(4)))) }
    }

    func testABatchIsSeenAndFedByItsOwnerOnlyAndCanBeCancelled() throws {
        let sealing = SealingTests.self
        let pinFile = try TestBench.temporaryDirectory().appendingPathComponent("seal.pin").path
        try Data((env["PODPIS_SEAL_PIN"]! + "\n").utf8).write(to: URL(fileURLWithPath: pinFile))
        chmod(pinFile, 0o600)
        let daemon = try Daemon(extraSections: """
            [seal.zaswiadczenia]
            certificate = "\(try sealing.sealID())"
            sessions = 1
            pin_file = "\(pinFile)"
            [[policy]]
            certificate = "\(try sealing.sealID())"
            origins = ["https://ezd.example.gov.pl"]
            """)
        // A program over TCP, paired (no Origin; the clerk's agent allows it once), creates a batch.
        let agent = try ScriptedAgent(daemon, pairing: "once")
        let token = try daemon.pair(origin: nil)
        defer { withExtendedLifetime(agent) {} }
        let auth = ["-H", "Authorization: Bearer \(token)"]
        let created = try daemon.tcp("/v1/batches", auth + ["-X", "POST", "-H", "Content-Type: application/json", "--data", "{\"profile\":\"zaswiadczenia\"}"])
        XCTAssertEqual(created.status, 201, created.text)
        let id = try XCTUnwrap(created.json["id"] as? String)
        let document = daemon.dir.appendingPathComponent("a.xml").path
        try Data("<?xml version=\"1.0\"?>\n<zaswiadczenie nr=\"1\"/>\n".utf8).write(to: URL(fileURLWithPath: document))
        let put = try daemon.tcp("/v1/batches/\(id)/documents/a.xml", auth + ["-X", "PUT", "--data-binary", "@\(document)"])
        XCTAssertEqual(put.status, 201, put.text)

        // Another page (paired, its own token) does not see it, cannot feed, follow, cancel or delete it.
        let otherToken = try daemon.pair(origin: "https://ezd.example.gov.pl")
        let other = ["-H", "Origin: https://ezd.example.gov.pl", "-H", "Authorization: Bearer \(otherToken)"]
        XCTAssertEqual((try daemon.tcp("/v1/batches", other).json["batches"] as? [Any])?.count, 0)
        for (method, path) in [("GET", ""), ("GET", "/documents"), ("GET", "/events"), ("POST", "/cancel"), ("DELETE", ""), ("PUT", "/documents/b.xml")] {
            let result = try daemon.tcp("/v1/batches/\(id)\(path)", other + ["-X", method, "--max-time", "5"] + (method == "PUT" ? ["--data-binary", "@\(document)"] : []))
            XCTAssertEqual(result.status, 404, "\(method) \(path): \(result.text)")
            XCTAssertEqual(result.problem, "batch-not-found", "\(method) \(path)")
        }
        // The same local user without an Origin, over the Unix socket, is the same owner.
        XCTAssertEqual(try daemon.unix("/v1/batches/\(id)").status, 200)

        // The owner: the document is sealed; the same name with other content is refused; cancel stops the batch.
        XCTAssertTrue(try TestBench.waitUntil(timeout: 20) { (try daemon.tcp("/v1/batches/\(id)", auth).json["sealed"] as? Int) == 1 })
        let seal = try daemon.tcp("/v1/batches/\(id)/documents/a.xml/seal", auth)
        XCTAssertEqual(seal.status, 200)
        let sealPath = daemon.dir.appendingPathComponent("a.xml.xades")
        try seal.body.write(to: sealPath)
        try verify(sealPath, document: URL(fileURLWithPath: document))
        try Data("<inny/>".utf8).write(to: URL(fileURLWithPath: document))
        let reused = try daemon.tcp("/v1/batches/\(id)/documents/a.xml", auth + ["-X", "PUT", "--data-binary", "@\(document)"])
        XCTAssertEqual(reused.status, 409)
        XCTAssertEqual(reused.problem, "name-reused")
        let cancelled = try daemon.tcp("/v1/batches/\(id)/cancel", auth + ["-X", "POST"])
        XCTAssertEqual(cancelled.json["state"] as? String, "cancelled", cancelled.text)
        let late = try daemon.tcp("/v1/batches/\(id)/documents/b.xml", auth + ["-X", "PUT", "--data-binary", "@\(document)"])
        XCTAssertEqual(late.problem, "batch-closed")

        // A web page may seal only when the seal's policy lists it, and an unknown profile is named.
        let page = try daemon.tcp("/v1/batches", other + ["-X", "POST", "-H", "Content-Type: application/json", "--data", "{\"profile\":\"zaswiadczenia\"}"])
        XCTAssertEqual(page.status, 201, "listed in the seal's [[policy]] origins: \(page.text)")
        let unknown = try daemon.unix("/v1/batches", ["-X", "POST", "-H", "Content-Type: application/json", "--data", "{\"profile\":\"nie-ma\"}"])
        XCTAssertEqual(unknown.problem, "unknown-profile")
        XCTAssertEqual(try daemon.tcp("/v1/batches/\(id)", auth + ["-X", "DELETE"]).status, 204)
        XCTAssertEqual(try daemon.tcp("/v1/batches/\(id)", auth).status, 404)
    }
}
