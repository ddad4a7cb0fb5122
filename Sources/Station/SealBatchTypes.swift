import Audit
import Blocking
import Foundation
import Localization
import Sealing

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
    public var method: SealMethod?
    public var code: String?
    public var message: ClerkText?
    /// Found sealed after a restart (its output was committed before the journal line).
    public var recovered: Bool?
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
}

/// The `document` event's JSON.
struct BatchDocumentEvent: Encodable {
    let document: BatchDocument
    let total: Int
    let queued: Int
    let sealed: Int
    let failed: Int
}

/// `batch.json` in the batch's directory.
struct BatchManifest: Codable {
    var schema = "podpis.batch/1"
    let id: String
    let profile: String
    let owner: BatchOwner
    let created: Date
    var closed: Bool
    var cancelled: Bool
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

/// The problems of the batch API.
public enum SealBatchProblem {
    public static func unknownProfile(_ name: String, known: [String]) -> StationProblem {
        StationProblem(
            "unknown-profile", status: 404, title: "No such seal profile",
            message: ClerkText(
                pl: "Nie ma profilu pieczęci „\(name)” w podpisd.toml (są: \(known.isEmpty ? "żadne" : known.joined(separator: ", "))).",
                en: "No seal profile “\(name)” in podpisd.toml (there are: \(known.isEmpty ? "none" : known.joined(separator: ", ")))."))
    }

    public static let notFound = StationProblem(
        "batch-not-found", status: 404, title: "No such batch",
        message: ClerkText(
            pl: "Nie ma takiej partii (albo należy do kogoś innego).",
            en: "No such batch (or it belongs to someone else)."))

    public static let closed = StationProblem(
        "batch-closed", status: 409, title: "Batch closed",
        message: ClerkText(
            pl: "Partia jest zamknięta albo anulowana: nie przyjmuje dokumentów. Utwórz nową.",
            en: "The batch is closed or cancelled: it takes no more documents. Create a new one."))

    public static func nameReused(_ name: String) -> StationProblem {
        StationProblem(
            "name-reused", status: 409, title: "Name already used in this batch",
            message: ClerkText(
                pl: "W tej partii jest już dokument „\(name)” o innej treści; zmień nazwę.",
                en: "This batch already has a document “\(name)” with other content; rename it."))
    }

    public static func documentTooLarge(_ limit: Int) -> StationProblem {
        StationProblem(
            "too-large", status: 413, title: "Document too large",
            message: ClerkText(
                pl: "Dokument przekracza max_document_mib profilu pieczęci (\(limit >> 20) MiB).",
                en: "The document exceeds the seal profile's max_document_mib (\(limit >> 20) MiB)."))
    }

    /// The batch's documents (with those being uploaded) would go over `max_batch_mib`.
    public static func batchTooLarge(_ limit: Int) -> StationProblem {
        StationProblem(
            "batch-too-large", status: 413, title: "Batch too large",
            message: ClerkText(
                pl: "Dokumenty partii razem przekroczyłyby max_batch_mib profilu pieczęci (\(limit >> 20) MiB); wyślij je w nowej partii.",
                en: "The batch's documents together would exceed the seal profile's max_batch_mib (\(limit >> 20) MiB); send them in a new batch."))
    }

    /// A tar upload whose entries not kept (refused, or compared with a
    /// document already in) announce more than `max_batch_mib` together:
    /// nothing after that entry is read.
    public static func archiveTooLarge(_ limit: Int, accepted: Int) -> StationProblem {
        StationProblem(
            "batch-too-large", status: 413, title: "Archive too large",
            message: ClerkText(
                pl: "Wpisy archiwum, których nie przyjęto (odrzucone albo porównane z dokumentami już w partii), razem przekraczają max_batch_mib profilu pieczęci (\(limit >> 20) MiB); dalej go nie czytano. Wpisy przed nim (\(accepted)) przyjęto albo odrzucono każdy z osobna: GET …/documents.",
                en: "The archive's entries not taken (refused, or compared with documents already in the batch) together exceed the seal profile's max_batch_mib (\(limit >> 20) MiB); it was not read any further. The entries before (\(accepted)) were each taken or refused: GET …/documents."))
    }

    /// A name that comes a second time in one tar upload: only its first entry counts.
    public static func nameRepeated(_ name: String) -> StationProblem {
        StationProblem(
            "name-repeated", status: 409, title: "Name repeated in the archive",
            message: ClerkText(
                pl: "Nazwa „\(name)” występuje w archiwum drugi raz; liczy się tylko pierwszy wpis, ten pominięto.",
                en: "The name “\(name)” comes a second time in the archive; only the first entry counts, this one was skipped."))
    }

    public static func uploading(_ name: String) -> StationProblem {
        StationProblem(
            "upload-in-progress", status: 409, title: "Upload in progress",
            message: ClerkText(
                pl: "Dokument „\(name)” jest właśnie przesyłany innym połączeniem.",
                en: "The document “\(name)” is being uploaded on another connection."))
    }

    public static func badName(_ name: String) -> StationProblem {
        StationProblem(
            "bad-name", status: 400, title: "Bad document name",
            message: ClerkText(
                pl: "„\(name)” nie jest nazwą pliku (bez ścieżki, bez kropki na początku, do 200 bajtów).",
                en: "“\(name)” is not a file name (no path, no leading dot, at most 200 bytes)."))
    }

    public static func notSealed(_ name: String, state: BatchDocument.State) -> StationProblem {
        StationProblem(
            "not-sealed", status: 409, title: "Not sealed",
            message: ClerkText(
                pl: "Dokument „\(name)” nie jest zapieczętowany (stan: \(state.rawValue)).",
                en: "The document “\(name)” is not sealed (state: \(state.rawValue))."))
    }

    /// A tar upload that cannot be read on; the entries before the fault were taken.
    public static func badArchive(_ detail: ClerkText, code: String, accepted: Int) -> StationProblem {
        StationProblem(
            "bad-archive", status: 400, title: "Bad tar archive",
            message: ClerkText(
                pl: "Nie można czytać archiwum tar dalej (\(detail.pl)); wpisy przeczytane w całości przed błędem (\(accepted)) przyjęto albo odrzucono każdy z osobna: GET …/documents.",
                en: "Cannot read the tar archive any further (\(detail.en)); the entries read whole before the fault (\(accepted)) were each taken or refused: GET …/documents."),
            reason: code)
    }

    /// A tar entry that is not a regular file (link, device...).
    public static func notAFile(_ name: String) -> StationProblem {
        StationProblem(
            "not-a-file", status: 400, title: "Not a file",
            message: ClerkText(
                pl: "„\(name)” w archiwum nie jest zwykłym plikiem (dowiązanie, urządzenie…); pominięto.",
                en: "“\(name)” in the archive is not a regular file (link, device…); skipped."))
    }

    public static let webPageNotAllowed = StationProblem(
        "origin-not-allowed-for-seal", status: 403, title: "Web pages may not seal",
        message: ClerkText(
            pl: "Strona WWW może pieczętować tylko, gdy [[policy]] certyfikatu pieczęci wymienia ją w origins.",
            en: "A web page may seal only when the seal certificate's [[policy]] lists it in origins."))

    public static let tooManyBatches = StationProblem(
        "too-many-batches", status: 429, title: "Too many batches",
        message: ClerkText(
            pl: "Masz już 100 partii; usuń zakończone (DELETE /v1/batches/{id}).",
            en: "You already have 100 batches; delete finished ones (DELETE /v1/batches/{id})."))
}

/// Blocking file work (fsync, rename, reading a document) on threads of its
/// own, off the cooperative pool.
enum BatchIO {
    static let executor = BlockingExecutor(label: "podpis.batch.io", .concurrent)

    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await executor.run(body)
    }
}
