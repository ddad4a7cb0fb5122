import Foundation
import TestBench
import XCTest

/// A seal profile and a clerk's signature on the same token in one podpisd.
/// PKCS#11 keeps one login per process and token, so the token cannot serve
/// both: the clerk's logout used to pull the token from under the seal (the
/// hot folder's next document failed with CKR_OBJECT_HANDLE_INVALID), and
/// while the seal keeps it logged in, a clerk's login is never checked (the
/// token answers CKR_USER_ALREADY_LOGGED_IN, or the session is simply logged
/// in): any PIN signed. The seal's token is kept apart: a signature with
/// another key on it is refused before the clerk is asked. Here the seal's
/// key is Anna Nowak's P-256 key on the bench's "Podpis Signer" token; the
/// clerk tries Piotr Wiśniewski's key on the same token with a wrong PIN,
/// then signs with a key on the other token.
final class SealSharedTokenTests: BenchTestCase {
    func testAClerksSignatureOnTheSealsTokenIsRefusedBeforeThePINAndTheSealGoesOn() throws {
        let base = try scratchDirectory()
        let hot = base.appendingPathComponent("hot")
        func folder(_ name: String) -> URL { hot.appendingPathComponent(name) }
        let daemon = try SealingTests.hotFolderDaemon(
            env: env, base: base, certificate: String(try OpenSSL.certificateSHA256("person-ec").prefix(16)), pin: env["PODPIS_SIGNER_PIN"]!)
        XCTAssertTrue(TestBench.waitUntil(timeout: 20) { daemon.logText.contains("seal profile zaswiadczenia: logged in") }, daemon.logText)
        // The Signer token's PIN given wrong: the token must never be the one to (not) judge it.
        let agent = try ScriptedAgent(daemon, pins: [env["PODPIS_SIGNER_TOKEN"]!: "000000", env["PODPIS_SEAL_TOKEN"]!: env["PODPIS_SEAL_PIN"]!])
        defer { withExtendedLifetime(agent) {} }

        func seal(_ name: String) throws {
            try Data("<?xml version=\"1.0\"?>\n<zaswiadczenie nr=\"\(name)\"><tresc>Zaświadcza się</tresc></zaswiadczenie>\n".utf8)
                .write(to: folder("inbox").appendingPathComponent(name))
            XCTAssertTrue(TestBench.waitUntil(timeout: 20) {
                FileManager.default.fileExists(atPath: folder("done").appendingPathComponent(name).path)
                    || FileManager.default.fileExists(atPath: folder("failed").appendingPathComponent(name + ".reason.txt").path)
            }, daemon.logText)
            let reason = (try? String(contentsOf: folder("failed").appendingPathComponent(name + ".reason.txt"), encoding: .utf8)) ?? ""
            XCTAssertEqual(reason, "", "\(name) failed")
            XCTAssertTrue(FileManager.default.fileExists(atPath: folder("outbox").appendingPathComponent(name + ".xades").path), name)
        }
        func clerkSigns(_ n: Int, holder: String) throws -> (HTTPResult, String) {
            let document = base.appendingPathComponent("pismo-\(n).txt").path
            try Data("Pismo \(n) do podpisu urzędnika\n".utf8).write(to: URL(fileURLWithPath: document))
            let clerk = try daemon.certificateID { "\($0)".contains(holder) }
            return (try daemon.signDetached(document, name: "pismo-\(n).txt", certificate: clerk), document)
        }

        try seal("a.xml")
        let (refused, _) = try clerkSigns(1, holder: "Piotr")
        XCTAssertEqual(refused.status, 409, String(decoding: refused.body, as: UTF8.self) + daemon.logText)
        let problem = try XCTUnwrap(try JSONSerialization.jsonObject(with: refused.body) as? [String: Any], String(decoding: refused.body, as: UTF8.self))
        XCTAssertEqual(problem["code"] as? String, "token-held-by-seal", "\(problem)")
        XCTAssertTrue((problem["detail"] as? String ?? "").contains(env["PODPIS_SIGNER_TOKEN"]!), "the token is named: \(problem)")
        XCTAssertTrue(agent.consents.isEmpty, "the clerk was not asked for a PIN nobody would check: \(agent.consents)")
        try seal("b.xml")
        // A key on another token signs as ever, with its PIN checked by its token.
        let (signed, document) = try clerkSigns(2, holder: "Urząd")
        XCTAssertEqual(signed.status, 200, String(decoding: signed.body, as: UTF8.self) + daemon.logText)
        XCTAssertTrue(try signed.verifiesAsDetachedCMS(over: document, keptIn: base), "the signature on the other token")
        XCTAssertEqual(agent.consents.count, 1, "\(agent.consents)")
        try seal("c.xml")
        XCTAssertFalse(daemon.logText.contains("handle-invalid"), daemon.logText)
        try SealOutputs.verifyEach(["a.xml.xades", "b.xml.xades", "c.xml.xades"], in: folder("outbox"), over: folder("done"))
        // The audit trail: the three seals and the one signature made, and the refusal with its code.
        let lines = try String(contentsOfFile: daemon.auditFile, encoding: .utf8).split(separator: "\n")
        let entries = lines.compactMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["entry"] as? [String: Any] }
        let outcomes = entries.map { "\($0["result"] as? String ?? "?") \($0["problem"] as? String ?? "-")" }
        XCTAssertEqual(outcomes.sorted(), ["failed token-held-by-seal"] + Array(repeating: "signed -", count: 4), lines.joined(separator: "\n"))
    }
}
