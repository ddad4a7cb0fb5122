import Foundation
import Revocation
import TestBench
import X509
import XCTest

/// The fetcher against a Python HTTP server on 127.0.0.1 (allowed here only
/// because the tests say so): OCSP by POST, CRL and caIssuers by GET, and the
/// limits — timeout, body cap, schemes, redirects, refused addresses (refused
/// before any connection: the server records no hit).
final class RevocationFetcherTests: XCTestCase {
    var fixtures: RevocationFixtures!
    var server: TestHTTPServer { fixtures.server }

    override func setUpWithError() throws {
        fixtures = try RevocationFixtures.get()
    }

    func fetcher(allowing allowed: [AddressRange]? = nil, timeout: Duration = .seconds(2), cache: RevocationCache? = nil) -> RevocationFetcher {
        RevocationFetcher(
            configuration: .init(timeout: timeout, allowed: allowed ?? [AddressRange("127.0.0.1")!]), cache: cache)
    }

    func assertRefused(
        _ kind: RevocationErrorKind, _ body: () async throws -> Void, file: StaticString = #filePath, line: UInt = #line
    ) async {
        do {
            try await body()
            XCTFail("no error, \(kind.rawValue) expected", file: file, line: line)
        } catch {
            XCTAssertEqual((error as? RevocationError)?.kind, kind, "\(error)", file: file, line: line)
        }
    }

    func testTheCertificatesURLsAreRead() throws {
        let urls = RevocationURLs(of: try fixtures.certificate("good"))
        XCTAssertEqual(urls.ocsp, [server.url("/ocsp")])
        XCTAssertEqual(urls.caIssuers, [server.url("/ca.crt")])
        XCTAssertEqual(urls.crl, [server.url("/ca.crl")])
        XCTAssertEqual(RevocationURLs(of: try fixtures.ca), RevocationURLs())
    }

    func testOCSPIsPostedToTheCertificatesResponderAndTheAnswerVerifies() async throws {
        let good = try fixtures.certificate("good"), ca = try fixtures.ca
        let fetched = try await fetcher().ocsp(for: good, issuer: ca)
        XCTAssertEqual(fetched.url, server.url("/ocsp"))
        XCTAssertTrue(server.hits.contains("POST /ocsp"))
        // the responder got our request, byte for byte
        XCTAssertEqual(try fixtures.bytes("posted.req"), try fetched.request.derBytes())
        let status = try fetched.response.status(of: good, issuer: ca, at: Date(), nonce: fetched.request.nonce)
        XCTAssertEqual(status.state, .good)
        let revoked = try fixtures.certificate("revoked")
        let answer = try await fetcher().ocsp(for: revoked, issuer: ca, hash: .sha256)
        XCTAssertTrue(try answer.response.status(of: revoked, issuer: ca, at: Date(), nonce: answer.request.nonce).state.isRevoked)
    }

    func testTheCRLAndTheIssuerAreFetchedByGET() async throws {
        let revoked = try fixtures.certificate("revoked")
        let crl = try await fetcher().crl(for: revoked)
        XCTAssertEqual(crl.der, try fixtures.bytes("ca.crl"))
        XCTAssertTrue(try crl.status(of: revoked, issuer: fixtures.ca, at: Date()).state.isRevoked)
        let issuer = try await fetcher().issuerCertificates(of: revoked)
        XCTAssertEqual(try Certificate(derEncoded: issuer), try fixtures.ca)
        XCTAssertTrue(server.hits.contains("GET /ca.crl"))
        XCTAssertTrue(server.hits.contains("GET /ca.crt"))
    }

    func testAResponderThatHangsTimesOut() async throws {
        let start = Date()
        await assertRefused(.fetchTimeout) { _ = try await self.fetcher(timeout: .seconds(1)).get(self.server.url("/hang"), limit: 1000) }
        let elapsed = Date().timeIntervalSince(start)
        XCTAssertLessThan(elapsed, 5)
        XCTAssertGreaterThanOrEqual(elapsed, 0.9)
    }

    func testA50MBAnswerIsCutAtTheCap() async throws {
        let start = Date()
        await assertRefused(.fetchTooLarge) { _ = try await self.fetcher(timeout: .seconds(10)).get(self.server.url("/big"), limit: 10 << 20) }
        XCTAssertLessThan(Date().timeIntervalSince(start), 10)
        await assertRefused(.fetchTooLarge) { _ = try await self.fetcher().get(self.server.url("/big-announced"), limit: 1 << 20) }
        await assertRefused(.fetchTooLarge) {
            _ = try await self.fetcher().post(self.server.url("/big"), body: [0x30, 0x00], contentType: "application/ocsp-request", limit: 1 << 20)
        }
    }

    func testARedirectIntoAnotherSchemeIsRefused() async throws {
        await assertRefused(.fetchSchemeRefused) { _ = try await self.fetcher().get(self.server.url("/redirect-file"), limit: 1000) }
        for url in ["file:///etc/passwd", "ftp://127.0.0.1/x", "ldap://127.0.0.1/cn=x", "gopher://127.0.0.1/"] {
            await assertRefused(.fetchSchemeRefused) { _ = try await self.fetcher().get(url, limit: 1000) }
        }
    }

    func testARedirectToAnotherPortIsCheckedAgain() async throws {
        let other = fixtures.other
        let before = other.hits.count
        // only the first server's port is allowed: the redirect to the other port is refused before connecting
        let onlyThisPort = [AddressRange("127.0.0.1", port: server.port)!]
        await assertRefused(.fetchAddressRefused) {
            _ = try await self.fetcher(allowing: onlyThisPort).get(self.server.url("/redirect-port"), limit: 1 << 20)
        }
        XCTAssertEqual(other.hits.count, before)
        // with the whole address allowed, the same redirect is followed
        let body = try await fetcher().get(server.url("/redirect-port"), limit: 1 << 20)
        XCTAssertEqual(body, try fixtures.bytes("ca.crl"))
        XCTAssertEqual(other.hits.count, before + 1)
    }

    func testARedirectLoopStops() async throws {
        await assertRefused(.fetchTooManyRedirects) { _ = try await self.fetcher().get(self.server.url("/redirect-loop"), limit: 1000) }
    }

    func testAnHTTPErrorIsNamed() async throws {
        await assertRefused(.fetchHTTPStatus) { _ = try await self.fetcher().get(self.server.url("/status-500"), limit: 1000) }
    }

    func testLoopbackIsRefusedUnlessAllowedAndTheServerSeesNothing() async throws {
        let before = server.hits.count
        await assertRefused(.fetchAddressRefused) { _ = try await self.fetcher(allowing: []).get(self.server.url("/ca.crl"), limit: 1 << 20) }
        await assertRefused(.fetchAddressRefused) {
            _ = try await self.fetcher(allowing: []).get("http://localhost:\(self.server.port)/ca.crl", limit: 1 << 20)
        }
        await assertRefused(.fetchAddressRefused) {
            _ = try await self.fetcher(allowing: []).ocsp(for: self.fixtures.certificate("good"), issuer: self.fixtures.ca)
        }
        XCTAssertEqual(server.hits.count, before)
    }

    func testPrivateLinkLocalAndSpecialAddressesAreRefusedBeforeAnyConnection() async throws {
        let urls = [
            "http://10.0.0.1/x.crl", "http://192.168.1.1/x.crl", "http://172.16.0.1/x", "http://169.254.169.254/latest/meta-data/",
            "http://[::1]:\(server.port)/ca.crl", "http://[fe80::1]/x", "http://[fc00::1]/x", "http://0.0.0.0:\(server.port)/ca.crl",
            "http://224.0.0.1/x", "http://[::ffff:127.0.0.1]:\(server.port)/ca.crl", "http://100.64.0.1/x", "https://10.1.2.3/x",
        ]
        for url in urls {
            let start = Date()
            await assertRefused(.fetchAddressRefused) { _ = try await self.fetcher(allowing: []).get(url, limit: 1000) }
            // refused before connecting: no connect timeout to wait for
            XCTAssertLessThan(Date().timeIntervalSince(start), 0.5, url)
        }
    }

    func testAnAllowListEntryAllowsItsRangeOnly() throws {
        let range = try XCTUnwrap(AddressRange("10.0.0.0/8"))
        XCTAssertTrue(range.contains([10, 1, 2, 3], port: 80))
        XCTAssertFalse(range.contains([11, 0, 0, 1], port: 80))
        let v6 = try XCTUnwrap(AddressRange("fc00::/7", port: 8080))
        XCTAssertTrue(v6.contains([0xFD] + [UInt8](repeating: 0, count: 15), port: 8080))
        XCTAssertFalse(v6.contains([0xFD] + [UInt8](repeating: 0, count: 15), port: 80))
        XCTAssertNil(AddressRange("10.0.0.0/33"))
        XCTAssertNil(AddressRange("example.org"))
    }

    func testAnswersAreCachedUnderTheSHA256OfURLAndRequest() async throws {
        let cache = try RevocationCache(directory: fixtures.path("cache-\(UUID().uuidString)"))
        let revoked = try fixtures.certificate("revoked")
        _ = try await fetcher(cache: cache).crl(for: revoked)
        XCTAssertEqual(cache.load(url: server.url("/ca.crl")), try fixtures.bytes("ca.crl"))
        let fetched = try await fetcher(cache: cache).ocsp(for: revoked, issuer: fixtures.ca)
        let key = try OCSPRequest(certIDs: fetched.request.certIDs).derBytes()
        XCTAssertEqual(cache.load(url: server.url("/ocsp"), request: key), fetched.der)
        // the file name is the SHA-256 of URL, a zero byte and the request, as sha256sum computes it
        let name = RevocationCache.key(url: server.url("/ca.crl"))
        let sum = try TestBench.run("sh", ["-c", "printf '%s\\0' \"$0\" | sha256sum", server.url("/ca.crl")])
        XCTAssertEqual(name, String(sum.prefix(64)))
        // replaced atomically on the next store
        try cache.store([1, 2, 3], url: server.url("/ca.crl"))
        XCTAssertEqual(cache.load(url: server.url("/ca.crl")), [1, 2, 3])
        XCTAssertNil(cache.load(url: "http://example.invalid/none"))
    }
}
