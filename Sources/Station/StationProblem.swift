import CAdES
import CMS
import Files
import Foundation
import Inventory
import Localization
import PKCS11
import Timestamping
import XAdES

/// A failure the daemon reports as an RFC 9457 problem: a stable code, the
/// HTTP status, the clerk-readable sentence, and what else helps the caller.
public struct StationProblem: Error, Sendable, CustomStringConvertible {
    public let code: String
    public let status: Int
    public let title: String
    public let message: ClerkText
    /// A more specific stable code (xml-entity, tsa-timeout, CKR_PIN_INCORRECT…).
    public var reason: String?
    public var triesLeft: Int?

    public init(_ code: String, status: Int, title: String, message: ClerkText, reason: String? = nil, triesLeft: Int? = nil) {
        self.code = code
        self.status = status
        self.title = title
        self.message = message
        self.reason = reason
        self.triesLeft = triesLeft
    }

    public var description: String { "\(code): \(message.en)" }

    public static func badRequest(_ en: String, pl: String? = nil, code: String = "bad-request") -> StationProblem {
        StationProblem(code, status: 400, title: "Bad request", message: ClerkText(pl: pl ?? en, en: en))
    }

    public static let notFound = StationProblem(
        "not-found", status: 404, title: "Not found",
        message: ClerkText(pl: "Nie ma takiego zasobu.", en: "No such resource."))

    public static func unknownCertificate(_ id: String) -> StationProblem {
        StationProblem(
            "unknown-certificate", status: 404, title: "Unknown certificate",
            message: ClerkText(
                pl: "Nie ma certyfikatu \(id) na żadnej karcie ani tokenie. Sprawdź listę: GET /v1/certificates.",
                en: "No certificate \(id) on any card or token. See the list: GET /v1/certificates."))
    }

    public static func ambiguousCertificate(_ ids: [String]) -> StationProblem {
        StationProblem(
            "ambiguous-certificate", status: 409, title: "Ambiguous certificate",
            message: ClerkText(
                pl: "Kilka certyfikatów może podpisać; wskaż jeden (certificate): \(ids.joined(separator: ", ")).",
                en: "Several certificates can sign; name one (certificate): \(ids.joined(separator: ", "))."))
    }

    public static let refused = StationProblem(
        "refused", status: 403, title: "Refused by the user",
        message: ClerkText(pl: "Użytkownik odmówił podpisania.", en: "The user refused to sign."))

    public static func pinMissing(_ token: String) -> StationProblem {
        StationProblem(
            "pin-missing", status: 403, title: "No PIN given",
            message: ClerkText(
                pl: "Zgoda bez PIN-u, a „\(token)” go wymaga; nic nie podpisano i nie zużyto żadnej próby PIN-u.",
                en: "Approved without a PIN, but “\(token)” needs one; nothing was signed and no PIN try was used."))
    }

    public static let noAgent = StationProblem(
        "no-agent", status: 503, title: "No agent answered",
        message: ClerkText(
            pl: "Nikt nie potwierdził podpisu: poproś użytkownika o uruchomienie „podpis agent” w terminalu i spróbuj ponownie.",
            en: "Nobody confirmed the signature: ask the user to start “podpis agent” in a terminal, then try again."))

    public static let queueFull = StationProblem(
        "queue-full", status: 429, title: "Too many requests",
        message: ClerkText(pl: "Za dużo oczekujących żądań do tego tokenu; spróbuj później.", en: "Too many requests waiting for this token; try later."))

    public static func tooLarge(_ limit: Int) -> StationProblem {
        StationProblem(
            "too-large", status: 413, title: "Too large",
            message: ClerkText(
                pl: "Żądanie przekracza limit \(limit / (1 << 20)) MiB; dla dużych plików wyślij sam skrót (digest).",
                en: "The request exceeds the \(limit / (1 << 20)) MiB limit; for large files send the digest only."))
    }

    public static let digestNotAllowed = StationProblem(
        "digest-not-allowed", status: 422, title: "Digest not allowed",
        message: ClerkText(
            pl: "Sam skrót wystarcza tylko do podpisu zewnętrznego (packaging detached); ten podpis potrzebuje treści dokumentu.",
            en: "A digest is enough only for a detached signature (packaging detached); this one needs the document's content."))

    public static func internalError(_ detail: String) -> StationProblem {
        StationProblem("internal", status: 500, title: "Internal error", message: ClerkText(pl: "Błąd wewnętrzny: \(detail)", en: "Internal error: \(detail)"))
    }

    /// Any error from the signing path, as a problem.
    public init(_ error: any Error) {
        switch error {
        case let problem as StationProblem:
            self = problem
        case let e as XMLInputError:
            self.init("bad-document", status: 422, title: "Bad document", message: e.message, reason: e.code)
        case let e as XAdESError:
            self.init(e.kind == .tooLarge ? "too-large" : "bad-request", status: e.kind == .tooLarge ? 413 : 400,
                      title: "Cannot sign", message: e.message, reason: e.code)
        case let e as CMSError:
            self.init("bad-document", status: 422, title: "Bad document", message: e.message, reason: e.code)
        case let e as TimeStampError:
            self.init("tsa-failed", status: 502, title: "Time-stamp failed", message: e.message, reason: e.code)
        case let e as FileError:
            self.init(e.kind == .tooLarge ? "too-large" : "internal", status: e.kind == .tooLarge ? 413 : 500,
                      title: "File problem", message: e.message, reason: e.code)
        case let e as SigningKeyError:
            switch e {
            case .certificateNotFound(let id): self = .unknownCertificate(id)
            case .ambiguous(let list): self = .ambiguousCertificate(list)
            case .noPrivateKey: self.init("unknown-certificate", status: 404, title: "No private key", message: e.message, reason: e.code)
            }
        case let e as PKCS11Error:
            self.init(pkcs11: e)
        case is CancellationError:
            self.init("client-gone", status: 499, title: "Client gone",
                      message: ClerkText(pl: "Żądający rozłączył się; niczego nie podpisano.", en: "The caller disconnected; nothing was signed."))
        default:
            self = .internalError("\(error)")
        }
    }

    /// A token error by its category (``PKCS11Error/category``): the PIN → 403,
    /// the token gone → 409 `token-absent`, the device failing → 502, the key
    /// or mechanism unable → 422, each with the PKCS#11 code; else 500.
    init(pkcs11 e: PKCS11Error) {
        var code = "signing-failed", status = 500, title = "Signing failed"
        switch e.category {
        case .pin:
            switch e.returnValue {
            case ReturnValue.pinLocked?: (code, status, title) = ("pin-locked", 403, "PIN locked")
            case ReturnValue.pinExpired?: (code, status, title) = (e.code, 403, "PIN expired")
            case ReturnValue.userPINNotInitialized?, ReturnValue.pinTooWeak?: (code, status, title) = (e.code, 403, "PIN not usable")
            case nil: (code, status, title) = ("wrong-pin", 403, "PIN needed")
            default: (code, status, title) = ("wrong-pin", 403, "Wrong PIN")
            }
        case .tokenGone: (code, status, title) = ("token-absent", 409, "Card or token removed")
        case .device where e.returnValue == ReturnValue.deviceError: (code, status, title) = ("token-absent", 409, "Card or token removed")
        case .device: (code, status, title) = (e.code, 502, "Card or token failed")
        case .usage: (code, status, title) = (e.code, 422, "The key cannot sign this")
        case .cancelled: (code, status, title) = (e.code, 409, "Cancelled")
        case .other: break
        }
        self.init(code, status: status, title: title, message: e.message, reason: e.name, triesLeft: e.triesLeft)
    }
}
