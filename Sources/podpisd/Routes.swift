import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import PKCS11
import QualifiedCertificates
import Signing
import Station

/// The /v1 API (docs/protocol.md, docs/openapi.yaml).
struct Routes: Sendable {
    let station: Station
    let limits: Limits

    struct Limits: Sendable {
        var maximumBody: Int
        var maximumJSON: Int
    }

    func build(port: Int, allowedOrigins: Set<String>, socketGroup: UInt32? = nil) -> Router<PodpisRequestContext> {
        let router = Router(context: PodpisRequestContext.self)
        router.add(middleware: GuardMiddleware(port: port, allowedOrigins: allowedOrigins, socketGroup: socketGroup))
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
        router.get("/v1/events") { _, _ in
            let events = await station.events.subscribe()
            return ServerSentEvents.response(events.map { ServerSentEvents.Message(id: String($0.id), event: $0.name, data: $0.data) })
        }
        router.get("/v1/agent/requests") { _, context in
            guard context.transport == .unix else { throw StationProblem.agentOnly }
            let requests = await station.consent.subscribe()
            return ServerSentEvents.response(requests.map { event -> ServerSentEvents.Message in
                switch event {
                case .consent(let request): return ServerSentEvents.Message(id: nil, event: "consent", data: request)
                case .withdrawn(let id, let reason): return ServerSentEvents.Message(id: nil, event: "withdrawn", data: ["id": id, "reason": reason])
                }
            })
        }
        router.post("/v1/agent/requests/{id}") { request, context in
            guard context.transport == .unix else { throw StationProblem.agentOnly }
            let id = try context.parameters.require("id")
            var request = request
            var body = try await request.collectBody(upTo: 4096)
            let decision = try AgentAnswer.parse(&body)
            guard await station.consent.answer(id, decision) else { throw StationProblem.notFound }
            return Response(status: .noContent)
        }
        router.post("/v1/sign") { request, context in try await sign(request, context: context) }
        return router
    }

    static let rawParameters: Set<String> = ["name", "mimeType", "format", "packaging", "level", "certificate", "commitment", "role", "digest"]

    func sign(_ request: Request, context: PodpisRequestContext) async throws -> Response {
        let requestID = context.id
        let requester = Requester(transport: context.transport, origin: request.headers[.origin])
        guard let contentType = request.headers[.contentType]?.lowercased() else { throw StationProblem.unsupportedMediaType }
        // HTML forms are not documents: a form post would be signed as its urlencoded text.
        if contentType.hasPrefix("application/x-www-form-urlencoded") || contentType.hasPrefix("multipart/") {
            throw StationProblem.unsupportedMediaType
        }
        var request = request
        let signRequest: SignRequest
        var spooled: String?
        defer { if let spooled { unlink(spooled) } }
        let json = contentType.hasPrefix("application/json")
        if json {
            guard request.uri.queryParameters.isEmpty else {
                throw StationProblem.badRequest("The JSON form takes its parameters in the body, not the query.", pl: "Forma JSON przyjmuje parametry w treści, nie w adresie.", code: "unknown-field")
            }
            let body: ByteBuffer
            do { body = try await request.collectBody(upTo: limits.maximumJSON) } catch { throw StationProblem.tooLarge(limits.maximumJSON) }
            signRequest = try SignRequest.fromJSON(Data(buffer: body), settings: station.settings)
        } else {
            let query = request.uri.queryParameters
            var parameters: [String: String] = [:]
            for (key, value) in query {
                guard Self.rawParameters.contains(String(key)) else {
                    throw StationProblem.badRequest("Unknown parameter \"\(key)\".", pl: "Nieznany parametr „\(key)”.", code: "unknown-field")
                }
                parameters[String(key)] = String(value).removingPercentEncoding ?? String(value)
            }
            guard let name = parameters["name"], SignDocument.isAcceptableName(name) else {
                throw StationProblem.badRequest("The raw form needs ?name=FILE (the document's file name, without a path).", pl: "Forma surowa wymaga ?name=PLIK (nazwy pliku dokumentu, bez ścieżki).")
            }
            var parsed = try SignRequest.withParameters(
                format: parameters["format"], packaging: parameters["packaging"], level: parameters["level"],
                certificate: parameters["certificate"], commitment: parameters["commitment"], role: parameters["role"],
                digest: parameters["digest"], settings: station.settings)
            let mimeType = parameters["mimeType"] ?? (contentType == "application/octet-stream" ? nil : contentType.split(separator: ";").first.map(String.init))
            let (path, size, sha256) = try await BodySpool.write(request.body, limit: limits.maximumBody)
            spooled = path
            parsed.documents = [SignDocument(name: name, mimeType: mimeType, content: .file(path: path), size: size, sha256: sha256)]
            try parsed.validate()
            signRequest = parsed
        }

        // Sign in a child task that is cancelled when the client goes away:
        // nothing is signed for a caller who left.
        let station = self.station
        let task = Task { try await station.sign(signRequest, requester: requester, requestID: requestID) }
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

/// The agent's answer: `{"decision":"approve","pin":"…"}` or `{"decision":"refuse"}`.
enum AgentAnswer {
    static func parse(_ body: inout ByteBuffer) throws -> ConsentDecision {
        var bytes = body.readBytes(length: body.readableBytes) ?? []
        defer {
            for i in bytes.indices { bytes[i] = 0 }
            body.clear()
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any],
            let decision = object["decision"] as? String, Set(object.keys).isSubset(of: ["decision", "pin"])
        else {
            throw StationProblem.badRequest("Expected {\"decision\": \"approve\"|\"refuse\", \"pin\"?: \"…\"}.", code: "bad-json")
        }
        switch decision {
        case "refuse": return .refuse
        case "approve":
            guard let pin = object["pin"] as? String else { return .approve(pin: nil) }
            var pinBytes = Array(pin.utf8)
            return .approve(pin: SecretPIN(consuming: &pinBytes))
        default:
            throw StationProblem.badRequest("decision must be approve or refuse.", code: "bad-json")
        }
    }
}
