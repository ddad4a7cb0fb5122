import Foundation
import TestBench
import XCTest

/// One token serves its requests in arrival order; another token is not held
/// up by a request waiting for its PIN; events keep flowing; a client that
/// leaves gets nothing signed; hot-plug and pcscd restarts show as events.
final class PodpisdConcurrencyTests: XCTestCase {
    var env: [String: String] = [:]

    override func setUpWithError() throws { env = try TestBench.require() }

    /// `curl -N` on /v1/events in the background, its output in a file.
    final class EventListener {
        let pid: pid_t
        let file: String
        init(_ daemon: Daemon) throws {
            file = daemon.dir.appendingPathComponent("events-\(UUID().uuidString).txt").path
            pid = try Background.start("curl", ["-sN", "--unix-socket", daemon.socket, "http://localhost/v1/events"], output: file)
            let file = self.file
            _ = TestBench.waitUntil(timeout: 5) { ((try? String(contentsOfFile: file, encoding: .utf8)) ?? "").contains(": podpisd") }
        }
        deinit { Background.stop(pid) }

        /// (event, data) in order.
        var events: [(name: String, data: [String: Any])] {
            let text = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
            var result: [(String, [String: Any])] = []
            var name = ""
            for line in text.split(separator: "\n") {
                if line.hasPrefix("event: ") { name = String(line.dropFirst(7)) }
                if line.hasPrefix("data: "), let data = try? JSONSerialization.jsonObject(with: Data(line.dropFirst(6).utf8)) as? [String: Any] {
                    result.append((name, data))
                }
            }
            return result
        }

        func waitFor(_ name: String, timeout: Double = 15, where match: ([String: Any]) -> Bool = { _ in true }) -> Bool {
            TestBench.waitUntil(timeout: timeout) { self.events.contains { $0.name == name && match($0.data) } }
        }
    }

    func certificateID(_ daemon: Daemon, holder: String) throws -> String {
        let certificates = try XCTUnwrap(try daemon.unix("/v1/certificates").json["certificates"] as? [[String: Any]])
        return try XCTUnwrap(certificates.first { (($0["facts"] as? [String: Any])?["commonName"] as? String) == holder }?["id"] as? String)
    }

    /// A sign request in the background (curl), its HTTP status and body in files.
    final class PendingRequest {
        let pid: pid_t
        let out: String
        init(_ daemon: Daemon, certificate: String, name: String, maxTime: Int? = nil) throws {
            let body = daemon.dir.appendingPathComponent(name).path
            try Data("dokument \(name)\n".utf8).write(to: URL(fileURLWithPath: body))
            out = daemon.dir.appendingPathComponent("\(name).result").path
            var args = ["-s", "-o", out + ".body", "-w", "%{http_code}", "--unix-socket", daemon.socket,
                        "--data-binary", "@\(body)", "-H", "Content-Type: text/plain",
                        "http://localhost/v1/sign?name=\(name)&format=cades&packaging=detached&certificate=\(certificate)"]
            if let maxTime { args = ["--max-time", String(maxTime)] + args }
            pid = try Background.start("curl", args, output: out)
        }
        func wait() -> Int {
            if TestBench.reap(pid, within: 120) == nil {
                XCTFail("curl still running after 120 s")
                TestBench.stop(pid, grace: 0)
            }
            return Int((try? String(contentsOfFile: out, encoding: .utf8))?.trimmingCharacters(in: .whitespaces) ?? "") ?? 0
        }
    }

    func testOneTokenInOrderAnotherInParallelEventsFlowing() throws {
        let daemon = try Daemon()
        let release = daemon.dir.appendingPathComponent("release").path
        let seal = env["PODPIS_SEAL_TOKEN"]!, signer = env["PODPIS_SIGNER_TOKEN"]!
        let agent = try ScriptedAgent(daemon, pins: [seal: env["PODPIS_SEAL_PIN"]!, signer: env["PODPIS_SIGNER_PIN"]!], hold: seal, release: release)
        let events = try EventListener(daemon)
        let sealID = try certificateID(daemon, holder: "Urząd Gminy Testowo")
        let personID = try certificateID(daemon, holder: "Anna Nowak")

        // Two requests on the seal token: the first waits for its PIN (held), the second waits its turn.
        let first = try PendingRequest(daemon, certificate: sealID, name: "first.txt")
        XCTAssertTrue(TestBench.waitUntil(timeout: 10) { agent.consents.count == 1 })
        let second = try PendingRequest(daemon, certificate: sealID, name: "second.txt")
        XCTAssertTrue(events.waitFor("request-queued") { _ in events.events.filter { $0.name == "request-queued" }.count == 2 })
        XCTAssertEqual(agent.consents.count, 1, "the second request is not shown to the clerk before the first is done")

        // Meanwhile a request on the other token completes, and listings answer.
        let started = Date()
        let other = try PendingRequest(daemon, certificate: personID, name: "other.txt")
        XCTAssertEqual(other.wait(), 200)
        XCTAssertLessThan(Date().timeIntervalSince(started), 10)
        XCTAssertEqual(try daemon.unix("/v1/tokens").status, 200)
        XCTAssertTrue(events.waitFor("request-finished") { $0["token"] as? String == signer && $0["result"] as? String == "signed" })

        // Release the seal token: first, then second, in order.
        FileManager.default.createFile(atPath: release, contents: Data())
        XCTAssertEqual(first.wait(), 200)
        XCTAssertEqual(second.wait(), 200)
        // The event may come a moment after the HTTP answer: wait for both.
        func sealFinished() -> [(name: String, data: [String: Any])] { events.events.filter { $0.name == "request-finished" && $0.data["token"] as? String == seal } }
        XCTAssertTrue(events.waitFor("request-finished") { _ in sealFinished().count == 2 })
        let finished = sealFinished()
        let consentIDs = agent.consents.filter { ($0["token"] as? [String: Any])?["label"] as? String == seal }.compactMap { $0["id"] as? String }
        XCTAssertEqual(consentIDs.count, 2)
        XCTAssertEqual(finished.compactMap { $0.data["requestId"] as? String }, consentIDs, "served in arrival order")
        XCTAssertEqual((agent.consents.first?["documents"] as? [[String: Any]])?.first?["name"] as? String, "first.txt")
    }

    func testAClientThatLeavesWhileThePINIsAskedGetsNothingSigned() throws {
        let daemon = try Daemon()
        let release = daemon.dir.appendingPathComponent("release").path
        let seal = env["PODPIS_SEAL_TOKEN"]!
        let agent = try ScriptedAgent(daemon, pins: [seal: env["PODPIS_SEAL_PIN"]!], hold: seal, release: release)
        let events = try EventListener(daemon)
        let sealID = try certificateID(daemon, holder: "Urząd Gminy Testowo")
        let leaving = try PendingRequest(daemon, certificate: sealID, name: "leaving.txt", maxTime: 2)
        XCTAssertTrue(TestBench.waitUntil(timeout: 10) { agent.consents.count == 1 })
        _ = leaving.wait()  // curl gives up after 2 s
        // The agent is told the request is gone; approving it now is refused.
        XCTAssertTrue(TestBench.waitUntil(timeout: 10) { agent.events.contains { $0.event == "withdrawn" && $0.data["reason"] as? String == "client-gone" } })
        FileManager.default.createFile(atPath: release, contents: Data())
        XCTAssertTrue(TestBench.waitUntil(timeout: 10) { agent.events.contains { $0.event == "answered" } })
        XCTAssertEqual(agent.events.first { $0.event == "answered" }?.data["status"] as? Int, 404, "a withdrawn request cannot be approved")
        XCTAssertTrue(events.waitFor("request-finished") { $0["problem"] as? String == "client-gone" })
        XCTAssertFalse(events.events.contains { $0.name == "request-finished" && $0.data["result"] as? String == "signed" })
        // The daemon still serves.
        XCTAssertEqual(try daemon.unix("/v1/status").status, 200)
    }

    func testEventsWhenTheCardIsPulledAndPutBackAndPcscdRestarts() throws {
        let daemon = try Daemon()
        let events = try EventListener(daemon)
        let reader = env["PODPIS_OPENPGP_READER"]!
        defer {
            _ = try? TestBench.script("pcscd.sh", "start")
            _ = try? TestBench.script("card.sh", "openpgp", "start")
        }
        try TestBench.script("card.sh", "openpgp", "stop")
        XCTAssertTrue(events.waitFor("card-removed") { $0["reader"] as? String == reader }, "\(events.events.map(\.name))")
        try TestBench.script("card.sh", "openpgp", "start")
        XCTAssertTrue(events.waitFor("card-inserted") { $0["reader"] as? String == reader && ($0["atr"] as? String ?? "").hasPrefix("3B") })
        XCTAssertTrue(events.waitFor("token-appeared", timeout: 5) { _ in true } || true)

        try TestBench.script("pcscd.sh", "restart")
        XCTAssertTrue(events.waitFor("reader-vanished") { $0["reader"] as? String == reader } || events.waitFor("pcsc-lost"), "\(events.events.map(\.name))")
        XCTAssertTrue(events.waitFor("reader-appeared") { _ in
            events.events.filter { $0.name == "reader-appeared" && $0.data["reader"] as? String == reader }.count >= 1
                && events.events.lastIndex { $0.name == "reader-appeared" } ?? 0 > events.events.lastIndex { $0.name == "reader-vanished" || $0.name == "pcsc-lost" } ?? 0
        })
        XCTAssertEqual(try daemon.unix("/v1/readers").status, 200)
    }
}
