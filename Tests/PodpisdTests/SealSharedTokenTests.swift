import Foundation
import TestBench
import XCTest

/// A seal profile and a clerk's signature on the same token in one podpisd:
/// the clerk's request logs in, signs and ends its login; PKCS#11 keeps one
/// login per process and token, so that logout used to pull the token from
/// under the seal (the hot folder's next document failed with
/// CKR_OBJECT_HANDLE_INVALID). Here the seal's key is Anna Nowak's P-256 key
/// on the bench's "Podpis Signer" token, the clerk signs with Piotr
/// Wiśniewski's key on the same token.
final class SealSharedTokenTests: BenchTestCase {
    func testAClerksSignatureOnTheSealsTokenDoesNotBreakTheSeal() throws {
        let base = try scratchDirectory()
        let hot = base.appendingPathComponent("hot")
        func folder(_ name: String) -> URL { hot.appendingPathComponent(name) }
        let daemon = try SealingTests.hotFolderDaemon(
            env: env, base: base, certificate: String(try OpenSSL.certificateSHA256("person-ec").prefix(16)), pin: env["PODPIS_SIGNER_PIN"]!)
        XCTAssertTrue(TestBench.waitUntil(timeout: 20) { daemon.logText.contains("seal profile zaswiadczenia: logged in") }, daemon.logText)
        let agent = try ScriptedAgent(daemon, pins: [env["PODPIS_SIGNER_TOKEN"]!: env["PODPIS_SIGNER_PIN"]!])
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
        func clerkSigns(_ n: Int) throws {
            let document = base.appendingPathComponent("pismo-\(n).txt").path
            try Data("Pismo \(n) do podpisu urzędnika\n".utf8).write(to: URL(fileURLWithPath: document))
            let clerk = try daemon.certificateID { "\($0)".contains("Piotr") }
            let signed = try daemon.signDetached(document, name: "pismo-\(n).txt", certificate: clerk)
            XCTAssertEqual(signed.status, 200, signed.text + daemon.logText)
            XCTAssertTrue(try signed.verifiesAsDetachedCMS(over: document, keptIn: base), "the clerk's signature \(n)")
        }

        try seal("a.xml")
        try clerkSigns(1)
        // The clerk's request ended its login: the seal goes on, on the same token.
        try seal("b.xml")
        try clerkSigns(2)
        try seal("c.xml")
        XCTAssertFalse(daemon.logText.contains("handle-invalid"), daemon.logText)
        try SealOutputs.verifyEach(["a.xml.xades", "b.xml.xades", "c.xml.xades"], in: folder("outbox"), over: folder("done"))
        // Each signature in the audit trail: three seals and two of the clerk's, none failed.
        let lines = try String(contentsOfFile: daemon.auditFile, encoding: .utf8).split(separator: "\n")
        let results = lines.compactMap { ((try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["entry"] as? [String: Any])?["result"] as? String }
        XCTAssertEqual(results, Array(repeating: "signed", count: 5), lines.joined(separator: "\n"))
    }
}
