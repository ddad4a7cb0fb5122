import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Station
import StationAPI

/// Every request: an id, problems for every error, and on TCP the defences a
/// browser-reachable port needs: Host must be localhost (DNS rebinding); a
/// web page (Origin) must be paired — approved by the clerk or listed by the
/// administrator — before it reads anything; every state-changing call
/// carries the pairing token (`Authorization: Bearer`); CORS headers only
/// for approved origins; a request a browser marks as cross-site
/// (`Sec-Fetch-Site`) without an approved Origin reads nothing. On the Unix
/// socket: the peer's uid (SO_PEERCRED). Every response says
/// `X-Content-Type-Options: nosniff`, and every request, answered or refused,
/// is one line of the request log (``RequestLog``).
struct GuardMiddleware: RouterMiddleware {
    typealias Context = PodpisRequestContext
    /// The routes of Routes.swift: a known path with another method is 405, not 404.
    static let knownPaths: [(pattern: String, methods: String)] = [
        (#"^/v1/(status|readers|tokens|certificates|openapi\.yaml|events|agent/requests|origins)$"#, "GET, OPTIONS"),
        (#"^/v1/client/podpis\.(js|d\.ts)$"#, "GET"),
        (#"^/v1/certificates/[^/]+(/pem)?$"#, "GET, OPTIONS"),
        (#"^/v1/sign$"#, "POST, OPTIONS"),
        (#"^/v1/verify$"#, "POST, OPTIONS"),
        (#"^/v1/extend$"#, "POST, OPTIONS"),
        (#"^/v1/pairing$"#, "GET, POST, OPTIONS"),
        (#"^/v1/agent/requests/[^/]+$"#, "POST"),
        (#"^/v1/origins/[^/]+$"#, "DELETE"),
        (#"^/v1/batches$"#, "GET, POST, OPTIONS"),
        (#"^/v1/batches/[^/]+$"#, "GET, DELETE, OPTIONS"),
        (#"^/v1/batches/[^/]+/(close|cancel)$"#, "POST, OPTIONS"),
        (#"^/v1/batches/[^/]+/(events|seals)$"#, "GET, OPTIONS"),
        (#"^/v1/batches/[^/]+/documents$"#, "GET, POST, OPTIONS"),
        (#"^/v1/batches/[^/]+/documents/[^/]+$"#, "GET, PUT, OPTIONS"),
        (#"^/v1/batches/[^/]+/documents/[^/]+/seal$"#, "GET, OPTIONS"),
    ]
    static let exposedHeaders = "X-Request-Id, Content-Disposition, X-Podpis-Signature-Name, X-Podpis-Document-SHA256, X-Podpis-Seal-SHA256, Location"
    let port: Int
    let pairings: PairingRegistry
    /// Members of this group may use the socket too.
    let socketGroup: UInt32?
    let log: RequestLog

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let requestID = context.id
        var response: Response
        var allow: String?
        var problemCode: String?
        var context = context
        do {
            response = try await guarded(request, context: &context, next: next)
        } catch let problem as StationProblem {
            problemCode = problem.code
            response = problem.response(requestID: requestID)
            if problem.code == StationProblem.tooManyPairings.code {
                response.headers[.retryAfter] = String(StationProblem.pairingRetrySeconds)
            }
        } catch let error as HTTPError {
            let problem: StationProblem
            var status: HTTPResponse.Status? = nil
            switch error.status {
            case .notFound:
                let path = request.uri.path
                if let allowed = Self.knownPaths.first(where: { path.range(of: $0.pattern, options: .regularExpression) != nil })?.methods {
                    problem = .methodNotAllowed
                    allow = allowed
                } else if !path.hasPrefix("/v1/"), path.range(of: #"^/v[0-9]+(/|$)"#, options: .regularExpression) != nil {
                    problem = .unsupportedVersion
                } else {
                    problem = .notFound
                }
            case .methodNotAllowed: problem = .methodNotAllowed
            case .contentTooLarge: problem = .tooLarge(context.maxUploadSize)
            default:
                problem = StationProblem(
                    "bad-request", kind: .invalid, title: error.status.reasonPhrase,
                    message: .init(pl: error.body ?? error.status.reasonPhrase, en: error.body ?? error.status.reasonPhrase))
                status = error.status
            }
            problemCode = problem.code
            response = problem.response(requestID: requestID, status: status)
        } catch {
            let problem = StationProblem(error)
            problemCode = problem.code
            response = problem.response(requestID: requestID)
        }
        response.headers[HTTPField.Name("X-Request-Id")!] = requestID
        response.headers[.xContentTypeOptions] = "nosniff"
        log.record(request, context: context, status: response.status, problem: problemCode)
        if let allow { response.headers[.allow] = allow }
        if context.transport == .tcp, request.headers[.origin] != nil, ClientLibrary.isClientPath(request.uri.path) {
            response.headers[.accessControlAllowOrigin] = "*"
        } else if context.transport == .tcp, let origin = request.headers[.origin], await pairings.isApproved(origin) {
            response.headers[.accessControlAllowOrigin] = origin
            response.headers[.vary] = "Origin"
            response.headers[.accessControlExposeHeaders] = Self.exposedHeaders
        }
        return response
    }

    private func guarded(_ request: Request, context: inout Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard context.transport == .tcp else {
            context.peer = try await PeerCredentials.check(context.channel, allowedGroup: socketGroup)
            return try await next(request, context)
        }
        let host = request.head.authority ?? ""
        let allowedHosts: Set<String> = ["localhost:\(port)", "127.0.0.1:\(port)", "[::1]:\(port)"]
        guard allowedHosts.contains(host.lowercased()) else { throw StationProblem.badHost(host) }
        let path = request.uri.path
        let origin = request.headers[.origin]
        // podpis.js is public, the same for everyone: any page may load it
        // (a module script is a CORS request), before it is paired.
        if ClientLibrary.isClientPath(path), request.method == .get || request.method == .head {
            return try await next(request, context)
        }
        let approved: Bool
        if let origin { approved = await pairings.isApproved(origin) } else { approved = true }
        // A browser marks what a page makes it load (<script src>, <img>, a
        // no-cors fetch: no Origin header); only a page that shows its
        // approved Origin, or the user typing the address, reads anything.
        if origin == nil, let site = request.headers[HTTPField.Name("Sec-Fetch-Site")!]?.lowercased(), site != "none", site != "same-origin" {
            throw StationProblem.crossSiteRequest
        }
        if request.method == .options, let origin {
            // A page that is not paired yet may only preflight its pairing request.
            guard approved || path == "/v1/pairing" else { throw StationProblem.originNotAllowed(origin) }
            var headers = HTTPFields()
            headers[.accessControlAllowOrigin] = origin
            headers[.vary] = "Origin"
            headers[.accessControlAllowMethods] = path == "/v1/pairing" && !approved ? "POST" : "GET, POST, PUT, DELETE, OPTIONS"
            headers[.accessControlAllowHeaders] = "Content-Type, Accept, Authorization"
            headers[.accessControlMaxAge] = "600"
            if request.headers[HTTPField.Name("Access-Control-Request-Private-Network")!] == "true" {
                headers[HTTPField.Name("Access-Control-Allow-Private-Network")!] = "true"
            }
            return Response(status: .noContent, headers: headers)
        }
        if path.hasPrefix("/v1/agent") || path.hasPrefix("/v1/origins") { throw StationProblem.agentOnly }
        // Asking to pair is the one call a page that is not paired may make.
        if path == "/v1/pairing" && request.method == .post { return try await next(request, context) }
        if let origin, !approved { throw StationProblem.originNotAllowed(origin) }
        if request.method != .get && request.method != .head {
            guard let token = Self.bearerToken(request), await pairings.validate(token: token, origin: origin) else {
                throw StationProblem.notPaired(origin)
            }
        }
        return try await next(request, context)
    }

    /// `Authorization: Bearer <token>` (never a query parameter).
    static func bearerToken(_ request: Request) -> String? {
        guard let value = request.headers[.authorization] else { return nil }
        let parts = value.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }
}
