import Foundation
import TestBench
import XCTest

/// podpisd on the real bench, spoken to with curl over its Unix socket and
/// loopback TCP; every signature judged by xmlsec1 or openssl.
final class PodpisdAPITests: XCTestCase {
    var env: [String: String] = [:]

    override func setUpWithError() throws { env = try TestBench.require() }

    func sealID(_ daemon: Daemon) throws -> String {
        let certificates = try XCTUnwrap(try daemon.unix("/v1/certificates").json["certificates"] as? [[String: Any]])
        return try XCTUnwrap(certificates.first { $0["qualifiedForSealing"] as? Bool == true }?["id"] as? String)
    }

    func certificateID(_ daemon: Daemon, holder: String) throws -> String {
        let certificates = try XCTUnwrap(try daemon.unix("/v1/certificates").json["certificates"] as? [[String: Any]])
        return try XCTUnwrap(certificates.first { (($0["facts"] as? [String: Any])?["commonName"] as? String) == holder }?["id"] as? String)
    }

    func xmlsec1(_ path: String) throws -> Bool {
        let result = try TestBench.runCapturing("/bin/sh", [
            "-c", "cd \"$(dirname \"$0\")\" && exec xmlsec1 --verify --enabled-key-data x509 --trusted-pem \"$1\" --untrusted-pem \"$2\" --id-attr:Id 'http://uri.etsi.org/01903/v1.3.2#:SignedProperties' \"$0\"",
            path, try TestBench.pki("root.pem"), try TestBench.pki("ca.pem"),
        ])
        return result.status == 0 && (result.stdout + result.stderr).hasPrefix("OK")
    }

    func opensslCMS(_ path: String, content: String? = nil) throws -> Bool {
        var args = ["cms", "-verify", "-binary", "-inform", "DER", "-in", path, "-out", "/dev/null", "-purpose", "any", "-CAfile", try TestBench.pki("chain.pem")]
        if let content { args += ["-content", content] }
        return try TestBench.runCapturing("openssl", args).status == 0
    }

    func write(_ data: Data, _ dir: URL, _ name: String) throws -> String {
        let path = dir.appendingPathComponent(name).path
        try data.write(to: URL(fileURLWithPath: path))
        return path
    }

    func testListingsOverTheUnixSocketAndTCP() throws {
        let daemon = try Daemon()
        for get in [{ try daemon.unix($0) }, { try daemon.tcp($0) }] as [(String) throws -> HTTPResult] {
            let status = try get("/v1/status")
            XCTAssertEqual(status.status, 200)
            XCTAssertEqual(status.json["api"] as? String, "v1")
            XCTAssertNotNil(status.headers["x-request-id"])
            let readers = try get("/v1/readers").json["readers"] as? [[String: Any]] ?? []
            XCTAssertTrue(readers.contains { $0["name"] as? String == env["PODPIS_OPENPGP_READER"] }, "\(readers)")
            let tokens = (try get("/v1/tokens").json["tokens"] as? [[String: Any]] ?? []).compactMap { $0["label"] as? String }
            XCTAssertEqual(Set(tokens), [env["PODPIS_SEAL_TOKEN"]!, env["PODPIS_SIGNER_TOKEN"]!])
            let certificates = try get("/v1/certificates")
            XCTAssertEqual(certificates.json["schema"] as? String, "podpis.certs/1")
            XCTAssertEqual((certificates.json["certificates"] as? [Any])?.count, 6)
        }
        let seal = try sealID(daemon)
        let one = try daemon.tcp("/v1/certificates/\(seal)")
        XCTAssertEqual((one.json["facts"] as? [String: Any])?["commonName"] as? String, "Urząd Gminy Testowo")
        let pem = try daemon.unix("/v1/certificates/\(seal)/pem")
        XCTAssertEqual(pem.headers["content-type"], "application/pem-certificate-chain")
        let expected = try TestBench.run("openssl", ["x509", "-in", try TestBench.pki("seal.pem")])
        XCTAssertEqual(pem.text.trimmingCharacters(in: .whitespacesAndNewlines), expected.trimmingCharacters(in: .whitespacesAndNewlines))
        XCTAssertEqual(try daemon.unix("/v1/certificates/ffffffffffff").problem, "unknown-certificate")
        XCTAssertTrue(try daemon.unix("/v1/openapi.yaml").text.hasPrefix("openapi: 3.1"))
    }

    func testSignXAdESAndCAdESInEachOfTheThreeRequestForms() throws {
        // (c) sends digests alone over TCP, which only `digest_only = "always"` allows.
        let daemon = try Daemon(extraSections: "[[policy]]\ncertificate = \"*\"\ndigest_only = \"always\"\n")
        let agent = try ScriptedAgent(daemon, pins: [env["PODPIS_SEAL_TOKEN"]!: env["PODPIS_SEAL_PIN"]!], pairing: "once")
        let seal = try sealID(daemon)
        let dir = daemon.dir
        let pdfData = Data((0..<50_000).map { UInt8(truncatingIfNeeded: $0 &* 7) })
        let pdf = try write(pdfData, dir, "zaświadczenie.pdf")
        let xmlText = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<wniosek xmlns=\"urn:ezd\"><tresc>Proszę o zaświadczenie</tresc></wniosek>\n"

        // (a) raw body, XAdES detached, over TCP (a program without an Origin, paired by the clerk).
        let programToken = try daemon.pair(origin: nil)
        let raw = try daemon.tcp("/v1/sign?name=za%C5%9Bwiadczenie.pdf&format=xades&packaging=detached&certificate=\(seal)",
                                 ["--data-binary", "@\(pdf)", "-H", "Content-Type: application/pdf", "-H", "Authorization: Bearer \(programToken)"])
        XCTAssertEqual(raw.status, 200, raw.text)
        XCTAssertEqual(raw.headers["content-type"], "application/xml")
        XCTAssertTrue(raw.headers["content-disposition"]?.contains("filename*=UTF-8''za%C5%9Bwiadczenie.pdf.xades") ?? false, "\(raw.headers)")
        XCTAssertTrue(try xmlsec1(try write(raw.body, dir, "zaświadczenie.pdf.xades")))

        // (a) raw body, CAdES detached, over the Unix socket.
        let rawCAdES = try daemon.unix("/v1/sign?name=zaswiadczenie.pdf&format=cades&packaging=detached&certificate=\(seal)",
                                       ["--data-binary", "@\(pdf)", "-H", "Content-Type: application/pdf"])
        XCTAssertEqual(rawCAdES.status, 200, rawCAdES.text)
        XCTAssertEqual(rawCAdES.headers["content-type"], "application/pkcs7-signature")
        XCTAssertTrue(try opensslCMS(try write(rawCAdES.body, dir, "raw.p7s"), content: pdf))

        // (b) JSON with base64: XAdES enveloped XML and CAdES attached.
        func json(_ body: [String: Any]) throws -> HTTPResult {
            let file = try write(try JSONSerialization.data(withJSONObject: body), dir, "req-\(UUID().uuidString).json")
            return try daemon.tcp("/v1/sign", ["--data-binary", "@\(file)", "-H", "Content-Type: application/json", "-H", "Authorization: Bearer \(programToken)"])
        }
        let enveloped = try json([
            "format": "xades", "packaging": "enveloped", "certificate": seal, "commitment": "approval", "role": "Kierownik Referatu",
            "documents": [["name": "wniosek.xml", "content": Data(xmlText.utf8).base64EncodedString()]],
        ])
        XCTAssertEqual(enveloped.status, 200, enveloped.text)
        let envelopedSignature = try XCTUnwrap((enveloped.json["signatures"] as? [[String: Any]])?.first)
        XCTAssertEqual(envelopedSignature["name"] as? String, "wniosek.xml.xades")
        let envelopedBytes = try XCTUnwrap(Data(base64Encoded: envelopedSignature["content"] as? String ?? ""))
        XCTAssertTrue(String(decoding: envelopedBytes, as: UTF8.self).contains("ProofOfApproval"))
        XCTAssertTrue(try xmlsec1(try write(envelopedBytes, dir, "wniosek.xml.xades")))

        let attached = try json(["format": "cades", "packaging": "enveloping", "certificate": seal,
                                 "documents": [["name": "z.pdf", "content": pdfData.base64EncodedString()]]])
        XCTAssertEqual(attached.status, 200, attached.text)
        let attachedBytes = try XCTUnwrap(Data(base64Encoded: (attached.json["signatures"] as? [[String: Any]])?.first?["content"] as? String ?? ""))
        XCTAssertTrue(try opensslCMS(try write(attachedBytes, dir, "attached.p7s")))

        // (c) digest only: XAdES detached over two documents (one signature, one consent) and CAdES detached.
        let second = try write(Data("Załącznik nr 1\n".utf8), dir, "załącznik.txt")
        func sha256(_ path: String) throws -> String {
            Data(try OpenSSL.digest("sha256", try Data(contentsOf: URL(fileURLWithPath: path)))).base64EncodedString()
        }
        let consentsBefore = agent.consents.count
        let digestXAdES = try json([
            "format": "xades", "packaging": "detached", "level": "B-T", "certificate": seal,
            "documents": [
                ["name": "zaświadczenie.pdf", "mimeType": "application/pdf", "digest": ["algorithm": "SHA-256", "value": try sha256(pdf)]],
                ["name": "załącznik.txt", "digest": ["algorithm": "SHA-256", "value": try sha256(second)], "size": 17],
            ],
        ])
        XCTAssertEqual(digestXAdES.status, 200, digestXAdES.text)
        let signatures = try XCTUnwrap(digestXAdES.json["signatures"] as? [[String: Any]])
        XCTAssertEqual(signatures.count, 1)
        XCTAssertEqual(signatures[0]["documents"] as? [String], ["zaświadczenie.pdf", "załącznik.txt"])
        let digestBytes = try XCTUnwrap(Data(base64Encoded: signatures[0]["content"] as? String ?? ""))
        XCTAssertTrue(String(decoding: digestBytes, as: UTF8.self).contains("EncapsulatedTimeStamp"))
        XCTAssertTrue(try xmlsec1(try write(digestBytes, dir, "both.xades")))
        XCTAssertEqual(agent.consents.count, consentsBefore + 1, "one consent for both documents")
        let consent = try XCTUnwrap(agent.consents.last)
        XCTAssertEqual((consent["documents"] as? [[String: Any]])?.compactMap { $0["name"] as? String }, ["zaświadczenie.pdf", "załącznik.txt"])

        let digestCAdES = try json(["format": "cades", "packaging": "detached", "certificate": seal,
                                    "documents": [["name": "z.pdf", "digest": ["algorithm": "SHA-256", "value": try sha256(pdf)]]]])
        XCTAssertEqual(digestCAdES.status, 200, digestCAdES.text)
        let cadesBytes = try XCTUnwrap(Data(base64Encoded: (digestCAdES.json["signatures"] as? [[String: Any]])?.first?["content"] as? String ?? ""))
        XCTAssertTrue(try opensslCMS(try write(cadesBytes, dir, "digest.p7s"), content: pdf))

        // What the clerk was shown for the raw request: name, size, SHA-256 of exactly what was signed.
        let first = try XCTUnwrap(agent.consents.first)
        let shown = try XCTUnwrap((first["documents"] as? [[String: Any]])?.first)
        XCTAssertEqual(shown["name"] as? String, "zaświadczenie.pdf")
        XCTAssertEqual(shown["size"] as? Int, pdfData.count)
        XCTAssertEqual(shown["sha256"] as? String, try OpenSSL.digest("sha256", pdfData).map { String(format: "%02x", $0) }.joined())
        XCTAssertEqual((first["certificate"] as? [String: Any])?["holder"] as? String, "Urząd Gminy Testowo")
        XCTAssertEqual((first["requester"] as? [String: Any])?["transport"] as? String, "tcp")
        XCTAssertFalse(daemon.logText.contains(env["PODPIS_SEAL_PIN"]!), "the PIN must not reach the log")
    }

    func testRefusalWrongPINNoAgentAndHostileXMLAreProblems() throws {
        let daemon = try Daemon(agentTimeout: 2)
        let seal = try sealID(daemon)
        let pdf = try write(Data("%PDF-1.7\n".utf8), daemon.dir, "a.pdf")
        let raw = ["--data-binary", "@\(pdf)", "-H", "Content-Type: application/pdf"]

        // No agent at all: after the configured wait, no-agent (503).
        let noAgent = try daemon.unix("/v1/sign?name=a.pdf&certificate=\(seal)", raw)
        XCTAssertEqual(noAgent.status, 503)
        XCTAssertEqual(noAgent.problem, "no-agent")
        XCTAssertTrue((noAgent.json["detail"] as? String ?? "").contains("podpis agent"))

        do {
            let refusing = try ScriptedAgent(daemon, refuse: true)
            let refused = try daemon.unix("/v1/sign?name=a.pdf&certificate=\(seal)", raw)
            XCTAssertEqual(refused.status, 403)
            XCTAssertEqual(refused.problem, "refused")
            XCTAssertEqual(refusing.consents.count, 1)
        }
        do {
            let wrong = try ScriptedAgent(daemon, pins: [env["PODPIS_SEAL_TOKEN"]!: "0000"])
            let result = try daemon.unix("/v1/sign?name=a.pdf&certificate=\(seal)", raw)
            XCTAssertEqual(result.status, 403)
            XCTAssertEqual(result.problem, "wrong-pin")
            XCTAssertEqual(result.json["reason"] as? String, "CKR_PIN_INCORRECT")
            XCTAssertFalse(result.text.contains("0000"))
            XCTAssertEqual(wrong.consents.count, 1, "a wrong PIN is never retried")

            // Hostile XML never reaches the clerk.
            let laughs = "<!DOCTYPE l [<!ENTITY a \"aaaa\"><!ENTITY b \"&a;&a;&a;\">]><l>&b;</l>"
            let xml = try write(Data(laughs.utf8), daemon.dir, "l.xml")
            let hostile = try daemon.unix("/v1/sign?name=l.xml&packaging=enveloped&certificate=\(seal)",
                                          ["--data-binary", "@\(xml)", "-H", "Content-Type: application/xml"])
            XCTAssertEqual(hostile.status, 422)
            XCTAssertEqual(hostile.problem, "bad-document")
            XCTAssertEqual(hostile.json["reason"] as? String, "xml-entity")
            XCTAssertEqual(wrong.consents.count, 1)
        }
    }

    func testBadRequestsGetProblems() throws {
        let daemon = try Daemon(server: "max_body_mib = 1\nmax_json_mib = 1")
        let big = try write(Data(count: 2 << 20), daemon.dir, "big.bin")
        let tooLarge = try daemon.unix("/v1/sign?name=big.bin", ["--data-binary", "@\(big)", "-H", "Content-Type: application/octet-stream"])
        XCTAssertEqual(tooLarge.status, 413)
        XCTAssertEqual(tooLarge.problem, "too-large")
        let bigJSON = try daemon.unix("/v1/sign", ["--data-binary", "@\(big)", "-H", "Content-Type: application/json"])
        XCTAssertEqual(bigJSON.problem, "too-large")

        let cases: [(args: [String], path: String, status: Int, code: String)] = [
            (["--data", "{not json", "-H", "Content-Type: application/json"], "/v1/sign", 400, "bad-json"),
            (["--data", #"{"documents":[{"name":"a","content":"YQ=="}],"color":"red"}"#, "-H", "Content-Type: application/json"], "/v1/sign", 400, "unknown-field"),
            (["--data", #"{"documents":[{"name":"a","digest":{"algorithm":"SHA-256","value":"YQ=="}}]}"#, "-H", "Content-Type: application/json"], "/v1/sign", 400, "bad-request"),
            (["--data", #"{"packaging":"enveloped","documents":[{"name":"a.xml","digest":{"algorithm":"SHA-256","value":"\#(Data(count: 32).base64EncodedString())"}}]}"#, "-H", "Content-Type: application/json"], "/v1/sign", 422, "digest-not-allowed"),
            (["--data", #"{"certificate":"0123456789abcdef","documents":[{"name":"a","content":"YQ=="}]}"#, "-H", "Content-Type: application/json"], "/v1/sign", 404, "unknown-certificate"),
            (["--data-binary", "x", "-H", "Content-Type: text/plain"], "/v1/sign?name=a.txt&colour=red", 400, "unknown-field"),
            (["--data-binary", "x", "-H", "Content-Type: text/plain"], "/v1/sign", 400, "bad-request"),
            ([], "/v2/status", 404, "unsupported-version"),
            ([], "/v1/nothing", 404, "not-found"),
            (["-X", "DELETE"], "/v1/status", 405, "method-not-allowed"),
        ]
        for c in cases {
            let result = try daemon.unix(c.path, c.args)
            XCTAssertEqual(result.status, c.status, "\(c.path) \(c.args): \(result.text)")
            XCTAssertEqual(result.problem, c.code, "\(c.path) \(c.args): \(result.text)")
            XCTAssertNotNil((result.json["message"] as? [String: Any])?["pl"], result.text)
        }
        // TCP defences: Host (DNS rebinding), Origin, the agent interface, CORS for allowed origins only.
        XCTAssertEqual(try daemon.tcp("/v1/status", ["-H", "Host: evil.example:\(daemon.port)"]).problem, "bad-host")
        XCTAssertEqual(try daemon.tcp("/v1/status", ["-H", "Origin: https://evil.example"]).problem, "origin-not-allowed")
        XCTAssertEqual(try daemon.tcp("/v1/agent/requests").problem, "agent-only")
        let allowed = try daemon.tcp("/v1/status", ["-H", "Origin: https://ezd.example.gov.pl"])
        XCTAssertEqual(allowed.headers["access-control-allow-origin"], "https://ezd.example.gov.pl")
        let preflight = try daemon.tcp("/v1/sign", [
            "-X", "OPTIONS", "-H", "Origin: https://ezd.example.gov.pl", "-H", "Access-Control-Request-Method: POST",
            "-H", "Access-Control-Request-Private-Network: true",
        ])
        XCTAssertEqual(preflight.status, 204)
        XCTAssertEqual(preflight.headers["access-control-allow-private-network"], "true")
        XCTAssertNil(try daemon.tcp("/v1/status").headers["access-control-allow-origin"])
        XCTAssertEqual(try daemon.tcp("/v1/status", [], host: "[::1]").status, FileManager.default.fileExists(atPath: "/proc/net/if_inet6") ? 200 : 0)
    }
}
