import Evidence
import Files
import Foundation
import HTTPTypes
import Hummingbird
import Localization
import NIOCore
import Station
import StationAPI
import Tar
import Validation
import XAdES

/// POST /v1/verify (docs/protocol.md, "Verifying signatures"): the
/// signatures of a file that arrived are validated (EN 319 102-1) against
/// the `[verification] trust` anchors loaded at start. It never touches a
/// token and asks no consent; the guards of every route apply (Host, paired
/// Origin and its token over TCP, the peer's uid on the socket). Forms: the
/// raw signed file (`?name=`), JSON with base64 files, or a tar of the
/// signed file and its detached files. The answer is the report, 200
/// whatever the verdict; a file that is not a signature is `bad-document`.
struct VerifyRoutes: Sendable {
    /// The anchors of `[verification] trust`, read at start.
    let sources: [TrustSource]
    /// The trusted lists and revocation sources of `[verification]`.
    var trust: VerificationTrust? = nil
    /// `[verification] max_mib`: the signed file and its detached files together.
    let limit: Int
    /// `[server] max_json_mib`.
    let maximumJSON: Int

    static let rawParameters: Set<String> = ["name", "at"]
    static let fields: Set<String> = ["signature", "detached", "at"]
    static let fileFields: Set<String> = ["name", "content"]
    /// At most this many detached files (JSON) or archive entries (tar).
    static let maxFiles = 1000

    /// What one verification reads: the signed file (in memory or spooled) and the detached files.
    struct Input: Sendable {
        enum Signed: Sendable {
            case bytes([UInt8])
            case spooled(path: String)
        }
        var name: String
        var signed: Signed
        var detached: [DetachedData]
        var at: Date?
    }

    /// The sources of `[verification] trust`, one per file, and a line
    /// (`verification.trust: path: why [code]`) for each file that cannot be read.
    static func trustSources(_ paths: [String]) -> (sources: [TrustSource], problems: [String]) {
        var sources: [TrustSource] = [], problems: [String] = []
        for path in paths {
            do { sources.append(try TrustSource.file(path)) } catch {
                let readable = error as? any ClerkReadableError
                problems.append("verification.trust: \(path): \(readable?.message.en ?? "\(error)") [\(readable?.code ?? "verify-trust-unreadable")]")
            }
        }
        return (sources, problems)
    }

    func add(to router: Router<PodpisRequestContext>) {
        router.post("/v1/verify") { request, context in try await verify(request, context: context) }
    }

    func verify(_ request: Request, context: PodpisRequestContext) async throws -> Response {
        let type = try Self.bodyType(request)
        var spooled: String?
        defer { if let spooled { unlink(spooled) } }
        let input: Input
        if type == "application/json" {
            input = try Self.fromJSON(try await jsonBody(request), limit: limit)
        } else {
            let parameters = try Self.parameters(request)
            input = try await rawOrTar(request, type: type, name: parameters.name, at: parameters.at, spooled: &spooled)
        }

        // CPU work on the cooperative pool, never on the NIO loop; cancelled
        // (its answer dropped) when the client goes away.
        let sources = self.sources, limit = self.limit, trust = self.trust
        let task = Task(executorPreference: globalConcurrentExecutor) { () async throws -> ValidationReport in
            let bytes: [UInt8]
            switch input.signed {
            case .bytes(let given): bytes = given
            case .spooled(let path): bytes = try InputFile(path: path).readAll(limit: limit)
            }
            try Task.checkCancellation()
            let lists = await trust?.lists()
            let verifier = Verifier(
                policy: ValidationPolicy(validationTime: input.at ?? Date()), sources: sources, trustedLists: lists,
                revocation: trust?.revocation() ?? RevocationSources())
            return try await verifier.verify(bytes, name: input.name, detached: input.detached)
        }
        context.channel.closeFuture.whenComplete { _ in task.cancel() }
        let report: ValidationReport
        do { report = try await task.value } catch { throw Self.problem(error) }

        if Self.wantsText(request.headers[.accept]) {
            let language = Self.language(request.headers[.acceptLanguage])
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; charset=utf-8"
            headers[.contentLanguage] = language.rawValue
            let text = ClerkReport.text(report, language: language) + "\n"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        return try jsonResponse(VerifyAnswer(report: report))
    }

    // MARK: Forms

    /// The body's media type, without parameters; refused when missing or an
    /// HTML form (a form is not a signed file).
    static func bodyType(_ request: Request) throws -> String {
        guard let contentType = request.headers[.contentType]?.lowercased() else { throw StationProblem.unsupportedMediaType }
        let type = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        if type == "application/x-www-form-urlencoded" || type.hasPrefix("multipart/") { throw StationProblem.unsupportedMediaType }
        return type
    }

    /// The raw and tar forms' input, the body at most `limit`: a tar read into
    /// memory, or the raw body spooled to a private file, its path left in
    /// `spooled` for the caller to remove.
    func rawOrTar(_ request: Request, type: String, name: String?, at: Date?, spooled: inout String?) async throws -> Input {
        try Routes.refuseAnnouncedLength(request, over: limit)
        if type == "application/x-tar" || type == "application/tar" {
            return try await Self.fromTar(request.body, name: name, at: at, limit: limit)
        }
        guard let name else { throw StationProblem.badRequest(messages.text("verify-raw-needs-name")) }
        let (path, _, _) = try await BodySpool.write(request.body, limit: limit)
        spooled = path
        return Input(name: name, signed: .spooled(path: path), detached: [], at: at)
    }

    /// The JSON form's body, at most `[server] max_json_mib`; a query beside it is refused.
    func jsonBody(_ request: Request) async throws -> Data {
        guard request.uri.queryParameters.isEmpty else {
            throw StationProblem.badRequest(messages.text("the-json-form-takes-its"), code: "unknown-field")
        }
        try Routes.refuseAnnouncedLength(request, over: maximumJSON)
        var request = request
        do { return Data(buffer: try await request.collectBody(upTo: maximumJSON)) } catch { throw StationProblem.tooLarge(maximumJSON) }
    }

    /// `?name=` and `?at=` of the raw and tar forms, and the route's own
    /// `extra` parameters (their values as given); any other parameter is refused.
    static func parameters(_ request: Request, extra: Set<String> = []) throws -> (name: String?, at: Date?, extra: [String: [String]]) {
        var name: String?, at: Date?, given: [String: [String]] = [:]
        for (key, value) in request.uri.queryParameters {
            let text = String(value).removingPercentEncoding ?? String(value)
            switch String(key) {
            case "name":
                guard SignDocument.isAcceptableName(text) else { throw StationProblem.badDocumentName("name") }
                name = text
            case "at":
                at = try time(text)
            case let other where extra.contains(other):
                given[other, default: []].append(text)
            default:
                throw StationProblem.badRequest(messages.text("unknown-parameter", ["key": String(key)]), code: "unknown-field")
            }
        }
        return (name, at, given)
    }

    /// `{"signature": {"name", "content"}, "detached": [{"name", "content"}], "at": "…"}`;
    /// unknown fields are refused (`unknown-field`).
    static func fromJSON(_ data: Data, limit: Int) throws -> Input {
        try fromJSON(data, limit: limit, fields: fields).input
    }

    /// The same with the route's own `fields` (`signature`, `detached` and
    /// the route's others); those other than the files are returned as parsed.
    static func fromJSON(_ data: Data, limit: Int, fields: Set<String>) throws -> (input: Input, body: [String: Any]) {
        guard let object = try? JSONSerialization.jsonObject(with: data), let body = object as? [String: Any] else {
            throw StationProblem.badRequest(messages.text("verify-expected-json"), code: "bad-json")
        }
        if let unknown = Set(body.keys).subtracting(fields).sorted().first {
            throw StationProblem.badRequest(messages.text("verify-unknown-field", ["field": unknown]), code: "unknown-field")
        }
        var total = 0
        func file(_ value: Any?, _ field: String) throws -> (name: String, bytes: [UInt8]) {
            guard let object = value as? [String: Any] else {
                throw StationProblem.badRequest(messages.text("verify-expected-file", ["field": field]), code: "bad-json")
            }
            if let unknown = Set(object.keys).subtracting(fileFields).sorted().first {
                throw StationProblem.badRequest(messages.text("verify-unknown-field", ["field": "\(field).\(unknown)"]), code: "unknown-field")
            }
            guard let name = object["name"] as? String, let content = object["content"] as? String else {
                throw StationProblem.badRequest(messages.text("verify-expected-file", ["field": field]), code: "bad-json")
            }
            guard SignDocument.isAcceptableName(name) else { throw StationProblem.badDocumentName("\(field).name") }
            guard let bytes = Data(base64Encoded: content, options: .ignoreUnknownCharacters) else {
                throw StationProblem.badRequest(messages.text("verify-not-base64", ["field": "\(field).content"]), code: "bad-json")
            }
            total += bytes.count
            guard total <= limit else { throw StationProblem.tooLarge(limit) }
            return (name, [UInt8](bytes))
        }
        guard body["signature"] != nil else {
            throw StationProblem.badRequest(messages.text("verify-expected-file", ["field": "signature"]), code: "bad-json")
        }
        let signed = try file(body["signature"], "signature")
        var detached: [DetachedData] = []
        if let list = body["detached"] {
            guard let items = list as? [Any], items.count <= maxFiles else {
                throw StationProblem.badRequest(messages.text("verify-expected-files", ["most": maxFiles]), code: "bad-json")
            }
            for (index, item) in items.enumerated() {
                let (name, bytes) = try file(item, "detached[\(index)]")
                guard !detached.contains(where: { $0.name == name }) else {
                    throw StationProblem.badRequest(messages.text("verify-name-repeated", ["name": name]))
                }
                detached.append(DetachedData(name: name, bytes: bytes))
            }
        }
        var at: Date?
        if fields.contains("at"), let value = body["at"] {
            guard let text = value as? String else { throw StationProblem.badRequest(messages.text("verify-bad-time", ["text": "\(value)"])) }
            at = try time(text)
        }
        return (Input(name: signed.name, signed: .bytes(signed.bytes), detached: detached, at: at), body)
    }

    /// A tar archive: the entry named `name` (else the first file) is the
    /// signed file, every other file a detached one, by its name; at most
    /// `limit` bytes of entries together, held in memory.
    static func fromTar(_ body: RequestBody, name: String?, at: Date?, limit: Int) async throws -> Input {
        var reader = TarReader()
        var files: [(name: String, bytes: [UInt8])] = []
        var total = 0
        var ended = false
        do {
            reading: for try await buffer in body {
                let events: [TarReader.Event]
                do {
                    events = try buffer.withUnsafeReadableBytes { bytes in try reader.feed(bytes) }
                } catch {
                    let fault = error as? TarError ?? .truncated
                    throw StationProblem("bad-archive", kind: .invalid, title: "Bad archive", message: fault.message, reason: fault.code)
                }
                for event in events {
                    switch event {
                    case .entry(let entry):
                        if entry.kind == .directory || entry.kind == .paxGlobal { continue }
                        var entryName = entry.name
                        while entryName.hasPrefix("./") { entryName.removeFirst(2) }
                        guard entry.kind == .file, SignDocument.isAcceptableName(entryName) else {
                            throw StationProblem.badRequest(messages.text("verify-bad-entry", ["name": entryName]), code: "bad-archive")
                        }
                        guard !files.contains(where: { $0.name == entryName }) else {
                            throw StationProblem.badRequest(messages.text("verify-name-repeated", ["name": entryName]))
                        }
                        guard files.count < maxFiles else {
                            throw StationProblem.badRequest(messages.text("verify-expected-files", ["most": maxFiles]), code: "bad-archive")
                        }
                        total += entry.size
                        guard total <= limit else { throw StationProblem.tooLarge(limit) }
                        files.append((entryName, []))
                        files[files.count - 1].bytes.reserveCapacity(entry.size)
                    case .data(let bytes):
                        if !files.isEmpty { files[files.count - 1].bytes += bytes }
                    case .entryEnd:
                        break
                    case .end:
                        ended = true
                        break reading
                    }
                }
            }
        } catch let problem as StationProblem {
            throw problem
        } catch {
            throw StationProblem.badRequest(messages.text("the-request-body-was-cut"))
        }
        guard ended || reader.isBetweenEntries else {
            throw StationProblem("bad-archive", kind: .invalid, title: "Bad archive", message: TarError.truncated.message, reason: TarError.truncated.code)
        }
        let index: Int
        if let name {
            guard let found = files.firstIndex(where: { $0.name == name }) else {
                throw StationProblem.badRequest(messages.text("verify-entry-missing", ["name": name]), code: "bad-archive")
            }
            index = found
        } else {
            guard !files.isEmpty else { throw StationProblem.badRequest(messages.text("verify-entry-missing", ["name": "?"]), code: "bad-archive") }
            index = 0
        }
        let signed = files.remove(at: index)
        return Input(name: signed.name, signed: .bytes(signed.bytes), detached: files.map { DetachedData(name: $0.name, bytes: $0.bytes) }, at: at)
    }

    // MARK: Answer

    /// An input that is not a signature file: `bad-document` (422), with the
    /// reader's own code as `reason` (XML and CMS errors are mapped so by
    /// StationProblem already; the validation's own refusals here).
    /// Any other reader's refusal (a clerk-readable error of a format
    /// module) is an input refusal too, never an internal error.
    static func problem(_ error: any Error) -> StationProblem {
        switch error {
        case let problem as StationProblem:
            return problem
        case let e as Validation.ValidationError:
            return StationProblem("bad-document", kind: .cannotComply, title: "Bad document", message: e.message, reason: e.code)
        case is XMLInputError, is FileError, is CancellationError:
            return StationProblem(error)
        case let e as any ClerkReadableError:
            return StationProblem("bad-document", kind: .cannotComply, title: "Bad document", message: e.message, reason: e.code)
        default:
            return StationProblem(error)
        }
    }

    /// ISO 8601 with or without fractional seconds, or a date alone (midnight UTC).
    static func time(_ text: String) throws -> Date {
        for options: ISO8601DateFormatter.Options in [[.withInternetDateTime], [.withInternetDateTime, .withFractionalSeconds], [.withFullDate]] {
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = options
            if let date = formatter.date(from: text) { return date }
        }
        throw StationProblem.badRequest(messages.text("verify-bad-time", ["text": text]))
    }

    /// The clerk's text instead of JSON: `Accept` names text/plain and not application/json.
    static func wantsText(_ accept: String?) -> Bool {
        guard let accept = accept?.lowercased() else { return false }
        return accept.contains("text/plain") && !accept.contains("application/json")
    }

    /// Polish or English, whichever `Accept-Language` prefers (by q, then
    /// order); English when it names neither.
    static func language(_ header: String?) -> Language {
        var best: (language: Language, q: Double)?
        for part in (header ?? "").split(separator: ",") {
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard let tag = pieces.first else { continue }
            let q = pieces.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            let language: Language? = tag == "pl" || tag.hasPrefix("pl-") ? .polish : tag == "en" || tag.hasPrefix("en-") ? .english : nil
            if let language, q > 0, q > (best?.q ?? 0) { best = (language, q) }
        }
        return best?.language ?? .english
    }
}
