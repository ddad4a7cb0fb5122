import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import PKCS11
import QualifiedCertificates
import SealService
import Signing
import Station
import StationAPI
import Validation

/// The /v1 API (docs/protocol.md, docs/openapi.yaml).
struct Routes: Sendable {
    let station: Station
    let limits: Limits
    let batches: SealBatches
    let log: RequestLog
    /// `[verification] trust`: the anchors POST /v1/verify validates against, read at start.
    var trust: [TrustSource] = []
    /// `[verification]` trusted lists and revocation.
    var verificationTrust: VerificationTrust? = nil
    /// `[timestamp]`: POST /v1/extend's archive time-stamps.
    var timeStampURLs: [URL] = []
    var timeStampTimeout: Double = 20

    struct Limits: Sendable {
        var maximumBody: Int
        var maximumJSON: Int
        /// `[verification] max_mib`: a signed file and its detached files together (nil: `maximumBody`).
        var maximumVerify: Int? = nil
    }

    func build(port: Int, socketGroup: UInt32? = nil) -> Router<PodpisRequestContext> {
        let router = Router(context: PodpisRequestContext.self)
        router.add(middleware: GuardMiddleware(port: port, pairings: station.pairings, socketGroup: socketGroup, log: log))
        router.get("/v1/status") { _, _ in try jsonResponse(await station.status()) }
        router.get("/v1/readers") { _, _ in try jsonResponse(try await station.readers()) }
        router.get("/v1/tokens") { _, _ in try jsonResponse(try await station.tokens()) }
        router.get("/v1/certificates") { _, _ in try jsonResponse(try await station.certificates()) }
        router.get("/v1/certificates/{id}") { _, context in
            try jsonResponse(try await station.certificate(try context.parameters.require("id")).report)
        }
        router.get("/v1/certificates/{id}/pem") { _, context in
            let (_, der) = try await station.certificate(try context.parameters.require("id"))
            var headers = HTTPFields()
            headers[.contentType] = "application/pem-certificate-chain"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: CertificateFacts.pem(der: der))))
        }
        router.get("/v1/openapi.yaml") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "application/yaml"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: OpenAPIDocument.text)))
        }
        router.get("/v1/client/podpis.js") { request, _ in try ClientLibrary.response(request.uri.path) }
        router.get("/v1/client/podpis.d.ts") { request, _ in try ClientLibrary.response(request.uri.path) }
        router.get("/v1/events") { _, _ in
            let events = await station.events.subscribe()
            return ServerSentEvents.response(events.map { ServerSentEvents.Message(id: String($0.id), event: $0.name, data: $0.data) })
        }
        // The clerk's agent: only a peer of the daemon's uid or of [server]
        // agent_users (SO_PEERCRED; unknown: refused), on the terminal it names.
        router.get("/v1/agent/requests") { request, context in
            guard context.transport == .unix else { throw StationProblem.agentOnly }
            guard AgentIdentity.mayBeAgent(uid: context.peer?.uid, agentUsers: station.settings.agentUsers) else {
                throw StationProblem.agentNotAllowed(context.peer.map { "uid \($0.uid)" } ?? "?")
            }
            let terminal = request.uri.queryParameters["terminal"].map { String($0).removingPercentEncoding ?? String($0) }
            if let terminal, !AgentIdentity.isAcceptableTerminal(terminal) { throw StationProblem.badTerminal }
            let identity = AgentIdentity(uid: context.peer?.uid, pid: context.peer?.pid, terminal: terminal)
            let (agent, requests) = await station.consent.subscribeAgent(identity)
            let consent = station.consent
            context.channel.closeFuture.whenComplete { _ in Task { await consent.disconnect(agent) } }
            return ServerSentEvents.response(requests.map { event -> ServerSentEvents.Message in
                switch event {
                case .hello(let agent): return ServerSentEvents.Message(id: nil, event: "hello", data: ["agent": agent])
                case .question(.signature(let request)): return ServerSentEvents.Message(id: nil, event: "consent", data: request)
                case .question(.pairing(let request)): return ServerSentEvents.Message(id: nil, event: "pairing", data: request)
                case .withdrawn(let id, let reason): return ServerSentEvents.Message(id: nil, event: "withdrawn", data: ["id": id, "reason": reason])
                case .agentRegistered(let other): return ServerSentEvents.Message(id: nil, event: "agent-registered", data: other)
                }
            })
        }
        router.post("/v1/agent/requests/{id}") { request, context in
            guard context.transport == .unix else { throw StationProblem.agentOnly }
            guard AgentIdentity.mayBeAgent(uid: context.peer?.uid, agentUsers: station.settings.agentUsers) else {
                throw StationProblem.agentNotAllowed(context.peer.map { "uid \($0.uid)" } ?? "?")
            }
            let id = try context.parameters.require("id")
            var request = request
            var body = try await request.collectBody(upTo: 4096)
            let decision = try AgentAnswer.parse(&body)
            let agent = request.headers[HTTPField.Name("X-Podpis-Agent")!]
            switch await station.consent.answer(id, decision, from: agent, uid: context.peer?.uid) {
            case .accepted: return Response(status: .noContent)
            case .unknown: throw StationProblem.notFound
            case .wrongAgent: throw StationProblem.notTheAskedAgent
            case .wrongKind:
                throw StationProblem.badRequest(messages.text("a-signature-is-answered-approve"), code: "bad-json")
            }
        }
        router.post("/v1/pairing") { request, context in
            guard context.transport == .tcp else {
                throw StationProblem.badRequest(messages.text("the-unix-socket-needs-no"), code: "pairing-not-needed")
            }
            var request = request
            let body: ByteBuffer
            do {
                body = try await request.collectBody(upTo: 4096)
            } catch {
                throw StationProblem(.tooLarge, messages.sentence("pairing-too-large"), code: "too-large")
            }
            let application = try PairingBody.application(Data(buffer: body))
            let requester = context.requester(origin: request.headers[.origin])
            let station = self.station, requestID = context.id
            let task = Task { try await station.pair(requester: requester, application: application, requestID: requestID) }
            context.channel.closeFuture.whenComplete { _ in task.cancel() }
            return try jsonResponse(try await task.value, status: .created)
        }
        router.get("/v1/pairing") { request, context in
            guard context.transport == .tcp else { throw StationProblem.badRequest(messages.text("pairing-is-for-tcp"), code: "pairing-not-needed") }
            let origin = request.headers[.origin]
            guard let token = GuardMiddleware.bearerToken(request), await station.pairings.validate(token: token, origin: origin) else {
                throw StationProblem.notPaired(origin)
            }
            return try jsonResponse(["origin": origin ?? "", "paired": "true"])
        }
        router.get("/v1/origins") { _, context in
            guard context.transport == .unix else { throw StationProblem.agentOnly }
            return try jsonResponse(OriginList(schema: "podpis.origins/1", origins: await station.pairings.list().map {
                .init(origin: $0.origin, kind: $0.kind, since: $0.since, lastUsed: $0.lastUsed)
            }))
        }
        router.delete("/v1/origins/{origin}") { _, context in
            guard context.transport == .unix else { throw StationProblem.agentOnly }
            let raw = try context.parameters.require("origin")
            let origin = raw.removingPercentEncoding ?? raw
            guard try await station.pairings.revoke(origin == "-" ? "" : origin) > 0 else { throw StationProblem.notFound }
            return Response(status: .noContent)
        }
        router.post("/v1/sign") { request, context in try await sign(request, context: context) }
        BatchRoutes(batches: batches).add(to: router)
        let verify = VerifyRoutes(sources: trust, trust: verificationTrust, limit: limits.maximumVerify ?? limits.maximumBody, maximumJSON: limits.maximumJSON)
        verify.add(to: router)
        ExtendRoutes(verify: verify, timeStampURLs: timeStampURLs, timeStampTimeout: timeStampTimeout).add(to: router)
        return router
    }

    static let rawParameters: Set<String> = ["name", "mimeType", "format", "packaging", "level", "certificate", "commitment", "role", "digest"]

    func sign(_ request: Request, context: PodpisRequestContext) async throws -> Response {
        let requestID = context.id
        let requester = context.requester(origin: request.headers[.origin])
        guard let contentType = request.headers[.contentType]?.lowercased() else { throw StationProblem.unsupportedMediaType }
        // HTML forms are not documents: a form post would be signed as its urlencoded text.
        if contentType.hasPrefix("application/x-www-form-urlencoded") || contentType.hasPrefix("multipart/") {
            throw StationProblem.unsupportedMediaType
        }
        var request = request
        let signRequest: SignRequest
        let admitted: Admission?
        var spooled: String?
        defer { if let spooled { unlink(spooled) } }
        let json = contentType.hasPrefix("application/json")
        if json {
            guard request.uri.queryParameters.isEmpty else {
                throw StationProblem.badRequest(messages.text("the-json-form-takes-its"), code: "unknown-field")
            }
            try Self.refuseAnnouncedLength(request, over: limits.maximumJSON)
            let body: ByteBuffer
            do { body = try await request.collectBody(upTo: limits.maximumJSON) } catch { throw StationProblem.tooLarge(limits.maximumJSON) }
            signRequest = try SignRequest.fromJSON(Data(buffer: body), settings: station.settings)
            admitted = nil
        } else {
            let query = request.uri.queryParameters
            var parameters: [String: String] = [:]
            for (key, value) in query {
                guard Self.rawParameters.contains(String(key)) else {
                    throw StationProblem.badRequest(messages.text("unknown-parameter", ["key": key]), code: "unknown-field")
                }
                parameters[String(key)] = String(value).removingPercentEncoding ?? String(value)
            }
            guard let name = parameters["name"] else {
                throw StationProblem.badRequest(messages.text("the-raw-form-needs-name"))
            }
            guard SignDocument.isAcceptableName(name) else { throw StationProblem.badDocumentName("name") }
            var parsed = try SignRequest.withParameters(
                format: parameters["format"], packaging: parameters["packaging"], level: parameters["level"],
                certificate: parameters["certificate"], commitment: parameters["commitment"], role: parameters["role"],
                digest: parameters["digest"], settings: station.settings)
            let mimeType = parameters["mimeType"] ?? (contentType == "application/octet-stream" ? nil : contentType.split(separator: ";").first.map(String.init))
            // Nothing is spooled for a request that would be refused anyway:
            // its announced size, the certificate's policy for this
            // requester and the token's queue are known before the body.
            try Self.refuseAnnouncedLength(request, over: limits.maximumBody)
            admitted = try await station.precheck(certificate: parsed.certificate, requester: requester, documents: 1)
            let (path, size, sha256) = try await BodySpool.write(request.body, limit: limits.maximumBody)
            spooled = path
            parsed.documents = [SignDocument(name: name, mimeType: mimeType, content: .file(path: path), size: size, sha256: sha256)]
            try parsed.validate()
            signRequest = parsed
        }

        // Sign in a child task that is cancelled when the client goes away:
        // nothing is signed for a caller who left.
        let station = self.station
        let task = Task { try await station.sign(signRequest, requester: requester, requestID: requestID, admitted: admitted) }
        context.channel.closeFuture.whenComplete { _ in task.cancel() }
        let outputs = try await task.value

        let wantsJSON = json || (request.headers[.accept]?.contains("application/json") ?? false)
        if wantsJSON || outputs.count != 1 {
            let formatter = ISO8601DateFormatter()
            return try jsonResponse(SignResponse(
                requestId: requestID, certificate: outputs.first?.certificate, signedAt: formatter.string(from: Date()),
                signatures: outputs.map { .init(name: $0.name, mimeType: $0.mimeType, content: Data($0.bytes).base64EncodedString(), documents: $0.documents) }))
        }
        let output = outputs[0]
        var headers = HTTPFields()
        headers[.contentType] = output.mimeType
        headers[.contentDisposition] = ContentDisposition.attachment(output.name)
        headers[HTTPField.Name("X-Podpis-Signature-Name")!] = output.name.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? output.name
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: output.bytes)))
    }
}

extension Routes {
    /// `too-large` at once for a body whose Content-Length is over `limit`
    /// (a body without one is counted as it streams).
    static func refuseAnnouncedLength(_ request: Request, over limit: Int) throws {
        if let text = request.headers[.contentLength], let length = Int(text), length > limit { throw StationProblem.tooLarge(limit) }
    }
}

struct SignResponse: Codable {
    struct Signature: Codable {
        let name: String
        let mimeType: String
        let content: String
        let documents: [String]
    }
    let requestId: String
    let certificate: String?
    let signedAt: String
    let signatures: [Signature]
}

enum ContentDisposition {
    /// `attachment; filename="ascii"; filename*=UTF-8''percent-encoded` (RFC 6266).
    static func attachment(_ name: String) -> String {
        let ascii = String(name.unicodeScalars.map { $0.isASCII && $0 != "\"" && $0 != "\\" && $0.value >= 0x20 ? Character($0) : "_" })
        var allowed = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)...Unicode.Scalar(127)))
        allowed.insert(charactersIn: "!#$&+-.^_`|~")
        let encoded = name.addingPercentEncoding(withAllowedCharacters: allowed) ?? ascii
        return "attachment; filename=\"\(ascii)\"; filename*=UTF-8''\(encoded)"
    }
}

/// The agent's answer: `{"decision":"approve","pin":"…"}`, `{"decision":"refuse"}`,
/// or for a pairing `{"decision":"once"|"always"|"deny"}`. Parsed from the
/// bytes by ``FlatJSON`` so that the PIN never becomes a String (which
/// cannot be wiped); the body is overwritten with zeros afterwards.
enum AgentAnswer {
    static func parse(_ body: inout ByteBuffer) throws -> ConsentDecision {
        var bytes = body.readBytes(length: body.readableBytes) ?? []
        defer {
            Wipe.bytes(&bytes)
            body.clear()
            body.withUnsafeMutableWritableBytes { Wipe.bytes($0) }
        }
        let bad = StationProblem.badRequest(messages.text("expected-decision"), code: "bad-json")
        guard var fields = FlatJSON.parse(bytes) else { throw bad }
        // Every way out wipes what is left (a PIN next to an unknown key too).
        defer { Wipe.values(&fields) }
        guard Set(fields.keys).isSubset(of: ["decision", "pin"]), let decision = fields["decision"] else { throw bad }
        switch String(decoding: decision, as: UTF8.self) {
        case "refuse", "deny": return .refuse
        case "once": return .allowOnce
        case "always": return .allowAlways
        case "approve":
            guard var pin = fields.removeValue(forKey: "pin") else { return .approve(pin: nil) }
            return .approve(pin: SecretPIN(consuming: &pin))
        default:
            throw bad
        }
    }
}

/// The optional body of POST /v1/pairing: `{"application": "EZD …"}`.
enum PairingBody {
    static func application(_ data: Data) throws -> String? {
        guard !data.isEmpty else { return nil }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any], Set(object.keys).isSubset(of: ["application"]) else {
            throw StationProblem.badRequest(messages.text("expected-application"), code: "bad-json")
        }
        guard let name = object["application"] else { return nil }
        guard let text = name as? String, PairingRequest.isAcceptableApplication(text) else { throw StationProblem.badApplication }
        return text
    }
}

struct OriginList: Codable {
    struct Origin: Codable {
        let origin: String
        let kind: String
        let since: Date
        let lastUsed: Date?
    }
    let schema: String
    let origins: [Origin]
}
