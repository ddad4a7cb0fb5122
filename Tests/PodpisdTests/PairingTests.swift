import Foundation
import TestBench
import XCTest

/// Web pages and programs on loopback TCP: nothing reaches the token without
/// the clerk's pairing (allow once / always / deny in the agent) and the
/// pairing token on every state-changing call; "always" is remembered (as a
/// hash) and revocable with `podpis origins`.
final class PairingTests: XCTestCase {
    var env: [String: String] = [:]
    override func setUpWithError() throws { env = try TestBench.require() }

    static var podpis: String { URL(fileURLWithPath: Daemon.binary).deletingLastPathComponent().appendingPathComponent("podpis").path }

    func sealID(_ daemon: Daemon) throws -> String {
        let certificates = try XCTUnwrap(try daemon.unix("/v1/certificates").json["certificates"] as? [[String: Any]])
        return try XCTUnwrap(certificates.first { $0["qualifiedForSealing"] as? Bool == true }?["id"] as? String)
    }

    func document(_ daemon: Daemon, _ name: String = "pismo.txt") throws -> String {
        let path = daemon.dir.appendingPathComponent(name).path
        try Data("Pismo w sprawie \(name)\n".utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    func signTCP(_ daemon: Daemon, seal: String, _ headers: [String], name: String = "pismo.txt") throws -> HTTPResult {
        let file = try document(daemon, name)
        var arguments = ["-H", "Content-Type: text/plain", "--data-binary", "@\(file)"]
        for header in headers { arguments += ["-H", header] }
        return try daemon.tcp("/v1/sign?name=\(name)&format=cades&packaging=detached&certificate=\(seal)", arguments)
    }

    func auditLines(_ daemon: Daemon) -> Int {
        ((try? String(contentsOfFile: daemon.auditFile, encoding: .utf8)) ?? "").split(separator: "\n").count
    }

    func testAnEvilPageARebindingHostAndAMissingTokenNeverReachTheToken() throws {
        let daemon = try Daemon()
        let agent = try ScriptedAgent(daemon, pins: [env["PODPIS_SEAL_TOKEN"]!: env["PODPIS_SEAL_PIN"]!], pairing: "always")
        let seal = try sealID(daemon)
        let configured = try daemon.pair()  // https://ezd.example.gov.pl, listed in allowed_origins

        let evil = try signTCP(daemon, seal: seal, ["Origin: http://evil.example"])
        XCTAssertEqual(evil.status, 403, evil.text)
        XCTAssertEqual(evil.problem, "origin-not-allowed")
        XCTAssertNil(evil.headers["access-control-allow-origin"], "no CORS for a page nobody approved")
        let evilWithStolenToken = try signTCP(daemon, seal: seal, ["Origin: http://evil.example", "Authorization: Bearer \(configured)"])
        XCTAssertEqual(evilWithStolenToken.status, 403, evilWithStolenToken.text)
        let evilPreflight = try daemon.tcp("/v1/sign", ["-X", "OPTIONS", "-H", "Origin: http://evil.example", "-H", "Access-Control-Request-Method: POST"])
        XCTAssertEqual(evilPreflight.status, 403)
        XCTAssertNil(evilPreflight.headers["access-control-allow-origin"])

        let rebinding = try signTCP(daemon, seal: seal, ["Host: evil.example:\(daemon.port)", "Authorization: Bearer \(configured)"])
        XCTAssertEqual(rebinding.status, 403, rebinding.text)
        XCTAssertEqual(rebinding.problem, "bad-host")

        let noToken = try signTCP(daemon, seal: seal, ["Origin: https://ezd.example.gov.pl"])
        XCTAssertEqual(noToken.status, 403, noToken.text)
        XCTAssertEqual(noToken.problem, "not-paired")
        let wrongToken = try signTCP(daemon, seal: seal, ["Origin: https://ezd.example.gov.pl", "Authorization: Bearer x\(configured)"])
        XCTAssertEqual(wrongToken.problem, "not-paired")
        let programWithoutToken = try signTCP(daemon, seal: seal, [])
        XCTAssertEqual(programWithoutToken.problem, "not-paired")
        let tokenOfAnotherOrigin = try signTCP(daemon, seal: seal, ["Authorization: Bearer \(configured)"])
        XCTAssertEqual(tokenOfAnotherOrigin.problem, "not-paired", "a token works only with the origin it was given to")
        let tokenInTheURL = try daemon.tcp("/v1/sign?name=a.txt&token=\(configured)", ["-H", "Origin: https://ezd.example.gov.pl", "-H", "Content-Type: text/plain", "--data", "x"])
        XCTAssertEqual(tokenInTheURL.status, 403, "never a token in a URL")

        // None of them reached the clerk, the token or the audit trail.
        XCTAssertTrue(agent.consents.isEmpty, "\(agent.events)")
        XCTAssertEqual(auditLines(daemon), 0)
        XCTAssertFalse(daemon.logText.contains("request-started"))

        // The configured page with its token signs.
        let good = try signTCP(daemon, seal: seal, ["Origin: https://ezd.example.gov.pl", "Authorization: Bearer \(configured)"])
        XCTAssertEqual(good.status, 200, good.text)
        XCTAssertEqual(good.headers["access-control-allow-origin"], "https://ezd.example.gov.pl")
        XCTAssertEqual(agent.consents.count, 1)
        XCTAssertEqual(auditLines(daemon), 1)
    }

    func testTheClerkPairsAPageAlwaysAndRevokesItWithPodpisOrigins() throws {
        let daemon = try Daemon()
        let agent = try ScriptedAgent(daemon, pins: [env["PODPIS_SEAL_TOKEN"]!: env["PODPIS_SEAL_PIN"]!], pairing: "always")
        let seal = try sealID(daemon)
        let origin = "https://app.example:8080"

        XCTAssertEqual(try daemon.tcp("/v1/status", ["-H", "Origin: \(origin)"]).problem, "origin-not-allowed", "no reading before pairing")
        // A new page may preflight its pairing request (Private Network Access), nothing else.
        let preflight = try daemon.tcp("/v1/pairing", [
            "-X", "OPTIONS", "-H", "Origin: \(origin)", "-H", "Access-Control-Request-Method: POST",
            "-H", "Access-Control-Request-Private-Network: true",
        ])
        XCTAssertEqual(preflight.status, 204)
        XCTAssertEqual(preflight.headers["access-control-allow-origin"], origin)
        XCTAssertEqual(preflight.headers["access-control-allow-private-network"], "true")
        XCTAssertEqual(preflight.headers["access-control-allow-methods"], "POST")

        let token = try daemon.pair(origin: origin, application: "EZD Testowo")
        let question = try XCTUnwrap(agent.events.first { $0.event == "pairing" }?.data)
        let requester = try XCTUnwrap(question["requester"] as? [String: Any])
        XCTAssertEqual(requester["origin"] as? String, origin)
        XCTAssertEqual(requester["process"] as? String, "curl", "the local process behind the TCP connection")
        XCTAssertEqual(requester["uid"] as? Int, Int(getuid()))
        XCTAssertEqual(question["application"] as? String, "EZD Testowo")

        let status = try daemon.tcp("/v1/status", ["-H", "Origin: \(origin)"])
        XCTAssertEqual(status.status, 200)
        XCTAssertEqual(status.headers["access-control-allow-origin"], origin)
        XCTAssertEqual(try daemon.tcp("/v1/pairing", ["-H", "Origin: \(origin)", "-H", "Authorization: Bearer \(token)"]).status, 200)
        let signed = try signTCP(daemon, seal: seal, ["Origin: \(origin)", "Authorization: Bearer \(token)"])
        XCTAssertEqual(signed.status, 200, signed.text)

        // Remembered as a hash only.
        let file = try String(contentsOfFile: daemon.pairingFile, encoding: .utf8)
        XCTAssertTrue(file.contains(origin), file)
        XCTAssertFalse(file.contains(token), "the token itself is never stored")
        XCTAssertTrue(file.contains(try OpenSSL.digest("sha256", Data(token.utf8)).map { String(format: "%02x", $0) }.joined()))
        let attributes = try FileManager.default.attributesOfItem(atPath: daemon.pairingFile)
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600)

        // podpis origins lists it; revoke ends it.
        let list = try TestBench.runCapturing(Self.podpis, ["origins", "--socket", daemon.socket, "--json"])
        XCTAssertEqual(list.status, 0, list.stderr)
        let origins = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [String: Any])?["origins"] as? [[String: Any]])
        XCTAssertEqual(origins.first { $0["origin"] as? String == origin }?["kind"] as? String, "always")
        let revoke = try TestBench.runCapturing(Self.podpis, ["origins", "revoke", origin, "--socket", daemon.socket])
        XCTAssertEqual(revoke.status, 0, revoke.stdout + revoke.stderr)
        let afterRevoke = try signTCP(daemon, seal: seal, ["Origin: \(origin)", "Authorization: Bearer \(token)"])
        XCTAssertEqual(afterRevoke.status, 403, afterRevoke.text)
        XCTAssertFalse(try String(contentsOfFile: daemon.pairingFile, encoding: .utf8).contains(origin))
        XCTAssertEqual(try TestBench.runCapturing(Self.podpis, ["origins", "revoke", origin, "--socket", daemon.socket]).status, 1)
        withExtendedLifetime(agent) {}
    }

    func testAlwaysSurvivesARestartOnceDoesNot() throws {
        let pairingDir = try TestBench.temporaryDirectory()
        let pairingFile = pairingDir.appendingPathComponent("pairings.json").path
        var always = "", once = ""
        do {
            let daemon = try Daemon(pairingFile: pairingFile)
            let first = try ScriptedAgent(daemon, pairing: "always")
            always = try daemon.pair(origin: "https://a.example")
            let second = try ScriptedAgent(daemon, pairing: "once")  // the most recent agent answers the next question
            once = try daemon.pair(origin: "https://b.example")
            XCTAssertEqual(first.events.filter { $0.event == "pairing" }.count, 1)
            XCTAssertEqual(second.events.filter { $0.event == "pairing" }.count, 1)
        }
        let daemon = try Daemon(pairingFile: pairingFile)
        XCTAssertEqual(try daemon.tcp("/v1/pairing", ["-H", "Origin: https://a.example", "-H", "Authorization: Bearer \(always)"]).status, 200)
        XCTAssertEqual(try daemon.tcp("/v1/pairing", ["-H", "Origin: https://b.example", "-H", "Authorization: Bearer \(once)"]).problem, "origin-not-allowed")
    }

    func testADeniedPageIsNotAskedAgainAtOnce() throws {
        let daemon = try Daemon()
        let agent = try ScriptedAgent(daemon, pairing: "deny")
        for _ in 0..<3 {
            let result = try daemon.tcp("/v1/pairing", ["-X", "POST", "-H", "Origin: https://spam.example"])
            XCTAssertEqual(result.status, 403, result.text)
            XCTAssertEqual(result.problem, "pairing-refused")
            XCTAssertNil(result.headers["access-control-allow-origin"])
        }
        XCTAssertEqual(agent.events.filter { $0.event == "pairing" }.count, 1, "the clerk is asked once, not three times")
        XCTAssertEqual(try daemon.tcp("/v1/status", ["-H", "Origin: https://spam.example"]).problem, "origin-not-allowed")
    }

    func testTheMostRecentlyActiveAgentGetsTheRequestAndAnotherTakesOverWhenItLeaves() throws {
        let daemon = try Daemon()
        let pins = [env["PODPIS_SEAL_TOKEN"]!: env["PODPIS_SEAL_PIN"]!]
        let seal = try sealID(daemon)
        let older = try ScriptedAgent(daemon, pins: pins)
        let release = daemon.dir.appendingPathComponent("never").path
        var newer: ScriptedAgent? = try ScriptedAgent(daemon, pins: pins, hold: env["PODPIS_SEAL_TOKEN"]!, release: release)
        let file = try document(daemon)
        let request = try Background.start("curl", [
            "-sS", "-o", daemon.dir.appendingPathComponent("out.p7s").path, "-w", "%{http_code}", "--unix-socket", daemon.socket,
            "-H", "Content-Type: text/plain", "--data-binary", "@\(file)",
            "http://localhost/v1/sign?name=pismo.txt&format=cades&packaging=detached&certificate=\(seal)",
        ], output: daemon.dir.appendingPathComponent("curl.out").path)
        XCTAssertTrue(TestBench.waitUntil(timeout: 10) { newer!.consents.count == 1 }, "the newest agent gets it")
        XCTAssertEqual(older.consents.count, 0, "the older agent is not asked")
        newer = nil  // the clerk closes that terminal
        XCTAssertTrue(TestBench.waitUntil(timeout: 10) { older.consents.count == 1 }, "the open request moves to the remaining agent")
        XCTAssertNotNil(TestBench.reap(request, within: 60), "curl got its answer")
        TestBench.stop(request, grace: 0)
        XCTAssertEqual(try String(contentsOfFile: daemon.dir.appendingPathComponent("curl.out").path, encoding: .utf8), "200")
        let verify = try TestBench.runCapturing("openssl", [
            "cms", "-verify", "-binary", "-inform", "DER", "-in", daemon.dir.appendingPathComponent("out.p7s").path, "-content", file,
            "-CAfile", try TestBench.pki("chain.pem"), "-purpose", "any", "-out", "/dev/null",
        ])
        XCTAssertEqual(verify.status, 0, verify.stderr)
    }
}
