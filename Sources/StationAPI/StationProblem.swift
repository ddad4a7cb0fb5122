import CAdES
import CMS
import Files
import Foundation
import Inventory
import Localization
import PKCS11
import Timestamping
import XAdES

/// A failure of a station request: a stable code, its kind, the
/// clerk-readable sentence, and what else helps the caller. The station
/// says what went wrong; the transport decides how to say it (podpisd maps
/// the kind to an HTTP status and writes an RFC 9457 problem).
public struct StationProblem: Error, Sendable, CustomStringConvertible {
    /// What kind of failure it is, independent of any transport.
    public enum Kind: Sendable, Hashable, CaseIterable {
        /// The request is malformed or names something invalid.
        case invalid
        /// The requester may not do this (policy, origin, peer, refusal).
        case notAllowed
        case notFound
        /// The operation is not offered on this resource.
        case unsupportedOperation
        /// The request's content is of a type not taken here.
        case unsupportedContentType
        /// It collides with the current state (a name taken, a batch closed).
        case conflict
        case tooLarge
        /// Well formed, but cannot be done as asked (too many documents, a wrong format for the file).
        case cannotComply
        /// Too many requests waiting; try later.
        case busy
        /// The caller went away before the answer.
        case clientGone
        case internalError
        /// A device or service the station relies on failed (the TSA, the card).
        case upstreamFailed
        /// Not available now (no agent, the audit trail cannot be written, the token busy elsewhere).
        case unavailable
    }

    public let code: String
    public let kind: Kind
    public let title: String
    public let message: ClerkText
    /// A more specific stable code (xml-entity, tsa-timeout, CKR_PIN_INCORRECT…).
    public var reason: String?
    public var triesLeft: Int?

    public init(_ code: String, kind: Kind, title: String, message: ClerkText, reason: String? = nil, triesLeft: Int? = nil) {
        self.code = code
        self.kind = kind
        self.title = title
        self.message = message
        self.reason = reason
        self.triesLeft = triesLeft
    }

    /// A problem worded by a catalogued sentence: the code is the sentence's
    /// key unless given, the title its heading.
    public init(_ kind: Kind, _ sentence: Sentence, code: String? = nil, reason: String? = nil, triesLeft: Int? = nil) {
        self.init(code ?? sentence.key, kind: kind, title: sentence.title, message: sentence.text, reason: reason, triesLeft: triesLeft)
    }

    public var description: String { "\(code): \(message.en)" }

    public static func badRequest(_ message: ClerkText, code: String = "bad-request") -> StationProblem {
        StationProblem(code, kind: .invalid, title: "Bad request", message: message)
    }

    public static let notFound = StationProblem(.notFound, messages.sentence("not-found"))

    public static func unknownCertificate(_ id: String) -> StationProblem {
        StationProblem(.notFound, messages.sentence("unknown-certificate", ["id": id]))
    }

    public static func ambiguousCertificate(_ ids: [String]) -> StationProblem {
        StationProblem(.conflict, messages.sentence("ambiguous-certificate", ["ids": ids.joined(separator: ", ")]))
    }

    public static let refused = StationProblem(.notAllowed, messages.sentence("refused"))

    public static func pinMissing(_ token: String) -> StationProblem {
        StationProblem(.notAllowed, messages.sentence("pin-missing", ["token": token]))
    }

    public static let noAgent = StationProblem(.unavailable, messages.sentence("no-agent"))

    public static let queueFull = StationProblem(.busy, messages.sentence("queue-full"))

    public static func tooLarge(_ limit: Int) -> StationProblem {
        StationProblem(.tooLarge, messages.sentence("too-large", ["mib": limit / (1 << 20)]))
    }

    public static let digestNotAllowed = StationProblem(.cannotComply, messages.sentence("digest-not-allowed"))

    public static func internalError(_ detail: String) -> StationProblem {
        StationProblem(.internalError, messages.sentence("internal", ["detail": detail]))
    }

    /// Any error from the signing path, as a problem.
    public init(_ error: any Error) {
        switch error {
        case let problem as StationProblem:
            self = problem
        case let e as XMLInputError:
            self.init("bad-document", kind: .cannotComply, title: "Bad document", message: e.message, reason: e.code)
        case let e as XAdESError:
            self.init(e, tooLarge: e.kind == .tooLarge, otherwise: ("bad-request", .invalid), title: "Cannot sign")
        case let e as CMSError:
            self.init("bad-document", kind: .cannotComply, title: "Bad document", message: e.message, reason: e.code)
        case let e as TimeStampError:
            self.init("tsa-failed", kind: .upstreamFailed, title: "Time-stamp failed", message: e.message, reason: e.code)
        case let e as FileError:
            self.init(e, tooLarge: e.kind == .tooLarge, otherwise: ("internal", .internalError), title: "File problem")
        case let e as SigningKeyError:
            switch e {
            case .certificateNotFound(let id): self = .unknownCertificate(id)
            case .ambiguous(let list): self = .ambiguousCertificate(list)
            case .noPrivateKey: self.init("unknown-certificate", kind: .notFound, title: "No private key", message: e.message, reason: e.code)
            case .tokenHeldBySeal: self.init("token-held-by-seal", kind: .conflict, title: "Token held by a seal", message: e.message, reason: e.code)
            }
        case let e as PKCS11Error:
            self.init(pkcs11: e)
        case is CancellationError:
            self.init("client-gone", kind: .clientGone, title: "Client gone",
                      message: messages.text("client-gone"))
        default:
            self = .internalError("\(error)")
        }
    }

    /// An error that is `too-large` for one of its kinds and `otherwise` for
    /// the rest, its own code kept as the reason.
    private init(_ e: any ClerkReadableError, tooLarge: Bool, otherwise: (code: String, kind: Kind), title: String) {
        self.init(tooLarge ? "too-large" : otherwise.code, kind: tooLarge ? .tooLarge : otherwise.kind, title: title, message: e.message, reason: e.code)
    }

    /// A token error by its category (``PKCS11Error/category``): the PIN → not allowed,
    /// the token gone → conflict `token-absent`, the device failing → upstream
    /// failed, the key or mechanism unable → cannot comply, each with the
    /// PKCS#11 code; else an internal error.
    init(pkcs11 e: PKCS11Error) {
        var code = "signing-failed", kind = Kind.internalError, title = "Signing failed"
        switch e.category {
        case .pin:
            switch e.returnValue {
            case ReturnValue.pinLocked?: (code, kind, title) = ("pin-locked", .notAllowed, "PIN locked")
            case ReturnValue.pinExpired?: (code, kind, title) = (e.code, .notAllowed, "PIN expired")
            case ReturnValue.userPINNotInitialized?, ReturnValue.pinTooWeak?: (code, kind, title) = (e.code, .notAllowed, "PIN not usable")
            case nil: (code, kind, title) = ("wrong-pin", .notAllowed, "PIN needed")
            default: (code, kind, title) = ("wrong-pin", .notAllowed, "Wrong PIN")
            }
        case .tokenGone: (code, kind, title) = ("token-absent", .conflict, "Card or token removed")
        case .device where e.returnValue == ReturnValue.deviceError: (code, kind, title) = ("token-absent", .conflict, "Card or token removed")
        case .device: (code, kind, title) = (e.code, .upstreamFailed, "Card or token failed")
        case .usage: (code, kind, title) = (e.code, .cannotComply, "The key cannot sign this")
        case .cancelled: (code, kind, title) = (e.code, .conflict, "Cancelled")
        case .other: break
        }
        self.init(code, kind: kind, title: title, message: e.message, reason: e.name, triesLeft: e.triesLeft)
    }
}
