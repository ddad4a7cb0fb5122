import HTTPTypes
import Hummingbird
import Station

/// Every request: an id, problems for every error, and on TCP the defences a
/// browser-reachable port needs: Host must be localhost (DNS rebinding), an
/// Origin must be one the administrator allowed, CORS only for those.
struct GuardMiddleware: RouterMiddleware {
    typealias Context = PodpisRequestContext
    /// The routes of Routes.swift: a known path with another method is 405, not 404.
    static let knownPaths: [(pattern: String, methods: String)] = [
        (#"^/v1/(status|readers|tokens|certificates|openapi\.yaml|events|agent/requests)$"#, "GET, OPTIONS"),
        (#"^/v1/certificates/[^/]+(/pem)?$"#, "GET, OPTIONS"),
        (#"^/v1/sign$"#, "POST, OPTIONS"),
        (#"^/v1/agent/requests/[^/]+$"#, "POST"),
    ]
    let port: Int
    let allowedOrigins: Set<String>
    /// Members of this group (by the peer's primary group) may use the socket too.
    let socketGroup: UInt32?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let requestID = context.id
        var response: Response
        var allow: String?
        do {
            response = try await guarded(request, context: context, next: next)
        } catch let problem as StationProblem {
            response = problem.response(requestID: requestID)
        } catch let error as HTTPError {
            let problem: StationProblem
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
            default: problem = StationProblem("bad-request", status: Int(error.status.code), title: error.status.reasonPhrase, message: .init(pl: error.body ?? error.status.reasonPhrase, en: error.body ?? error.status.reasonPhrase))
            }
            response = problem.response(requestID: requestID)
        } catch {
            response = StationProblem(error).response(requestID: requestID)
        }
        response.headers[HTTPField.Name("X-Request-Id")!] = requestID
        if let allow { response.headers[.allow] = allow }
        if context.transport == .tcp, let origin = request.headers[.origin], allowedOrigins.contains(origin) {
            response.headers[.accessControlAllowOrigin] = origin
            response.headers[.vary] = "Origin"
            response.headers[.accessControlExposeHeaders] = "X-Request-Id, Content-Disposition, X-Podpis-Signature-Name"
        }
        return response
    }

    private func guarded(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard context.transport == .tcp else {
            try await PeerCredentials.check(context.channel, allowedGroup: socketGroup)
            return try await next(request, context)
        }
        let host = request.head.authority ?? ""
        let allowedHosts: Set<String> = ["localhost:\(port)", "127.0.0.1:\(port)", "[::1]:\(port)"]
        guard allowedHosts.contains(host.lowercased()) else { throw StationProblem.badHost(host) }
        if let origin = request.headers[.origin] {
            guard allowedOrigins.contains(origin) else { throw StationProblem.originNotAllowed(origin) }
            if request.method == .options {
                var headers = HTTPFields()
                headers[.accessControlAllowMethods] = "GET, POST, OPTIONS"
                headers[.accessControlAllowHeaders] = "Content-Type, Accept"
                headers[.accessControlMaxAge] = "600"
                if request.headers[HTTPField.Name("Access-Control-Request-Private-Network")!] == "true" {
                    headers[HTTPField.Name("Access-Control-Allow-Private-Network")!] = "true"
                }
                return Response(status: .noContent, headers: headers)
            }
        }
        if request.uri.path.hasPrefix("/v1/agent") { throw StationProblem.agentOnly }
        return try await next(request, context)
    }
}
