import Foundation
import HTTPTypes
import Hummingbird
import Localization
import Station
import StationAPI

/// RFC 9457 problem details for a ``StationProblem``.
struct ProblemBody: Codable {
    let type: String
    let title: String
    let status: Int
    let detail: String
    let code: String
    let message: ClerkText
    let reason: String?
    let triesLeft: Int?
    let requestId: String?
}

extension StationProblem.Kind {
    /// The HTTP status of a problem of this kind: decided here, in podpisd, only.
    var httpStatus: HTTPResponse.Status {
        switch self {
        case .invalid: return .badRequest
        case .notAllowed: return .forbidden
        case .notFound: return .notFound
        case .unsupportedOperation: return .methodNotAllowed
        case .unsupportedContentType: return .unsupportedMediaType
        case .conflict: return .conflict
        case .tooLarge: return .contentTooLarge
        case .cannotComply: return .unprocessableContent
        case .busy: return .tooManyRequests
        // The caller is gone and reads no answer; the log records 499 (nginx's "client closed request").
        case .clientGone: return HTTPResponse.Status(code: 499)
        case .internalError: return .internalServerError
        case .upstreamFailed: return .badGateway
        case .unavailable: return .serviceUnavailable
        }
    }
}

extension StationProblem {
    /// The problem as an HTTP response; `status` only where Hummingbird
    /// already chose one (an HTTPError of its own).
    func response(requestID: String?, status override: HTTPResponse.Status? = nil) -> Response {
        let status = override ?? kind.httpStatus
        let body = ProblemBody(
            type: "urn:podpis:problem:\(code)", title: title, status: status.code, detail: message.description, code: code,
            message: message, reason: reason, triesLeft: triesLeft, requestId: requestID)
        var headers = HTTPFields()
        headers[.contentType] = "application/problem+json"
        let data = (try? JSONEncoder.podpisd.encode(body)) ?? Data("{}".utf8)
        return Response(status: status.code == 499 ? .badRequest : status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static let methodNotAllowed = StationProblem(.unsupportedOperation, messages.sentence("method-not-allowed"))

    static let unsupportedVersion = StationProblem(.notFound, messages.sentence("unsupported-version"))

    static let agentOnly = StationProblem(.notAllowed, messages.sentence("agent-only"))

    static let crossSiteRequest = StationProblem(.notAllowed, messages.sentence("cross-site-request"))

    static func badHost(_ host: String) -> StationProblem {
        StationProblem(.notAllowed, messages.sentence("bad-host", ["host": host]))
    }

    static func originNotAllowed(_ origin: String) -> StationProblem {
        StationProblem(.notAllowed, messages.sentence("origin-not-allowed", ["origin": origin]))
    }

    static let tarExpected = StationProblem(.unsupportedContentType, messages.sentence("tar-expected"), code: "unsupported-media-type")

    static let unsupportedMediaType = StationProblem(.unsupportedContentType, messages.sentence("unsupported-media-type"))
}

extension JSONEncoder {
    /// Sorted keys, ISO 8601 dates, as the CLI's --json.
    static var podpisd: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }
}

/// A JSON response.
func jsonResponse<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
    var headers = HTTPFields()
    headers[.contentType] = "application/json"
    return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try JSONEncoder.podpisd.encode(value))))
}
