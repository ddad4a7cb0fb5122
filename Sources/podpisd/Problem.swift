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

    static let methodNotAllowed = StationProblem(
        "method-not-allowed", kind: .unsupportedOperation, title: "Method not allowed",
        message: ClerkText(pl: "Ta metoda nie jest obsługiwana dla tego adresu.", en: "This method is not supported here."))

    static let unsupportedVersion = StationProblem(
        "unsupported-version", kind: .notFound, title: "Unsupported API version",
        message: ClerkText(pl: "Ta wersja API nie istnieje; użyj /v1/.", en: "No such API version; use /v1/."))

    static let agentOnly = StationProblem(
        "agent-only", kind: .notAllowed, title: "Agent interface",
        message: ClerkText(
            pl: "Ten adres jest dostępny tylko przez gniazdo Unix, dla agenta użytkownika (podpis agent).",
            en: "This address is served only on the Unix socket, to the user's agent (podpis agent)."))

    static let crossSiteRequest = StationProblem(
        "cross-site-request", kind: .notAllowed, title: "Cross-site request",
        message: ClerkText(
            pl: "Przeglądarka oznaczyła to żądanie jako wysłane przez inną stronę (Sec-Fetch-Site) bez zatwierdzonego nagłówka Origin; odrzucono.",
            en: "The browser marked this request as made by another site (Sec-Fetch-Site) without an approved Origin; refused."))

    static func badHost(_ host: String) -> StationProblem {
        StationProblem(
            "bad-host", kind: .notAllowed, title: "Host not allowed",
            message: ClerkText(
                pl: "Nagłówek Host „\(host)” nie wskazuje na localhost; żądanie odrzucono (ochrona przed DNS rebinding).",
                en: "Host header “\(host)” does not name localhost; refused (DNS-rebinding defence)."))
    }

    static func originNotAllowed(_ origin: String) -> StationProblem {
        StationProblem(
            "origin-not-allowed", kind: .notAllowed, title: "Origin not allowed",
            message: ClerkText(
                pl: "Strona \(origin) nie ma zgody na używanie podpisu na tym komputerze: najpierw POST /v1/pairing (użytkownik zatwierdza ją w agencie podpisu) albo administrator dodaje ją do allowed_origins.",
                en: "The page \(origin) is not allowed to use signing on this computer: first POST /v1/pairing (the user approves it in the signing agent), or an administrator adds it to allowed_origins."))
    }

    static let tarExpected = StationProblem(
        "unsupported-media-type", kind: .unsupportedContentType, title: "Unsupported media type",
        message: ClerkText(
            pl: "Wiele dokumentów naraz wysyła się jako archiwum tar (Content-Type: application/x-tar); jeden dokument: PUT …/documents/{name}.",
            en: "Many documents at once are sent as a tar archive (Content-Type: application/x-tar); one document: PUT …/documents/{name}."))

    static let unsupportedMediaType = StationProblem(
        "unsupported-media-type", kind: .unsupportedContentType, title: "Unsupported media type",
        message: ClerkText(
            pl: "Wyślij dokument z jego typem (Content-Type), np. application/pdf, albo JSON (application/json); formularze HTML nie są obsługiwane.",
            en: "Send the document with its type (Content-Type), e.g. application/pdf, or JSON (application/json); HTML form posts are not accepted."))
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
