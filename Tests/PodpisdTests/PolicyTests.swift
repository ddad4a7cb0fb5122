import Foundation
import TestBench
import XCTest

/// `[[policy]]` on the real bench: per certificate, which local users and
/// which origins may use it, how many documents one consent covers, and how
/// long the token stays logged in after a PIN (never for a key that wants
/// its PIN for every signature).
final class PolicyTests: BenchTestCase {
    /// The certificate id (SHA-256 of its DER) of a bench PKI object.
    func id(_ name: String) throws -> String { try OpenSSL.certificateSHA256(name) }

    func daemon() throws -> Daemon {
        let me = String(cString: getpwuid(getuid())!.pointee.pw_name)
        return try Daemon(extraSections: """
            [[policy]]
            certificate = "\(try id("seal").prefix(16))"
            users = ["\(me)"]
            origins = ["https://ezd.example.gov.pl"]
            pin_cache_seconds = 60
            max_documents = 2

            [[policy]]
            certificate = "\(try id("person-ec"))"
            users = ["65534"]

            [[policy]]
            certificate = "\(try id("person-rsa").prefix(12))"
            pin_cache_seconds = 60

            [[policy]]
            certificate = "\(try id("person-pss").prefix(12))"
            pin_cache_seconds = 2
            """)
    }

    func sign(_ daemon: Daemon, _ certificate: String, name: String, tcp headers: [String]? = nil) throws -> (HTTPResult, String) {
        let file = daemon.dir.appendingPathComponent(name).path
        try Data("Dokument \(name) \(UUID())\n".utf8).write(to: URL(fileURLWithPath: file))
        return (try daemon.signDetached(file, name: name, certificate: certificate, tcp: headers), file)
    }

    func testUsersOriginsAndDocumentsPerConsentAreCheckedBeforeTheClerkIsAsked() throws {
        let daemon = try daemon()
        let agent = try ScriptedAgent(daemon, pins: [env["PODPIS_SEAL_TOKEN"]!: env["PODPIS_SEAL_PIN"]!], pairing: "always")

        let (ec, _) = try sign(daemon, try id("person-ec"), name: "a.txt")
        XCTAssertEqual(ec.status, 403, ec.text)
        XCTAssertEqual(ec.problem, "user-not-allowed")

        let otherPage = try daemon.pair(origin: "https://app.example:8080")
        let (page, _) = try sign(daemon, try id("seal"), name: "b.txt", tcp: ["Origin: https://app.example:8080", "Authorization: Bearer \(otherPage)"])
        XCTAssertEqual(page.status, 403, page.text)
        XCTAssertEqual(page.problem, "origin-not-allowed-for-certificate")

        let documents = (1...3).map { ["name": "d\($0).txt", "content": Data("dokument \($0)".utf8).base64EncodedString()] }
        let body = daemon.dir.appendingPathComponent("three.json").path
        try JSONSerialization.data(withJSONObject: [
            "format": "cades", "packaging": "detached", "certificate": try id("seal"), "documents": documents,
        ]).write(to: URL(fileURLWithPath: body))
        let three = try daemon.unix("/v1/sign", ["-H", "Content-Type: application/json", "--data-binary", "@\(body)"])
        XCTAssertEqual(three.status, 422, three.text)
        XCTAssertEqual(three.problem, "too-many-documents")
        XCTAssertTrue(agent.consents.isEmpty, "nothing reached the clerk: \(agent.consents)")

        // The allowed page and the allowed user sign.
        let (allowed, file) = try sign(daemon, try id("seal"), name: "c.txt", tcp: ["Origin: https://ezd.example.gov.pl", "Authorization: Bearer \(try daemon.pair())"])
        XCTAssertEqual(allowed.status, 200, allowed.text)
        XCTAssertTrue(try allowed.verifiesAsDetachedCMS(over: file, keptIn: daemon.dir))
    }

    func testACachedLoginAsksOnlyYesNoUntilItExpiresAndNeverForAlwaysAuthenticateKeys() throws {
        let daemon = try daemon()
        let agent = try ScriptedAgent(daemon, pins: [
            env["PODPIS_SEAL_TOKEN"]!: env["PODPIS_SEAL_PIN"]!, env["PODPIS_SIGNER_TOKEN"]!: env["PODPIS_SIGNER_PIN"]!,
        ])
        func consent(_ index: Int) -> [String: Any] { agent.consents[index] }

        // The seal: a PIN once, then yes/no while the login is kept.
        for (index, name) in ["s1.txt", "s2.txt"].enumerated() {
            let (result, file) = try sign(daemon, try id("seal"), name: name)
            XCTAssertEqual(result.status, 200, result.text)
            XCTAssertTrue(try result.verifiesAsDetachedCMS(over: file, keptIn: daemon.dir))
            XCTAssertEqual(agent.consents.count, index + 1)
        }
        XCTAssertEqual(consent(0)["needsPIN"] as? Bool, true)
        XCTAssertEqual(consent(1)["needsPIN"] as? Bool, false, "the second request only asks yes/no")
        XCTAssertNotNil((consent(1)["token"] as? [String: Any])?["loggedInUntil"] as? String)

        // Jan Kowalski's key wants its PIN for every signature: never kept.
        for name in ["r1.txt", "r2.txt"] {
            let (result, file) = try sign(daemon, try id("person-rsa"), name: name)
            XCTAssertEqual(result.status, 200, result.text)
            XCTAssertTrue(try result.verifiesAsDetachedCMS(over: file, keptIn: daemon.dir))
        }
        XCTAssertEqual(consent(2)["needsPIN"] as? Bool, true)
        XCTAssertEqual(consent(3)["needsPIN"] as? Bool, true, "CKA_ALWAYS_AUTHENTICATE: a PIN every time")

        // Kept for 2 s: after that a PIN again.
        let (p1, _) = try sign(daemon, try id("person-pss"), name: "p1.txt")
        XCTAssertEqual(p1.status, 200, p1.text)
        Thread.sleep(forTimeInterval: 3)
        let (p2, _) = try sign(daemon, try id("person-pss"), name: "p2.txt")
        XCTAssertEqual(p2.status, 200, p2.text)
        XCTAssertEqual(consent(4)["needsPIN"] as? Bool, true)
        XCTAssertEqual(consent(5)["needsPIN"] as? Bool, true, "the kept login expired")

        // Another certificate on the same token as a kept login asks its own PIN.
        let (q1, _) = try sign(daemon, try id("person-pss"), name: "q1.txt")
        XCTAssertEqual(q1.status, 200)
        let (jan, _) = try sign(daemon, try id("person-rsa"), name: "j.txt")
        XCTAssertEqual(jan.status, 200, jan.text)
        XCTAssertEqual(consent(7)["needsPIN"] as? Bool, true)
    }
}
