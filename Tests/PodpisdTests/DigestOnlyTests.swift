import Foundation
import TestBench
import XCTest

/// A document sent as its digest alone was never seen by the daemon: the
/// clerk is told so in plain words, no size is shown as if measured, and the
/// certificate's policy (`digest_only`) decides who may ask for it at all —
/// by default local programs on the Unix socket, never a web page over TCP.
final class DigestOnlyTests: XCTestCase {
    var env: [String: String] = [:]
    override func setUpWithError() throws { env = try TestBench.require() }

    func digestRequest(_ daemon: Daemon, seal: String, size: Int = 123_456) throws -> String {
        let digest = Data(try OpenSSL.digest("sha256", Data("Decyzja nr 5/2026\n".utf8))).base64EncodedString()
        let body: [String: Any] = [
            "format": "cades", "packaging": "detached", "certificate": seal,
            "documents": [["name": "decyzja.pdf", "mimeType": "application/pdf", "size": size, "digest": ["algorithm": "SHA-256", "value": digest]]],
        ]
        let file = daemon.dir.appendingPathComponent("digest-\(UUID().uuidString).json").path
        try JSONSerialization.data(withJSONObject: body).write(to: URL(fileURLWithPath: file))
        return file
    }

    func testADigestAloneFromAWebPageIsRefusedByDefaultBeforeTheClerkIsAsked() throws {
        let daemon = try Daemon()
        let agent = try ScriptedAgent(daemon, pins: [env["PODPIS_SEAL_TOKEN"]!: env["PODPIS_SEAL_PIN"]!])
        let seal = try daemon.sealCertificateID()
        let body = try digestRequest(daemon, seal: seal)
        let web = try daemon.tcp("/v1/sign", [
            "-H", "Origin: https://ezd.example.gov.pl", "-H", "Authorization: Bearer \(try daemon.pair())",
            "-H", "Content-Type: application/json", "--data-binary", "@\(body)",
        ])
        XCTAssertEqual(web.status, 403, web.text)
        XCTAssertEqual(web.problem, "digest-only-not-allowed", web.text)
        XCTAssertEqual(agent.consents.count, 0, "nothing was asked")
        XCTAssertFalse(((try? String(contentsOfFile: daemon.auditFile, encoding: .utf8)) ?? "").contains("decyzja.pdf"), "nothing was queued or signed")

        // The same request from a local program on the Unix socket is signed.
        let local = try daemon.unix("/v1/sign", ["-H", "Content-Type: application/json", "--data-binary", "@\(body)"])
        XCTAssertEqual(local.status, 200, local.text)
        let shown = try XCTUnwrap((agent.consents.first?["documents"] as? [[String: Any]])?.first)
        XCTAssertEqual(shown["digestOnly"] as? Bool, true)
        XCTAssertNil(shown["size"] as? Int, "the application's size is not passed on as measured")
    }

    func testTheClerkIsToldTheDigestCameFromTheApplication() throws {
        let daemon = try Daemon()
        let agent = try PINAgentTests.TerminalAgent(daemon, actions: ["pin:\(env["PODPIS_SEAL_PIN"]!)"])
        let seal = try daemon.sealCertificateID()
        let result = try daemon.unix("/v1/sign", ["-H", "Content-Type: application/json", "--data-binary", "@\(try digestRequest(daemon, seal: seal))"])
        XCTAssertEqual(result.status, 200, result.text)
        let screen = agent.text
        XCTAssertTrue(screen.contains("the application supplied the digest; the content was not seen"), screen)
        XCTAssertTrue(screen.contains("decyzja.pdf  (application/pdf, size unknown)"), screen)
        XCTAssertFalse(screen.contains("123456"), "the size the application claimed is not shown as measured: \(screen)")
    }

    func testThePolicyKeyAllowsOrForbidsDigestsPerCertificate() throws {
        // `never` for the seal certificate: not even a local program.
        let probe = try Daemon()
        let seal = try probe.sealCertificateID()
        let strict = try Daemon(extraSections: "[[policy]]\ncertificate = \"\(seal.prefix(16))\"\ndigest_only = \"never\"\n")
        let strictAgent = try ScriptedAgent(strict, pins: [env["PODPIS_SEAL_TOKEN"]!: env["PODPIS_SEAL_PIN"]!])
        let refused = try strict.unix("/v1/sign", ["-H", "Content-Type: application/json", "--data-binary", "@\(try digestRequest(strict, seal: seal))"])
        XCTAssertEqual(refused.status, 403, refused.text)
        XCTAssertEqual(refused.problem, "digest-only-not-allowed")
        XCTAssertEqual(strictAgent.consents.count, 0)

        // `always`: a web page may too.
        let open = try Daemon(extraSections: "[[policy]]\ncertificate = \"*\"\ndigest_only = \"always\"\n")
        let openAgent = try ScriptedAgent(open, pins: [env["PODPIS_SEAL_TOKEN"]!: env["PODPIS_SEAL_PIN"]!])
        let web = try open.tcp("/v1/sign", [
            "-H", "Origin: https://ezd.example.gov.pl", "-H", "Authorization: Bearer \(try open.pair())",
            "-H", "Content-Type: application/json", "--data-binary", "@\(try digestRequest(open, seal: seal))",
        ])
        XCTAssertEqual(web.status, 200, web.text)
        XCTAssertEqual(openAgent.consents.count, 1)
    }
}
