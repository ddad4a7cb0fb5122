import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import SealService
import Station
import StationAPI
import XCTest

@testable import podpisd

/// podpisd's routes and guards in process, through Hummingbird's router test
/// framework (no socket, no spawned daemon): a request arrives as on the
/// loopback TCP port, and the guards answer with the documented statuses and
/// problem codes, a request id and nosniff on every answer.
final class GuardRouteTests: XCTestCase {
    static let port = 8765

    func withApplication(_ test: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let directory = NSTemporaryDirectory() + "podpisd-routes-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var settings = StationSettings(useRegisteredModules: false, auditPath: directory + "/audit.jsonl")
        settings.pairingPath = directory + "/pairings.json"
        let station = Station(settings: settings)
        let batches = SealBatches(directory: directory + "/batches", keys: SealKeys([]), audit: nil, policy: { _ in SigningPolicy() })
        let routes = Routes(
            station: station, limits: .init(maximumBody: 1 << 20, maximumJSON: 1 << 16), batches: batches,
            log: RequestLog(logger: Logger(label: "test")))
        let app = Application(responder: AuthorityFromHeader(inner: try await routes.build(port: Self.port).buildResponder()))
        try await app.test(.router) { client in try await test(client) }
    }

    /// The router test framework sends every request to authority
    /// "localhost"; a browser or curl sends the Host it was given. This puts
    /// the test's `X-Test-Authority` where the request's Host would be.
    struct AuthorityFromHeader<Inner: HTTPResponder>: HTTPResponder where Inner.Context == PodpisRequestContext {
        static var name: HTTPField.Name { HTTPField.Name("X-Test-Authority")! }
        let inner: Inner

        func respond(to request: Request, context: PodpisRequestContext) async throws -> Response {
            var head = request.head
            head.authority = head.headerFields[Self.name]
            head.headerFields[Self.name] = nil
            return try await inner.respond(to: Request(head: head, body: request.body), context: context)
        }
    }

    /// The problem's `code` from an application/problem+json body.
    static func code(_ response: TestResponse) -> String? {
        guard response.headers[.contentType] == "application/problem+json",
            let object = try? JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
        else { return nil }
        return object["code"] as? String
    }

    static func headers(host: String = "127.0.0.1:\(port)", _ more: [HTTPField.Name: String] = [:]) -> HTTPFields {
        var fields = HTTPFields()
        fields[AuthorityFromHeader<Router<PodpisRequestContext>.Responder>.name] = host
        for (name, value) in more { fields[name] = value }
        return fields
    }

    func testStatusIsServedToALocalProgramWithARequestIDAndNosniff() async throws {
        try await withApplication { client in
            try await client.execute(uri: "/v1/status", method: .get, headers: Self.headers()) { response in
                XCTAssertEqual(response.status, .ok)
                XCTAssertEqual(response.headers[.contentType], "application/json")
                XCTAssertNotNil(response.headers[HTTPField.Name("X-Request-Id")!])
                XCTAssertEqual(response.headers[.xContentTypeOptions], "nosniff")
                let object = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                XCTAssertNotNil(object?["version"], "\(String(buffer: response.body))")
            }
        }
    }

    func testAHostThatIsNotLocalhostIsRefused() async throws {
        try await withApplication { client in
            for host in ["evil.example", "evil.example:\(Self.port)", "127.0.0.1.nip.io:\(Self.port)"] {
                try await client.execute(uri: "/v1/status", method: .get, headers: Self.headers(host: host)) { response in
                    XCTAssertEqual(response.status, .forbidden, host)
                    XCTAssertEqual(Self.code(response), "bad-host", host)
                    XCTAssertEqual(response.headers[.xContentTypeOptions], "nosniff")
                }
            }
        }
    }

    func testAnUnpairedWebPageReadsNothing() async throws {
        try await withApplication { client in
            let headers = Self.headers([.origin: "https://ezd.example.gov.pl"])
            try await client.execute(uri: "/v1/certificates", method: .get, headers: headers) { response in
                XCTAssertEqual(response.status, .forbidden)
                XCTAssertEqual(Self.code(response), "origin-not-allowed")
                XCTAssertNil(response.headers[.accessControlAllowOrigin], "no CORS for an unpaired origin")
            }
        }
    }

    func testACrossSiteRequestWithoutAnOriginIsRefused() async throws {
        try await withApplication { client in
            let headers = Self.headers([HTTPField.Name("Sec-Fetch-Site")!: "cross-site"])
            try await client.execute(uri: "/v1/status", method: .get, headers: headers) { response in
                XCTAssertEqual(response.status, .forbidden)
                XCTAssertEqual(Self.code(response), "cross-site-request")
            }
        }
    }

    func testWrongMethodsAndVersionsGetTheirOwnProblems() async throws {
        let cases: [(uri: String, method: HTTPRequest.Method, status: HTTPResponse.Status, code: String, allow: String?)] = [
            // Over TCP a state-changing call needs the pairing token before anything else.
            ("/v1/status", .delete, .forbidden, "not-paired", nil),
            ("/v1/sign", .get, .methodNotAllowed, "method-not-allowed", "POST, OPTIONS"),
            ("/v2/status", .get, .notFound, "unsupported-version", nil),
            ("/v1/nothing-here", .get, .notFound, "not-found", nil),
        ]
        try await withApplication { client in
            for (uri, method, status, code, allow) in cases {
                try await client.execute(uri: uri, method: method, headers: Self.headers()) { response in
                    XCTAssertEqual(response.status, status, "\(method) \(uri)")
                    XCTAssertEqual(Self.code(response), code, "\(method) \(uri)")
                    if let allow { XCTAssertEqual(response.headers[.allow], allow, "\(method) \(uri)") }
                }
            }
        }
    }

    /// Every kind of station problem has its HTTP status here, and only here.
    func testEveryProblemKindHasItsStatus() {
        let expected: [StationProblem.Kind: Int] = [
            .invalid: 400, .notAllowed: 403, .notFound: 404, .unsupportedOperation: 405, .unsupportedContentType: 415, .conflict: 409,
            .tooLarge: 413, .cannotComply: 422, .busy: 429, .clientGone: 499, .internalError: 500, .upstreamFailed: 502, .unavailable: 503,
        ]
        XCTAssertEqual(Set(expected.keys), Set(StationProblem.Kind.allCases))
        for (kind, status) in expected { XCTAssertEqual(kind.httpStatus.code, status, "\(kind)") }
    }
}
