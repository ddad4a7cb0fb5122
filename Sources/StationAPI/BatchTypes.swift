import Audit
import Foundation
import Localization
import Signatures
import Signing

// The seal batch API's wire types (/v1/batches…), shared by podpisd, which
// writes them, and `podpis seal`, which reads them: a module of their own, so
// that a client of the protocol need not import the station.

/// Who owns a batch: the local user and, for a web page, its origin. Only
/// the owner sees, feeds, follows, cancels or deletes it.
public struct BatchOwner: Codable, Sendable, Equatable {
    public let uid: UInt32?
    public let user: String?
    public let origin: String?

    public init(_ requester: Requester) {
        uid = requester.uid
        user = requester.user
        origin = requester.origin
    }

    public func owns(_ requester: Requester) -> Bool {
        requester.uid == uid && requester.origin == origin
    }
}

/// One document of a batch, as the protocol shows it.
public struct BatchDocument: Codable, Sendable, Equatable {
    public enum State: String, Codable, Sendable { case queued, sealed, failed, cancelled }
    public let name: String
    public let size: Int
    public let sha256: String
    public var state: State
    /// The sealed file's name (GET …/documents/{name}/seal).
    public var output: String?
    public var method: SignatureForm?
    public var code: String?
    public var message: ClerkText?
    /// Found sealed after a restart (its output was committed before the journal line).
    public var recovered: Bool?

    package init(name: String, size: Int, sha256: String, state: State) {
        self.name = name
        self.size = size
        self.sha256 = sha256
        self.state = state
    }
}

/// A batch's state and counts.
public struct BatchStatus: Codable, Sendable {
    /// open: takes documents; sealing; paused (see `paused`); stopped (see
    /// `stopped`; podpisd must be restarted); done; cancelled. On the wire
    /// as the raw value, as before.
    public enum State: String, Codable, Sendable, CaseIterable { case open, sealing, paused, stopped, done, cancelled }
    public let state: State
    public let id: String
    public let profile: String
    public let owner: BatchOwner
    public let created: Date
    /// No more documents will be added (POST …/close).
    public let closed: Bool
    public let total: Int
    public let queued: Int
    public let sealed: Int
    public let failed: Int
    public let cancelled: Int
    public let paused: Reason?
    public let stopped: Reason?

    public struct Reason: Codable, Sendable, Equatable {
        public let code: String
        public let message: ClerkText

        package init(code: String, message: ClerkText) {
            self.code = code
            self.message = message
        }
    }

    package init(
        state: State, id: String, profile: String, owner: BatchOwner, created: Date, closed: Bool, total: Int, queued: Int, sealed: Int,
        failed: Int, cancelled: Int, paused: Reason?, stopped: Reason?
    ) {
        self.state = state
        self.id = id
        self.profile = profile
        self.owner = owner
        self.created = created
        self.closed = closed
        self.total = total
        self.queued = queued
        self.sealed = sealed
        self.failed = failed
        self.cancelled = cancelled
        self.paused = paused
        self.stopped = stopped
    }
}

/// One event of a batch's stream (GET /v1/batches/{id}/events): `status`
/// (at the start and when the state changes), `document` (each document
/// finished, with the counts), `end` (the batch is done or cancelled; the
/// stream closes).
public struct BatchEvent: Sendable {
    public let name: String
    /// The event's JSON.
    public let data: Data

    package init(name: String, data: Data) {
        self.name = name
        self.data = data
    }
}

/// The pax records of each entry of a batch's seal stream (GET …/seals):
/// what document a seal is for. Named as extended attributes, so that GNU
/// tar and bsdtar read them without a warning and `tar --xattrs -x` puts them
/// on the extracted seal as `user.podpis.*`.
public enum SealStreamRecord {
    /// The document's name in the batch.
    public static let document = "SCHILY.xattr.user.podpis.document"
    /// The document's SHA-256 (lower-case hex) and size in bytes.
    public static let sha256 = "SCHILY.xattr.user.podpis.sha256"
    public static let size = "SCHILY.xattr.user.podpis.size"
    /// How it was sealed (xades-enveloped, cades-detached...).
    public static let method = "SCHILY.xattr.user.podpis.method"
    /// The seal's own SHA-256 (lower-case hex), over the entry's data.
    public static let sealSHA256 = "SCHILY.xattr.user.podpis.seal-sha256"
}

