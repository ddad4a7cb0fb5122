import Foundation
import TestBench
import XCTest

/// A clerk's signature at B-LT and B-LTA through the station (POST /v1/sign
/// with `level`): made in one go by the signature maker, with the validation
/// data gathered through `[verification]`; refused before the clerk is
/// asked when `[verification]` cannot supply it.
final class SignLongTermTests: BenchTestCase {
    func sealID(_ daemon: Daemon) throws -> String {
        let certificates = try XCTUnwrap(try daemon.unix("/v1/certificates").json["certificates"] as? [[String: Any]])
        return try XCTUnwrap(certificates.first { $0["qualifiedForSealing"] as? Bool == true }?["id"] as? String)
    }

    func testAnEnvelopedXAdESAndADetachedCAdESAtBLTAVerifyWithWhatTheyCarry() throws {
        let dir = try scratchDirectory()
        let daemon = try Daemon(extraSections: """
            [verification]
            trust = ["\(try TestBench.pki("root.pem"))"]
            online = true
            allow_addresses = ["127.0.0.1/32"]
            """)
        let agent = try ScriptedAgent(daemon, pins: [env["PODPIS_SEAL_TOKEN"]!: env["PODPIS_SEAL_PIN"]!])
        let seal = try sealID(daemon)
        let xml = dir.appendingPathComponent("wniosek.xml")
        try Data("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<wniosek xmlns=\"urn:ezd\"><tresc>Proszę o zaświadczenie</tresc></wniosek>\n".utf8).write(to: xml)
        let pdf = dir.appendingPathComponent("z.pdf")
        try Data("%PDF-1.7\n% zaświadczenie\n%%EOF\n".utf8).write(to: pdf)

        let cases: [(query: String, file: URL, output: String, level: String, detached: Bool)] = [
            ("name=wniosek.xml&format=xades&packaging=enveloped&level=B-LTA", xml, "wniosek.xml.xades", "XAdES-BASELINE-LTA", false),
            ("name=z.pdf&format=cades&packaging=detached&level=B-LT", pdf, "z.pdf.p7s", "CAdES-BASELINE-LT", true),
        ]
        for (query, file, output, level, detached) in cases {
            let signed = try daemon.unix("/v1/sign?\(query)&certificate=\(seal)", ["--data-binary", "@\(file.path)", "-H", "Content-Type: application/octet-stream"])
            XCTAssertEqual(signed.status, 200, signed.text + daemon.logText)
            let path = dir.appendingPathComponent(output)
            try signed.body.write(to: path)
            var arguments = ["verify", path.path, "--json", "--trust", try TestBench.pki("root.pem"), "--no-trusted-lists",
                             "--revocation-cache", dir.appendingPathComponent("empty").path]
            if detached { arguments += ["--detached", file.path] }
            let verified = try TestBench.runCapturing(TestBench.product("podpis"), arguments)
            let report = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(verified.stdout.utf8)) as? [String: Any], verified.stderr)
            let signature = try XCTUnwrap((report["signatures"] as? [[String: Any]])?.first)
            XCTAssertEqual(signature["level"] as? String, level, query)
            XCTAssertEqual(signature["indication"] as? String, "TOTAL-PASSED", "\(query): \(signature["reason"] ?? "")")
        }
        XCTAssertEqual(agent.consents.count, 2)
    }

    func testWithoutVerificationSettingsBLTIsRefusedBeforeTheClerkIsAsked() throws {
        let daemon = try Daemon()
        let agent = try ScriptedAgent(daemon, pins: [env["PODPIS_SEAL_TOKEN"]!: env["PODPIS_SEAL_PIN"]!])
        let seal = try sealID(daemon)
        let pdf = daemon.dir.appendingPathComponent("z.pdf")
        try Data("%PDF-1.7\n%%EOF\n".utf8).write(to: pdf)
        let refused = try daemon.unix("/v1/sign?name=z.pdf&format=cades&packaging=detached&level=B-LT&certificate=\(seal)",
                                      ["--data-binary", "@\(pdf.path)", "-H", "Content-Type: application/pdf"])
        XCTAssertEqual(refused.status, 400, refused.text)
        XCTAssertTrue(refused.text.contains("[verification]"), refused.text)
        XCTAssertEqual(agent.consents.count, 0, "nobody was asked")
        XCTAssertTrue(daemon.logText.contains("B-LT/B-LTA unavailable"), daemon.logText)
    }
}
