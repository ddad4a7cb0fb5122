import CMS
import Evidence
import Files
import Foundation
import HTTPTypes
import Hummingbird
import LongTerm
import NIOCore
import StationAPI
import Timestamping
import Validation

/// POST /v1/extend (docs/protocol.md, "Extending signatures"): the
/// signatures of a file made long-term, B-LT or B-LTA, as `podpis extend`
/// does — validated first against what POST /v1/verify trusts, refused
/// with a stable reason when not intact, revoked or expired without proof
/// of existence, the certificates and revocation data added (from
/// `[verification] revocation_cache`, and the network when `online`), for
/// B-LTA an archive time-stamp from `[timestamp] urls`, and returned only
/// when the result verifies TOTAL-PASSED with what it carries. Never
/// touches a token, asks no consent; the guards of every route apply. The
/// forms are POST /v1/verify's, with `level` (`B-LT` default, `B-LTA`) and
/// `signature` (ids to extend; default all) as parameters or JSON fields.
/// The answer is JSON with the extended file (base64) and its report, or
/// the file itself with `Accept: application/octet-stream`.
struct ExtendRoutes: Sendable {
    let verify: VerifyRoutes
    let timeStampURLs: [URL]
    let timeStampTimeout: Double

    static let parameters: Set<String> = ["level", "signature"]
    static let fields: Set<String> = ["signature", "detached", "level", "signatures"]

    func add(to router: Router<PodpisRequestContext>) {
        router.post("/v1/extend") { request, context in try await extend(request, context: context) }
    }

    func extend(_ request: Request, context: PodpisRequestContext) async throws -> Response {
        let type = try VerifyRoutes.bodyType(request)
        var spooled: String?
        defer { if let spooled { unlink(spooled) } }
        let input: VerifyRoutes.Input
        let level: LongTermLevel
        var only: Set<String>?
        if type == "application/json" {
            let parsed = try VerifyRoutes.fromJSON(try await verify.jsonBody(request), limit: verify.limit, fields: Self.fields)
            input = parsed.input
            level = try Self.level(parsed.body["level"].map { $0 as? String ?? "\($0)" })
            if let ids = parsed.body["signatures"] {
                guard let list = ids as? [String], !list.isEmpty, list.count <= VerifyRoutes.maxFiles else {
                    throw StationProblem.badRequest(messages.text("extend-bad-signatures"), code: "bad-json")
                }
                only = Set(list)
            }
        } else {
            let parameters = try VerifyRoutes.parameters(request, extra: Self.parameters)
            if parameters.at != nil {
                throw StationProblem.badRequest(messages.text("unknown-parameter", ["key": "at"]), code: "unknown-field")
            }
            guard (parameters.extra["level"]?.count ?? 0) <= 1 else {
                throw StationProblem.badRequest(messages.text("extend-bad-level", ["level": parameters.extra["level"]?.joined(separator: ",") ?? ""]))
            }
            level = try Self.level(parameters.extra["level"]?.first)
            only = parameters.extra["signature"].map(Set.init)
            input = try await verify.rawOrTar(request, type: type, name: parameters.name, at: nil, spooled: &spooled)
        }
        if level == .lta, timeStampURLs.isEmpty {
            throw StationProblem("cannot-extend", kind: .cannotComply, title: "Cannot extend", message: messages.text("extend-no-tsa"), reason: "extend-no-tsa")
        }

        // Validation, fetching and time-stamping on the cooperative pool,
        // never on the NIO loop; cancelled when the client goes away.
        let sources = verify.sources, limit = verify.limit, trust = verify.trust
        let stamper = timeStampURLs.first.map { TimeStampClient(url: $0, timeout: timeStampTimeout).archiveTimeStamper }
        let task = Task(executorPreference: globalConcurrentExecutor) { () async throws -> Extender.Extended in
            let bytes: [UInt8]
            switch input.signed {
            case .bytes(let given): bytes = given
            case .spooled(let path): bytes = try InputFile(path: path).readAll(limit: limit)
            }
            try Task.checkCancellation()
            let lists = await trust?.lists()
            let revocation = trust?.revocation() ?? RevocationSources()
            let verifier = Verifier(sources: sources, trustedLists: lists, revocation: revocation)
            let collector = ValidationDataCollector(sources: verifier.sources, revocation: revocation)
            return try await Extender(verifier: verifier, collector: collector, timeStamper: stamper)
                .extend(bytes, name: input.name, detached: input.detached, to: level, only: only)
        }
        context.channel.closeFuture.whenComplete { _ in task.cancel() }
        let extended: Extender.Extended
        do { extended = try await task.value } catch { throw Self.problem(error) }

        let name = Self.outputName(input.name, level: level)
        if let accept = request.headers[.accept]?.lowercased(), accept.contains("application/octet-stream"), !accept.contains("application/json") {
            var headers = HTTPFields()
            headers[.contentType] = "application/octet-stream"
            headers[.contentDisposition] = "attachment; filename=\"\(name)\""
            headers[HTTPField.Name("Podpis-Levels")!] = extended.report.signatures.filter { extended.extended.contains($0.id) }.map(\.level).joined(separator: ", ")
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: extended.bytes)))
        }
        return try jsonResponse(ExtendAnswer(extended: extended, name: name, level: level))
    }

    static func level(_ text: String?) throws -> LongTermLevel {
        guard let text else { return .lt }
        guard let level = LongTermLevel(rawValue: text) else {
            throw StationProblem.badRequest(messages.text("extend-bad-level", ["level": text]))
        }
        return level
    }

    /// `name-LT.ext` / `name-LTA.ext`.
    static func outputName(_ name: String, level: LongTermLevel) -> String {
        let url = URL(fileURLWithPath: name)
        let ext = url.pathExtension
        return url.deletingPathExtension().lastPathComponent + (level == .lt ? "-LT" : "-LTA") + (ext.isEmpty ? "" : "." + ext)
    }

    /// Extension's refusals are `cannot-extend` (422) with the reason's
    /// stable code; the rest as POST /v1/verify answers them.
    static func problem(_ error: any Error) -> StationProblem {
        if let error = error as? LongTermError {
            return StationProblem("cannot-extend", kind: .cannotComply, title: "Cannot extend", message: error.message, reason: error.code)
        }
        return VerifyRoutes.problem(error)
    }
}

/// The JSON answer of POST /v1/extend (schema `podpis.extend/1`).
struct ExtendAnswer: Encodable {
    let schema = "podpis.extend/1"
    /// The extended file's suggested name and its bytes (base64).
    let name: String
    let content: String
    let level: String
    /// The ids of the signatures extended.
    let extended: [String]
    /// The extended file's report (`podpis.verify/1`), validated with what it carries only.
    let report: VerifyAnswer

    init(extended: Extender.Extended, name: String, level: LongTermLevel) {
        self.name = name
        content = Data(extended.bytes).base64EncodedString()
        self.level = level.rawValue
        self.extended = extended.extended
        report = VerifyAnswer(report: extended.report)
    }
}
