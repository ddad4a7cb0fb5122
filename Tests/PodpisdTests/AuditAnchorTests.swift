import Foundation
import TestBench
import XCTest

/// The audit trail's end is anchored (audit.jsonl.head: count, size, last
/// hash, HMAC under audit.jsonl.key): `podpis audit verify` fails on a trail
/// cut short, deleted, or replaced by an older copy, and on an anchor forged
/// without the key; podpisd writes no more lines to such a trail and
/// releases no signature whose audit line cannot be written.
final class AuditAnchorTests: XCTestCase {
    func podpis(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        try TestBench.runCapturing(PINAgentTests.podpis, arguments, environment: ["LANG": "en_US.UTF-8", "LC_ALL": ""])
    }

    /// Signs one small document over the Unix socket with the bench's seal certificate.
    func sign(_ daemon: Daemon, _ name: String) throws -> HTTPResult {
        let id = try daemon.sealCertificateID()
        let document = daemon.dir.appendingPathComponent("pismo.txt").path
        try Data("Pismo \(name)".utf8).write(to: URL(fileURLWithPath: document))
        return try daemon.unix("/v1/sign?name=\(name)&format=cades&packaging=detached&certificate=\(id)", [
            "-H", "Content-Type: text/plain", "--data-binary", "@\(document)",
        ])
    }

    func copy(_ from: String, _ to: String) throws {
        try? FileManager.default.removeItem(atPath: to)
        try FileManager.default.copyItem(atPath: from, toPath: to)
    }

    func lines(_ path: String) throws -> [String] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    func testTheDaemonsTrailCutShortOrDeletedFailsVerifyAndStopsSigning() throws {
        let env = try TestBench.require()
        let daemon = try Daemon()
        let trail = daemon.auditFile
        try withExtendedLifetime(try ScriptedAgent(daemon, pins: [env["PODPIS_SEAL_TOKEN"]!: env["PODPIS_SEAL_PIN"]!])) {
            XCTAssertEqual(try sign(daemon, "first.txt").status, 200)
            XCTAssertEqual(try sign(daemon, "second.txt").status, 200)
            let intact = try podpis(["audit", "verify", "--file", trail])
            XCTAssertEqual(intact.status, 0, intact.stdout + intact.stderr)
            XCTAssertTrue(intact.stdout.contains("2 line(s), chain intact, its end anchored"), intact.stdout)

            // The last line cut: verify fails and says so.
            let first = try XCTUnwrap(try lines(trail).first)
            try Data((first + "\n").utf8).write(to: URL(fileURLWithPath: trail))
            let cut = try podpis(["audit", "verify", "--file", trail])
            XCTAssertEqual(cut.status, 2, cut.stdout)
            XCTAssertTrue(cut.stdout.contains("1 line(s), but its anchor says 2: lines were cut from its end"), cut.stdout)
            // podpisd neither writes to that trail nor releases a signature.
            let refused = try sign(daemon, "third.txt")
            XCTAssertEqual(refused.status, 503, refused.text)
            XCTAssertEqual(refused.problem, "audit-unavailable", refused.text)
            XCTAssertTrue(refused.text.contains("shorter than its anchor"), refused.text)
            XCTAssertEqual(try lines(trail).count, 1, "nothing appended to a trail that no longer fits its anchor")

            // The file deleted: verify fails; podpisd does not start a fresh trail that would pass.
            try FileManager.default.removeItem(atPath: trail)
            let deleted = try podpis(["audit", "verify", "--file", trail])
            XCTAssertEqual(deleted.status, 2, deleted.stdout + deleted.stderr)
            XCTAssertTrue(deleted.stdout.contains("the trail is gone, but its anchor"), deleted.stdout)
            XCTAssertTrue(deleted.stdout.contains("says 2 line(s): it was deleted"), deleted.stdout)
            let afterDelete = try sign(daemon, "fourth.txt")
            XCTAssertEqual(afterDelete.status, 503, afterDelete.text)
            XCTAssertEqual(afterDelete.problem, "audit-unavailable", afterDelete.text)
        }
        let recreated = try podpis(["audit", "verify", "--file", trail])
        XCTAssertEqual(recreated.status, 2, recreated.stdout + recreated.stderr)
        XCTAssertTrue(recreated.stdout.contains("0 line(s), but its anchor says 2"), recreated.stdout)
    }

    func testVerifyFindsATrailCutShortDeletedReplacedByAnOlderCopyOrWithAForgedAnchor() throws {
        let env = try TestBench.require()
        let daemon = try Daemon()
        let trail = daemon.auditFile
        let older = daemon.dir.appendingPathComponent("older.jsonl").path
        try withExtendedLifetime(try ScriptedAgent(daemon, pins: [env["PODPIS_SEAL_TOKEN"]!: env["PODPIS_SEAL_PIN"]!])) {
            XCTAssertEqual(try sign(daemon, "first.txt").status, 200)
            try copy(trail, older)
            XCTAssertEqual(try sign(daemon, "second.txt").status, 200)
            XCTAssertEqual(try sign(daemon, "third.txt").status, 200)
        }
        let all = try lines(trail)
        XCTAssertEqual(all.count, 3)
        let intact = try podpis(["audit", "verify", "--file", trail])
        XCTAssertEqual(intact.status, 0, intact.stdout + intact.stderr)
        XCTAssertTrue(intact.stdout.contains("3 line(s), chain intact, its end anchored"), intact.stdout)
        // The anchor's key: 32 bytes, the daemon's user's only.
        var info = stat()
        XCTAssertEqual(stat(trail + ".key", &info), 0)
        XCTAssertEqual(info.st_mode & 0o777, 0o600)
        XCTAssertEqual(info.st_size, 32)
        let anchor = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: trail + ".head"))) as? [String: Any])
        XCTAssertEqual(anchor["count"] as? Int, 3)
        XCTAssertTrue(all[2].hasPrefix("{\"hash\":\"\(anchor["hash"] as? String ?? "-")\""), "the anchor names the last line")

        /// A copy of the trail (its lines, or no file at all) beside a copy of its anchor and key.
        func tampered(_ name: String, lines kept: [String]?, anchor head: Data? = nil) throws -> (status: Int32, stdout: String) {
            let path = daemon.dir.appendingPathComponent("\(name).jsonl").path
            if let kept { try Data(kept.map { $0 + "\n" }.joined().utf8).write(to: URL(fileURLWithPath: path)) }
            if let head { try head.write(to: URL(fileURLWithPath: path + ".head")) } else { try copy(trail + ".head", path + ".head") }
            try copy(trail + ".key", path + ".key")
            let result = try podpis(["audit", "verify", "--file", path])
            return (result.status, result.stdout)
        }
        let cut = try tampered("cut", lines: Array(all.prefix(2)))
        XCTAssertEqual(cut.status, 2, cut.stdout)
        XCTAssertTrue(cut.stdout.contains("2 line(s), but its anchor says 3: lines were cut from its end"), cut.stdout)
        let emptied = try tampered("emptied", lines: [])
        XCTAssertEqual(emptied.status, 2, emptied.stdout)
        XCTAssertTrue(emptied.stdout.contains("0 line(s), but its anchor says 3"), emptied.stdout)
        let replaced = try tampered("replaced", lines: try lines(older))
        XCTAssertEqual(replaced.status, 2, replaced.stdout)
        XCTAssertTrue(replaced.stdout.contains("1 line(s), but its anchor says 3"), replaced.stdout)
        let deleted = try tampered("deleted", lines: nil)
        XCTAssertEqual(deleted.status, 2, deleted.stdout)
        XCTAssertTrue(deleted.stdout.contains("says 3 line(s): it was deleted"), deleted.stdout)
        // An anchor rewritten to fit the cut trail, without the key: its MAC does not match.
        let secondHash = String(all[1].dropFirst("{\"hash\":\"".count).prefix(64))
        let size = all.prefix(2).map { $0.utf8.count + 1 }.reduce(0, +)
        let forgedHead = "{\"count\":2,\"hash\":\"\(secondHash)\",\"mac\":\"\(anchor["mac"] as? String ?? "")\",\"size\":\(size)}\n"
        let forged = try tampered("forged", lines: Array(all.prefix(2)), anchor: Data(forgedHead.utf8))
        XCTAssertEqual(forged.status, 2, forged.stdout)
        XCTAssertTrue(forged.stdout.contains("does not carry the MAC of the trail's key"), forged.stdout)
        // A trail with no anchor at all cannot show where it ended.
        let bare = daemon.dir.appendingPathComponent("bare.jsonl").path
        try Data(all.prefix(2).map { $0 + "\n" }.joined().utf8).write(to: URL(fileURLWithPath: bare))
        let unanchored = try podpis(["audit", "verify", "--file", bare])
        XCTAssertEqual(unanchored.status, 2, unanchored.stdout)
        XCTAssertTrue(unanchored.stdout.contains("no anchor"), unanchored.stdout)
    }

    func testAnUnwritableTrailStopsTheSignatureBeforeTheClerkIsAsked() throws {
        let env = try TestBench.require()
        let daemon = try Daemon()
        // A directory where the trail should be: no line can be written (root included).
        try FileManager.default.createDirectory(atPath: daemon.auditFile, withIntermediateDirectories: true)
        let agent = try ScriptedAgent(daemon, pins: [env["PODPIS_SEAL_TOKEN"]!: env["PODPIS_SEAL_PIN"]!])
        let result = try sign(daemon, "pismo.txt")
        XCTAssertEqual(result.status, 503, result.text)
        XCTAssertEqual(result.problem, "audit-unavailable", result.text)
        XCTAssertEqual(result.headers["content-type"], "application/problem+json")
        XCTAssertNotEqual(result.body.first, 0x30, "no CMS signature in the answer")
        XCTAssertTrue(result.text.contains("Is a directory"), "the reason: \(result.text)")
        XCTAssertTrue(agent.consents.isEmpty, "the clerk is not asked for a PIN for a signature that could not be released")
    }

    func testATrailThatFailsWhileTheClerkApprovesReleasesNoSignature() throws {
        let env = try TestBench.require()
        let daemon = try Daemon()
        let release = daemon.dir.appendingPathComponent("release").path
        let agent = try ScriptedAgent(daemon, pins: [env["PODPIS_SEAL_TOKEN"]!: env["PODPIS_SEAL_PIN"]!], hold: env["PODPIS_SEAL_TOKEN"]!, release: release)
        let document = daemon.dir.appendingPathComponent("pismo.txt").path
        try Data("Pismo\n".utf8).write(to: URL(fileURLWithPath: document))
        let body = daemon.dir.appendingPathComponent("answer.body").path, status = daemon.dir.appendingPathComponent("answer.status").path
        let curl = try Background.start("curl", [
            "-s", "-o", body, "-w", "%{http_code}", "--unix-socket", daemon.socket,
            "http://localhost/v1/sign?name=pismo.txt&format=cades&packaging=detached&certificate=\(try daemon.sealCertificateID())",
            "-H", "Content-Type: text/plain", "--data-binary", "@\(document)",
        ], output: status)
        defer { Background.stop(curl) }
        XCTAssertTrue(TestBench.waitUntil(timeout: 15) { !agent.consents.isEmpty }, "the clerk was asked")
        // While the clerk types the PIN, the trail becomes unwritable.
        try? FileManager.default.removeItem(atPath: daemon.auditFile)
        try FileManager.default.createDirectory(atPath: daemon.auditFile, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: release, contents: Data())
        XCTAssertTrue(TestBench.waitUntil(timeout: 20) { ((try? String(contentsOfFile: status, encoding: .utf8)) ?? "").count == 3 }, "answered")
        XCTAssertEqual(try String(contentsOfFile: status, encoding: .utf8), "503")
        let answer = try Data(contentsOf: URL(fileURLWithPath: body))
        XCTAssertNotEqual(answer.first, 0x30, "the signature the card made is not released")
        let problem = try XCTUnwrap(try JSONSerialization.jsonObject(with: answer) as? [String: Any], String(decoding: answer, as: UTF8.self))
        XCTAssertEqual(problem["code"] as? String, "audit-unavailable")
        let log = try String(contentsOfFile: daemon.log, encoding: .utf8)
        XCTAssertTrue(log.contains("cannot write the audit trail"), log)
    }
}
