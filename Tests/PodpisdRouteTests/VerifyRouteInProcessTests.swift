import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Localization
import Logging
import NIOCore
import SealService
import Station
import StationAPI
import XCTest

@testable import podpisd

/// POST /v1/verify in process, as a program on the loopback TCP port sends
/// it (Host checked, its pairing token required, no consent asked): the
/// raw, JSON and tar forms give the report of the conformance samples, 200
/// whatever the verdict; what is not a signature file, an unknown field, a
/// body over the limit and a missing name get their problems.
final class VerifyRouteInProcessTests: XCTestCase {
    static let port = 8766
    static let conformance = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("shared/conformance/samples/xades")

    static func sample(_ path: String) throws -> Data {
        let url = conformance.appendingPathComponent(path)
        guard FileManager.default.fileExists(atPath: url.path) else { throw XCTSkip("no conformance sample \(path)") }
        return try Data(contentsOf: url)
    }

    /// The application with `limits`, and a pairing token for a local program (no Origin).
    func withApplication(
        limits: Routes.Limits = .init(maximumBody: 1 << 20, maximumJSON: 1 << 20),
        _ test: @escaping @Sendable (any TestClientProtocol, String) async throws -> Void
    ) async throws {
        let directory = NSTemporaryDirectory() + "podpisd-verify-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var settings = StationSettings(useRegisteredModules: false, auditPath: directory + "/audit.jsonl")
        settings.pairingPath = directory + "/pairings.json"
        let station = Station(settings: settings)
        let token = try await station.pairings.issue(origin: nil, kind: "once")
        let batches = SealBatches(directory: directory + "/batches", keys: SealKeys([]), audit: nil, policy: { _ in SigningPolicy() })
        let routes = Routes(station: station, limits: limits, batches: batches, log: RequestLog(logger: Logger(label: "test")))
        let app = Application(responder: GuardRouteTests.AuthorityFromHeader(inner: routes.build(port: Self.port).buildResponder()))
        try await app.test(.router) { client in try await test(client, token) }
    }

    static func headers(_ token: String?, _ more: [HTTPField.Name: String] = [:]) -> HTTPFields {
        var fields = HTTPFields()
        fields[GuardRouteTests.AuthorityFromHeader<Router<PodpisRequestContext>.Responder>.name] = "127.0.0.1:\(port)"
        if let token { fields[.authorization] = "Bearer \(token)" }
        for (name, value) in more { fields[name] = value }
        return fields
    }

    static func object(_ response: TestResponse) throws -> [String: Any] {
        try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any], String(buffer: response.body))
    }

    static func firstSignature(_ response: TestResponse) throws -> [String: Any] {
        let signatures = try XCTUnwrap(try object(response)["signatures"] as? [[String: Any]])
        return try XCTUnwrap(signatures.first)
    }

    func testTheRawFormGivesTheReportOfAWrappingSampleWith200() async throws {
        let body = try Self.sample("dss/xsw-enveloping-fake-object.xml")
        try await withApplication { client, token in
            try await client.execute(
                uri: "/v1/verify?name=xsw-enveloping-fake-object.xml", method: .post,
                headers: Self.headers(token, [.contentType: "application/xml"]), body: ByteBuffer(data: body)
            ) { response in
                XCTAssertEqual(response.status, .ok, String(buffer: response.body))
                XCTAssertEqual(response.headers[.contentType], "application/json")
                let report = try Self.object(response)
                XCTAssertEqual(report["schema"] as? String, "podpis.verify/1")
                XCTAssertEqual(report["indication"] as? String, "INDETERMINATE")
                let document = try XCTUnwrap(report["document"] as? [String: Any])
                XCTAssertEqual(document["name"] as? String, "xsw-enveloping-fake-object.xml")
                XCTAssertEqual(document["size"] as? Int, body.count)
                XCTAssertNotNil(report["validationTime"] as? String)
                let signature = try Self.firstSignature(response)
                XCTAssertEqual(signature["indication"] as? String, "INDETERMINATE")
                XCTAssertEqual(signature["subIndication"] as? String, "SIGNED_DATA_NOT_FOUND")
            }
        }
    }

    func testTheJSONFormTakesADetachedFileByNameAndTheSignedDataIsIntact() async throws {
        let signature = try Self.sample("dss/dss2011-xades-detached.xml")
        let content = try Self.sample("dss/detached-content/sample.xml")
        let json = try JSONSerialization.data(withJSONObject: [
            "signature": ["name": "dss2011-xades-detached.xml", "content": signature.base64EncodedString()],
            "detached": [["name": "sample.xml", "content": content.base64EncodedString()]],
            "at": "2020-05-01T12:00:00Z",
        ])
        try await withApplication { client, token in
            try await client.execute(
                uri: "/v1/verify", method: .post, headers: Self.headers(token, [.contentType: "application/json"]), body: ByteBuffer(data: json)
            ) { response in
                XCTAssertEqual(response.status, .ok, String(buffer: response.body))
                let report = try Self.object(response)
                XCTAssertEqual(report["validationTime"] as? String, "2020-05-01T12:00:00Z", "validated as at `at`, while its certificate was valid")
                let first = try Self.firstSignature(response)
                XCTAssertEqual(first["subIndication"] as? String, "NO_CERTIFICATE_CHAIN_FOUND", "intact; no anchor is configured")
                let signed = try XCTUnwrap(first["signedData"] as? [[String: Any]])
                let file = try XCTUnwrap(signed.first { $0["name"] as? String == "sample.xml" }, "\(signed)")
                XCTAssertEqual(file["intact"] as? Bool, true, "\(file)")
                let detached = try XCTUnwrap((report["document"] as? [String: Any])?["detached"] as? [[String: Any]])
                XCTAssertEqual(detached.first?["name"] as? String, "sample.xml")
            }
            // Without the detached file the same signature does not find its data.
            let alone = try JSONSerialization.data(withJSONObject: [
                "signature": ["name": "dss2011-xades-detached.xml", "content": signature.base64EncodedString()],
            ])
            try await client.execute(
                uri: "/v1/verify", method: .post, headers: Self.headers(token, [.contentType: "application/json"]), body: ByteBuffer(data: alone)
            ) { response in
                XCTAssertEqual(response.status, .ok, String(buffer: response.body))
                let first = try Self.firstSignature(response)
                XCTAssertNotEqual(first["indication"] as? String, "TOTAL-PASSED")
                let signed = try XCTUnwrap(first["signedData"] as? [[String: Any]])
                XCTAssertFalse(signed.contains { $0["name"] as? String == "sample.xml" && $0["intact"] as? Bool == true }, "\(signed)")
            }
        }
    }

    func testTheTarFormTakesTheSignedFileAndItsDetachedFiles() async throws {
        let signature = try Self.sample("dss/dss2011-xades-detached.xml")
        let content = try Self.sample("dss/detached-content/sample.xml")
        var archive = Data()
        for (name, data) in [("sample.xml", content), ("dss2011-xades-detached.xml", signature)] {
            var header = [UInt8](repeating: 0, count: 512)
            func put(_ text: String, at offset: Int) { for (i, byte) in text.utf8.enumerated() { header[offset + i] = byte } }
            put(name, at: 0)
            put("0000644\0", at: 100)
            put("0000000\0", at: 108)
            put("0000000\0", at: 116)
            put(String(format: "%011o\0", data.count), at: 124)
            put("00000000000\0", at: 136)
            put("        ", at: 148)
            header[156] = UInt8(ascii: "0")
            put("ustar\0", at: 257)
            put("00", at: 263)
            let sum = header.reduce(0) { $0 + Int($1) }
            put(String(format: "%06o\0 ", sum), at: 148)
            archive += Data(header) + data + Data(count: (512 - data.count % 512) % 512)
        }
        archive += Data(count: 1024)
        let tar = archive
        try await withApplication { client, token in
            try await client.execute(
                uri: "/v1/verify?name=dss2011-xades-detached.xml", method: .post,
                headers: Self.headers(token, [.contentType: "application/x-tar"]), body: ByteBuffer(data: tar)
            ) { response in
                XCTAssertEqual(response.status, .ok, String(buffer: response.body))
                let report = try Self.object(response)
                XCTAssertEqual((report["document"] as? [String: Any])?["name"] as? String, "dss2011-xades-detached.xml")
                let signed = try XCTUnwrap(try Self.firstSignature(response)["signedData"] as? [[String: Any]])
                XCTAssertEqual(signed.first { $0["name"] as? String == "sample.xml" }?["intact"] as? Bool, true, "\(signed)")
            }
        }
    }

    func testWhatIsNotASignatureFileIsABadDocumentWithTheReadersCode() async throws {
        try await withApplication { client, token in
            for (body, reason) in [("<a><b></a>", "xml-"), ("plain words", "verify-unknown-format")] {
                try await client.execute(
                    uri: "/v1/verify?name=x.xml", method: .post, headers: Self.headers(token, [.contentType: "application/octet-stream"]),
                    body: ByteBuffer(string: body)
                ) { response in
                    XCTAssertEqual(response.status, .unprocessableContent, String(buffer: response.body))
                    XCTAssertEqual(GuardRouteTests.code(response), "bad-document")
                    let problem = try Self.object(response)
                    XCTAssertTrue((problem["reason"] as? String ?? "").hasPrefix(reason), "\(problem)")
                }
            }
        }
    }

    func testUnknownFieldsAndParametersAreRefused() async throws {
        try await withApplication { client, token in
            let json = #"{"signature": {"name": "a.xml", "content": "PGEvPg=="}, "policy": "lenient"}"#
            try await client.execute(
                uri: "/v1/verify", method: .post, headers: Self.headers(token, [.contentType: "application/json"]), body: ByteBuffer(string: json)
            ) { response in
                XCTAssertEqual(response.status, .badRequest)
                XCTAssertEqual(GuardRouteTests.code(response), "unknown-field")
            }
            let nested = #"{"signature": {"name": "a.xml", "content": "PGEvPg==", "mimeType": "text/xml"}}"#
            try await client.execute(
                uri: "/v1/verify", method: .post, headers: Self.headers(token, [.contentType: "application/json"]), body: ByteBuffer(string: nested)
            ) { response in
                XCTAssertEqual(GuardRouteTests.code(response), "unknown-field")
            }
            try await client.execute(
                uri: "/v1/verify?name=a.xml&trust=all", method: .post, headers: Self.headers(token, [.contentType: "application/xml"]),
                body: ByteBuffer(string: "<a/>")
            ) { response in
                XCTAssertEqual(GuardRouteTests.code(response), "unknown-field")
            }
        }
    }

    func testABodyOverTheLimitIsTooLargeAndAMissingNameIsABadRequest() async throws {
        try await withApplication(limits: .init(maximumBody: 1 << 20, maximumJSON: 1 << 20, maximumVerify: 4096)) { client, token in
            try await client.execute(
                uri: "/v1/verify?name=big.xml", method: .post, headers: Self.headers(token, [.contentType: "application/xml"]),
                body: ByteBuffer(repeating: UInt8(ascii: " "), count: 5000)
            ) { response in
                XCTAssertEqual(response.status, .contentTooLarge)
                XCTAssertEqual(GuardRouteTests.code(response), "too-large")
            }
            let json = try JSONSerialization.data(withJSONObject: [
                "signature": ["name": "big.xml", "content": Data(count: 5000).base64EncodedString()],
            ])
            try await client.execute(
                uri: "/v1/verify", method: .post, headers: Self.headers(token, [.contentType: "application/json"]), body: ByteBuffer(data: json)
            ) { response in
                XCTAssertEqual(GuardRouteTests.code(response), "too-large", "the decoded files count against max_mib")
            }
            try await client.execute(
                uri: "/v1/verify", method: .post, headers: Self.headers(token, [.contentType: "application/xml"]), body: ByteBuffer(string: "<a/>")
            ) { response in
                XCTAssertEqual(response.status, .badRequest)
                XCTAssertEqual(GuardRouteTests.code(response), "bad-request")
            }
        }
    }

    func testTextPlainInPolishGivesTheClerksVerdictFirst() async throws {
        let body = try Self.sample("dss/xsw-enveloping-fake-object.xml")
        try await withApplication { client, token in
            for (language, first) in [("pl-PL,pl;q=0.9,en;q=0.5", "NIE MOŻNA USTALIĆ"), ("en-GB", "")] {
                try await client.execute(
                    uri: "/v1/verify?name=x.xml", method: .post,
                    headers: Self.headers(token, [.contentType: "application/xml", .accept: "text/plain", .acceptLanguage: language]),
                    body: ByteBuffer(data: body)
                ) { response in
                    XCTAssertEqual(response.status, .ok)
                    XCTAssertEqual(response.headers[.contentType], "text/plain; charset=utf-8")
                    let text = String(buffer: response.body)
                    let line = text.split(separator: "\n").first.map(String.init) ?? ""
                    if first.isEmpty {
                        XCTAssertEqual(response.headers[.contentLanguage], "en")
                        XCTAssertFalse(line.contains("NIE MOŻNA"), line)
                        XCTAssertTrue(line.hasPrefix("CANNOT BE DETERMINED"), line)
                    } else {
                        XCTAssertEqual(response.headers[.contentLanguage], "pl")
                        XCTAssertTrue(line.hasPrefix(first), line)
                    }
                }
            }
        }
    }

    func testOverTCPTheCallNeedsItsPairingTokenAndAnUnpairedPageIsRefused() async throws {
        try await withApplication { client, _ in
            try await client.execute(
                uri: "/v1/verify?name=a.xml", method: .post, headers: Self.headers(nil, [.contentType: "application/xml"]), body: ByteBuffer(string: "<a/>")
            ) { response in
                XCTAssertEqual(response.status, .forbidden)
                XCTAssertEqual(GuardRouteTests.code(response), "not-paired")
            }
            try await client.execute(
                uri: "/v1/verify?name=a.xml", method: .post,
                headers: Self.headers(nil, [.contentType: "application/xml", .origin: "https://evil.example"]), body: ByteBuffer(string: "<a/>")
            ) { response in
                XCTAssertEqual(GuardRouteTests.code(response), "origin-not-allowed")
            }
            try await client.execute(uri: "/v1/verify", method: .get, headers: Self.headers(nil)) { response in
                XCTAssertEqual(response.status, .methodNotAllowed)
                XCTAssertEqual(response.headers[.allow], "POST, OPTIONS")
            }
        }
    }

    func testAcceptLanguageChoosesPolishOrEnglishByPreference() {
        XCTAssertEqual(VerifyRoutes.language("pl"), .polish)
        XCTAssertEqual(VerifyRoutes.language("en-US,en;q=0.9,pl;q=0.8"), .english)
        XCTAssertEqual(VerifyRoutes.language("de-DE, pl;q=0.3"), .polish)
        XCTAssertEqual(VerifyRoutes.language("de-DE"), .english)
        XCTAssertEqual(VerifyRoutes.language(nil), .english)
        XCTAssertEqual(VerifyRoutes.language("en;q=0.2, pl-PL;q=0.7"), .polish)
    }
}
