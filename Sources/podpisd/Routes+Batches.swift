import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SealService
import Sealing
import Station
import StationAPI

/// The batch API (docs/protocol.md, "Seal batches"): a batch of documents
/// sealed with a `[seal.NAME]` profile, without a clerk; streamed in,
/// followed over SSE, results per document, cancel; only its owner sees it.
struct BatchRoutes: Sendable {
    let batches: SealBatches

    func add(to router: Router<PodpisRequestContext>) {
        router.get("/v1/batches") { request, context in
            let requester = context.requester(origin: request.headers[.origin])
            return try jsonResponse(BatchList(schema: "podpis.batches/1", batches: await batches.list(for: requester)))
        }
        router.post("/v1/batches") { request, context in
            var request = request
            let body: ByteBuffer
            do { body = try await request.collectBody(upTo: 4096) } catch {
                throw StationProblem(.tooLarge, messages.sentence("request-too-large"), code: "too-large")
            }
            let profile = try CreateBatch.profile(Data(buffer: body))
            let requester = context.requester(origin: request.headers[.origin])
            let batch = try await batches.create(profile: profile, requester: requester)
            var response = try jsonResponse(batch.status(), status: .created)
            response.headers[.location] = "/v1/batches/\(batch.id)"
            return response
        }
        router.get("/v1/batches/{id}") { request, context in
            try jsonResponse(try await batch(request, context).status())
        }
        router.delete("/v1/batches/{id}") { request, context in
            let requester = context.requester(origin: request.headers[.origin])
            try await batches.delete(try context.parameters.require("id"), for: requester)
            return Response(status: .noContent)
        }
        router.post("/v1/batches/{id}/close") { request, context in
            let batch = try await batch(request, context)
            try await batch.close()
            return try jsonResponse(batch.status())
        }
        router.post("/v1/batches/{id}/cancel") { request, context in
            let batch = try await batch(request, context)
            try await batch.cancel()
            return try jsonResponse(batch.status())
        }
        router.get("/v1/batches/{id}/events") { request, context in
            let documents = request.uri.queryParameters["documents"].map { String($0) != "false" } ?? true
            let events = try await batch(request, context).subscribe(documents: documents)
            return ServerSentEvents.response(events.map { ServerSentEvents.Message(id: nil, event: $0.name, raw: $0.data) })
        }
        router.get("/v1/batches/{id}/documents") { request, context in
            let batch = try await batch(request, context)
            return try jsonResponse(DocumentList(schema: "podpis.batch-documents/1", batch: batch.id, documents: batch.documents()))
        }
        router.get("/v1/batches/{id}/documents/{name}") { request, context in
            let batch = try await batch(request, context)
            guard let document = batch.document(try Self.name(context)) else { throw StationProblem.notFound }
            return try jsonResponse(document)
        }
        router.post("/v1/batches/{id}/documents") { request, context in
            let batch = try await batch(request, context)
            let type = request.headers[.contentType]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
            guard type == "application/x-tar" || type == "application/tar" else { throw StationProblem.tarExpected }
            let limit = await batches.keys.profiles[batch.profile]?.settings.maxDocumentBytes ?? (64 << 20)
            return try jsonResponse(try await BatchUpload(batch: batch, limit: limit).run(request.body))
        }
        router.get("/v1/batches/{id}/seals") { request, context in
            let follow = request.uri.queryParameters["follow"].map { String($0) != "false" } ?? true
            return BatchSealStream.response(try await batch(request, context), follow: follow)
        }
        router.put("/v1/batches/{id}/documents/{name}") { request, context in
            try await upload(request, context)
        }
        router.get("/v1/batches/{id}/documents/{name}/seal") { request, context in
            let batch = try await batch(request, context)
            let (bytes, document, sealSHA256) = try batch.seal(try Self.name(context))
            var headers = HTTPFields()
            headers[.contentType] = Self.mediaType(document.output ?? "")
            headers[.contentDisposition] = ContentDisposition.attachment(document.output ?? document.name)
            headers[HTTPField.Name("X-Podpis-Document-SHA256")!] = document.sha256
            if let sealSHA256 { headers[HTTPField.Name("X-Podpis-Seal-SHA256")!] = sealSHA256 }
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        }
    }

    func batch(_ request: Request, _ context: PodpisRequestContext) async throws -> SealBatch {
        let requester = context.requester(origin: request.headers[.origin])
        return try await batches.batch(try context.parameters.require("id"), for: requester)
    }

    /// PUT: the raw document, spooled beside its final place, fsynced and
    /// renamed in before 201; the same content again is 200, other content
    /// under the same name 409.
    func upload(_ request: Request, _ context: PodpisRequestContext) async throws -> Response {
        let batch = try await batch(request, context)
        let name = try Self.name(context)
        let limit = await batches.keys.profiles[batch.profile]?.settings.maxDocumentBytes ?? (64 << 20)
        // A body announced over the limit is refused before a byte is spooled.
        let announcedTooLarge = request.headers[.contentLength].flatMap { Int($0) }.map { $0 > limit } ?? false
        if let existing = try batch.reserve(name) {
            if announcedTooLarge { throw SealBatchProblem.nameReused(name) }
            let path: String, sha256: String
            do {
                (path, _, sha256) = try await BodySpool.write(request.body, limit: limit)
            } catch {
                if (error as? StationProblem)?.code == "too-large" { throw SealBatchProblem.nameReused(name) }
                throw error
            }
            unlink(path)
            guard sha256 == existing.sha256 else { throw SealBatchProblem.nameReused(name) }
            return try jsonResponse(existing)
        }
        if announcedTooLarge {
            batch.release(name)
            throw SealBatchProblem.documentTooLarge(limit)
        }
        let spooled: (path: String, size: Int, sha256: String)
        do {
            spooled = try await BodySpool.write(request.body, limit: limit, path: batch.spoolPath())
        } catch {
            batch.release(name)
            if (error as? StationProblem)?.code == "too-large" { throw SealBatchProblem.documentTooLarge(limit) }
            throw error
        }
        let document = try await batch.accept(name: name, spooled: spooled.path, size: spooled.size, sha256: spooled.sha256)
        var response = try jsonResponse(document, status: .created)
        response.headers[.location] = "/v1/batches/\(batch.id)/documents/\(name.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? name)"
        return response
    }

    static func name(_ context: PodpisRequestContext) throws -> String {
        let raw = try context.parameters.require("name")
        let name = raw.removingPercentEncoding ?? raw
        guard SignDocument.isAcceptableName(name), !name.hasPrefix("."), name.utf8.count <= 200 else { throw SealBatchProblem.badName(name) }
        return name
    }

    static func mediaType(_ output: String) -> String {
        if output.hasSuffix(".p7s") { return "application/pkcs7-signature" }
        if output.hasSuffix(".p7m") { return "application/pkcs7-mime" }
        return "application/xml"
    }
}

struct BatchList: Encodable {
    let schema: String
    let batches: [BatchStatus]
}

struct DocumentList: Encodable {
    let schema: String
    let batch: String
    let documents: [BatchDocument]
}

/// The body of POST /v1/batches: `{"profile": "NAME"}`.
enum CreateBatch {
    static func profile(_ data: Data) throws -> String {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any], Set(object.keys) == ["profile"],
            let profile = object["profile"] as? String, !profile.isEmpty, profile.count <= 100
        else {
            throw StationProblem.badRequest(messages.text("expected-a-seal-name-of"), code: "bad-json")
        }
        return profile
    }
}
