import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import X509

#if canImport(Glibc)
import Glibc
#endif

/// Fetches revocation data and issuer certificates from the URLs a
/// certificate names — which are attacker-supplied — under limits:
/// - only `http` and `https` URLs, on every hop; at most
///   ``Configuration/maximumRedirects`` redirects, each checked like the first
///   (a redirect into another scheme, such as `file:`, is refused);
/// - the host is resolved here and every address it resolves to is checked:
///   loopback, private (RFC 1918, fc00::/7, 100.64/10), link-local
///   (169.254/16, fe80::/10), unspecified, multicast and reserved addresses
///   are refused unless the address (and port) is in ``Configuration/allowed``;
///   the refusal comes before any connection;
/// - DNS rebinding: the connection goes to the address that was checked, not
///   to a second lookup. AsyncHTTPClient's `dnsOverride` maps the URL's host
///   to that literal address for the connection, while the Host header and
///   TLS (SNI and certificate verification) keep the original name;
/// - no proxy, no decompression, a timeout over the whole fetch (every hop and
///   the body), and a body cap enforced while streaming: an answer that passes
///   the cap is cut, not buffered.
/// OCSP goes by POST (`application/ocsp-request`), CRLs and caIssuers by GET.
/// A ``RevocationCache``, if given, keeps every good answer.
public struct RevocationFetcher: Sendable {
    /// Limits of a fetcher.
    public struct Configuration: Sendable {
        /// The whole fetch, all hops and the body.
        public var timeout: Duration
        public var ocspResponseLimit: Int
        public var crlLimit: Int
        public var certificateLimit: Int
        public var maximumRedirects: Int
        /// Ranges allowed although special-use (tests: 127.0.0.1; a company's own PKI in 10/8).
        public var allowed: [AddressRange]

        public init(
            timeout: Duration = .seconds(15), ocspResponseLimit: Int = 1 << 20, crlLimit: Int = 10 << 20,
            certificateLimit: Int = 1 << 20, maximumRedirects: Int = 3, allowed: [AddressRange] = []
        ) {
            self.timeout = timeout
            self.ocspResponseLimit = ocspResponseLimit
            self.crlLimit = crlLimit
            self.certificateLimit = certificateLimit
            self.maximumRedirects = maximumRedirects
            self.allowed = allowed
        }
    }

    /// An OCSP answer as fetched: the bytes (for the signature's validation
    /// data), the parsed response, the request's nonce and where it came from.
    public struct FetchedOCSP: Sendable {
        public let der: [UInt8]
        public let response: OCSPResponse
        public let request: OCSPRequest
        public let url: String
    }

    public let configuration: Configuration
    public let cache: RevocationCache?

    public init(configuration: Configuration = Configuration(), cache: RevocationCache? = nil) {
        self.configuration = configuration
        self.cache = cache
    }

    // MARK: What to fetch

    /// Asks the certificate's OCSP responders (AIA id-ad-ocsp, in order) about
    /// it; the first answer that parses is returned (checking it is
    /// ``OCSPResponse/status(of:issuer:at:nonce:)``'s job).
    public func ocsp(for certificate: Certificate, issuer: Certificate, hash: CertID.Hash = .sha1, nonce: Bool = true)
        async throws(RevocationError) -> FetchedOCSP
    {
        let urls = RevocationURLs(of: certificate).ocsp
        guard !urls.isEmpty else { throw RevocationError(.fetchNoURL, "no OCSP responder in \(certificate.subject)") }
        let request = OCSPRequest(certificate: certificate, issuer: issuer, hash: hash, nonce: nonce)
        let body: [UInt8]
        do { body = try request.derBytes() } catch { throw RevocationError(.ocspMalformed, "request: \(error)") }
        let key = request.cacheKey
        var last = RevocationError(.fetchNoURL, "no OCSP responder")
        for url in urls {
            do {
                let der = try await post(url, body: body, contentType: "application/ocsp-request", limit: configuration.ocspResponseLimit)
                let response = try OCSPResponse.parse(der)
                try cache?.store(der, url: url, request: key)
                return FetchedOCSP(der: der, response: response, request: request, url: url)
            } catch {
                last = error
            }
        }
        throw last
    }

    /// Fetches the certificate's first CRL (distribution points, in order) that parses.
    public func crl(for certificate: Certificate) async throws(RevocationError) -> CertificateRevocationList {
        let urls = RevocationURLs(of: certificate).crl
        guard !urls.isEmpty else { throw RevocationError(.fetchNoURL, "no CRL distribution point in \(certificate.subject)") }
        var last = RevocationError(.fetchNoURL, "no CRL distribution point")
        for url in urls {
            do {
                let der = try await get(url, limit: configuration.crlLimit)
                let crl = try CertificateRevocationList(der: der, maximumSize: configuration.crlLimit)
                try cache?.store(der, url: url)
                return crl
            } catch {
                last = error
            }
        }
        throw last
    }

    /// Fetches what the certificate's caIssuers URL serves (a DER certificate,
    /// or a certs-only CMS): the first answer, as bytes.
    public func issuerCertificates(of certificate: Certificate) async throws(RevocationError) -> [UInt8] {
        let urls = RevocationURLs(of: certificate).caIssuers
        guard !urls.isEmpty else { throw RevocationError(.fetchNoURL, "no caIssuers in \(certificate.subject)") }
        var last = RevocationError(.fetchNoURL, "no caIssuers")
        for url in urls {
            do {
                let der = try await get(url, limit: configuration.certificateLimit)
                try cache?.store(der, url: url)
                return der
            } catch {
                last = error
            }
        }
        throw last
    }

    // MARK: HTTP under limits

    /// GETs `url`, at most `limit` bytes.
    public func get(_ url: String, limit: Int) async throws(RevocationError) -> [UInt8] {
        try await fetch(url, method: .GET, body: nil, contentType: nil, limit: limit)
    }

    /// POSTs `body` to `url`, at most `limit` bytes back.
    public func post(_ url: String, body: [UInt8], contentType: String, limit: Int) async throws(RevocationError) -> [UInt8] {
        try await fetch(url, method: .POST, body: body, contentType: contentType, limit: limit)
    }

    func fetch(_ url: String, method: HTTPMethod, body: [UInt8]?, contentType: String?, limit: Int) async throws(RevocationError) -> [UInt8] {
        let timeout = configuration.timeout
        do {
            return try await withThrowingTaskGroup(of: [UInt8].self) { group in
                group.addTask {
                    try await self.follow(url, method: method, body: body, contentType: contentType, limit: limit, timeout: timeout)
                }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    throw RevocationError(.fetchTimeout, "\(url) after \(timeout)")
                }
                defer { group.cancelAll() }
                guard let first = try await group.next() else { throw RevocationError(.fetchUnreachable, url) }
                return first
            }
        } catch let error as RevocationError {
            throw error
        } catch {
            throw RevocationError(.fetchUnreachable, "\(url): \(error)")
        }
    }

    private func follow(_ start: String, method: HTTPMethod, body: [UInt8]?, contentType: String?, limit: Int, timeout: Duration)
        async throws -> [UInt8]
    {
        var current = start
        var hops = 0
        while true {
            let target = try Self.target(current)
            let address = try await checkedAddress(host: target.host, port: target.port)
            var settings = HTTPClient.Configuration(
                redirectConfiguration: .disallow,
                timeout: .init(connect: Self.amount(timeout), read: Self.amount(timeout)))
            settings.decompression = .disabled
            settings.proxy = nil
            // connect to the address checked above, never to a second lookup (DNS rebinding)
            if AddressRange.parse(target.host) == nil { settings.dnsOverride = [target.host: AddressRange.text(address)] }
            let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: settings)
            let outcome: Result<(status: Int, location: String?, body: [UInt8]), Error>
            do {
                outcome = .success(try await exchange(client, url: current, method: method, body: body, contentType: contentType, limit: limit, timeout: timeout))
            } catch {
                outcome = .failure(error)
            }
            try? await client.shutdown()
            let answer = try outcome.get()
            if (300..<400).contains(answer.status), let location = answer.location {
                hops += 1
                guard hops <= configuration.maximumRedirects else {
                    throw RevocationError(.fetchTooManyRedirects, "\(start): more than \(configuration.maximumRedirects)")
                }
                guard let next = URL(string: location, relativeTo: URL(string: current)) else {
                    throw RevocationError(.fetchSchemeRefused, "redirect to \(location)")
                }
                current = next.absoluteString
                continue
            }
            guard (200..<300).contains(answer.status) else { throw RevocationError(.fetchHTTPStatus, "\(current): HTTP \(answer.status)") }
            return answer.body
        }
    }

    private func exchange(
        _ client: HTTPClient, url: String, method: HTTPMethod, body: [UInt8]?, contentType: String?, limit: Int, timeout: Duration
    ) async throws -> (status: Int, location: String?, body: [UInt8]) {
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let contentType { request.headers.add(name: "Content-Type", value: contentType) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: Self.amount(timeout))
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
            throw RevocationError(.fetchTimeout, "\(url): \(error)")
        } catch {
            throw RevocationError(.fetchUnreachable, "\(url): \(error)")
        }
        let status = Int(response.status.code)
        if (300..<400).contains(status) {
            return (status, response.headers.first(name: "Location"), [])
        }
        if let length = response.headers.first(name: "Content-Length").flatMap(Int.init), length > limit {
            throw RevocationError(.fetchTooLarge, "\(url): \(length) bytes announced, at most \(limit)")
        }
        var bytes: [UInt8] = []
        for try await chunk in response.body {
            guard chunk.readableBytes <= limit - bytes.count else {
                throw RevocationError(.fetchTooLarge, "\(url): more than \(limit) bytes")
            }
            bytes.append(contentsOf: chunk.readableBytesView)
        }
        return (status, nil, bytes)
    }

    /// The URL's host and port, if its scheme is http or https.
    static func target(_ text: String) throws(RevocationError) -> (host: String, port: Int) {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased() else {
            throw RevocationError(.fetchSchemeRefused, text)
        }
        guard scheme == "http" || scheme == "https" else { throw RevocationError(.fetchSchemeRefused, "\(scheme): in \(text)") }
        guard var host = url.host, !host.isEmpty else { throw RevocationError(.fetchSchemeRefused, "no host in \(text)") }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host, url.port ?? (scheme == "https" ? 443 : 80))
    }

    /// Resolves `host` and returns the address to connect to, after checking
    /// every address it resolves to (one refused address refuses the host).
    func checkedAddress(host: String, port: Int) async throws(RevocationError) -> [UInt8] {
        let addresses: [[UInt8]]
        if let literal = AddressRange.parse(host) {
            addresses = [literal]
        } else {
            addresses = await Self.resolve(host)
            guard !addresses.isEmpty else { throw RevocationError(.fetchUnresolvable, host) }
        }
        for address in addresses {
            if let reason = AddressRange.specialUse(address),
                !configuration.allowed.contains(where: { $0.contains(address, port: port) })
            {
                throw RevocationError(.fetchAddressRefused, "\(host) → \(AddressRange.text(address)) port \(port): \(reason)")
            }
        }
        return addresses[0]
    }

    /// getaddrinfo on a thread of its own (it blocks), TCP addresses only.
    static func resolve(_ host: String) async -> [[UInt8]] {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                var hints = addrinfo()
                hints.ai_family = AF_UNSPEC
                hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
                var list: UnsafeMutablePointer<addrinfo>?
                guard getaddrinfo(host, nil, &hints, &list) == 0 else { return continuation.resume(returning: []) }
                defer { freeaddrinfo(list) }
                var result: [[UInt8]] = []
                var node = list
                while let entry = node?.pointee {
                    if entry.ai_family == AF_INET, let address = entry.ai_addr {
                        address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { v4 in
                            var a = v4.pointee.sin_addr
                            result.append(withUnsafeBytes(of: &a) { Array($0) })
                        }
                    } else if entry.ai_family == AF_INET6, let address = entry.ai_addr {
                        address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { v6 in
                            var a = v6.pointee.sin6_addr
                            result.append(withUnsafeBytes(of: &a) { Array($0) })
                        }
                    }
                    node = entry.ai_next
                }
                continuation.resume(returning: result)
            }
        }
    }

    static func amount(_ duration: Duration) -> TimeAmount {
        let (seconds, attoseconds) = duration.components
        return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
