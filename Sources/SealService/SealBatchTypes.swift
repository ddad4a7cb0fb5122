import Audit
import Blocking
import Foundation
import Localization
import Sealing
import StationAPI

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

/// The problems of the batch API.
public enum SealBatchProblem {
    public static func unknownProfile(_ name: String, known: [String]) -> StationProblem {
        StationProblem(
            "unknown-profile", kind: .notFound, title: "No such seal profile",
            message: ClerkText(
                pl: "Nie ma profilu pieczęci „\(name)” w podpisd.toml (są: \(known.isEmpty ? "żadne" : known.joined(separator: ", "))).",
                en: "No seal profile “\(name)” in podpisd.toml (there are: \(known.isEmpty ? "none" : known.joined(separator: ", ")))."))
    }

    public static let notFound = StationProblem(
        "batch-not-found", kind: .notFound, title: "No such batch",
        message: ClerkText(
            pl: "Nie ma takiej partii (albo należy do kogoś innego).",
            en: "No such batch (or it belongs to someone else)."))

    public static let closed = StationProblem(
        "batch-closed", kind: .conflict, title: "Batch closed",
        message: ClerkText(
            pl: "Partia jest zamknięta albo anulowana: nie przyjmuje dokumentów. Utwórz nową.",
            en: "The batch is closed or cancelled: it takes no more documents. Create a new one."))

    public static func nameReused(_ name: String) -> StationProblem {
        StationProblem(
            "name-reused", kind: .conflict, title: "Name already used in this batch",
            message: ClerkText(
                pl: "W tej partii jest już dokument „\(name)” o innej treści; zmień nazwę.",
                en: "This batch already has a document “\(name)” with other content; rename it."))
    }

    public static func documentTooLarge(_ limit: Int) -> StationProblem {
        StationProblem(
            "too-large", kind: .tooLarge, title: "Document too large",
            message: ClerkText(
                pl: "Dokument przekracza max_document_mib profilu pieczęci (\(limit >> 20) MiB).",
                en: "The document exceeds the seal profile's max_document_mib (\(limit >> 20) MiB)."))
    }

    /// The batch's documents (with those being uploaded) would go over `max_batch_mib`.
    public static func batchTooLarge(_ limit: Int) -> StationProblem {
        StationProblem(
            "batch-too-large", kind: .tooLarge, title: "Batch too large",
            message: ClerkText(
                pl: "Dokumenty partii razem przekroczyłyby max_batch_mib profilu pieczęci (\(limit >> 20) MiB); wyślij je w nowej partii.",
                en: "The batch's documents together would exceed the seal profile's max_batch_mib (\(limit >> 20) MiB); send them in a new batch."))
    }

    /// A tar upload whose entries not kept (refused, or compared with a
    /// document already in) announce more than `max_batch_mib` together:
    /// nothing after that entry is read.
    public static func archiveTooLarge(_ limit: Int, accepted: Int) -> StationProblem {
        StationProblem(
            "batch-too-large", kind: .tooLarge, title: "Archive too large",
            message: ClerkText(
                pl: "Wpisy archiwum, których nie przyjęto (odrzucone albo porównane z dokumentami już w partii), razem przekraczają max_batch_mib profilu pieczęci (\(limit >> 20) MiB); dalej go nie czytano. Wpisy przed nim (\(accepted)) przyjęto albo odrzucono każdy z osobna: GET …/documents.",
                en: "The archive's entries not taken (refused, or compared with documents already in the batch) together exceed the seal profile's max_batch_mib (\(limit >> 20) MiB); it was not read any further. The entries before (\(accepted)) were each taken or refused: GET …/documents."))
    }

    /// A name that comes a second time in one tar upload: only its first entry counts.
    public static func nameRepeated(_ name: String) -> StationProblem {
        StationProblem(
            "name-repeated", kind: .conflict, title: "Name repeated in the archive",
            message: ClerkText(
                pl: "Nazwa „\(name)” występuje w archiwum drugi raz; liczy się tylko pierwszy wpis, ten pominięto.",
                en: "The name “\(name)” comes a second time in the archive; only the first entry counts, this one was skipped."))
    }

    public static func uploading(_ name: String) -> StationProblem {
        StationProblem(
            "upload-in-progress", kind: .conflict, title: "Upload in progress",
            message: ClerkText(
                pl: "Dokument „\(name)” jest właśnie przesyłany innym połączeniem.",
                en: "The document “\(name)” is being uploaded on another connection."))
    }

    public static func badName(_ name: String) -> StationProblem {
        StationProblem(
            "bad-name", kind: .invalid, title: "Bad document name",
            message: ClerkText(
                pl: "„\(name)” nie jest nazwą pliku (bez ścieżki, bez kropki na początku, do 200 bajtów).",
                en: "“\(name)” is not a file name (no path, no leading dot, at most 200 bytes)."))
    }

    public static func notSealed(_ name: String, state: BatchDocument.State) -> StationProblem {
        StationProblem(
            "not-sealed", kind: .conflict, title: "Not sealed",
            message: ClerkText(
                pl: "Dokument „\(name)” nie jest zapieczętowany (stan: \(state.rawValue)).",
                en: "The document “\(name)” is not sealed (state: \(state.rawValue))."))
    }

    /// A tar upload that cannot be read on; the entries before the fault were taken.
    public static func badArchive(_ detail: ClerkText, code: String, accepted: Int) -> StationProblem {
        StationProblem(
            "bad-archive", kind: .invalid, title: "Bad tar archive",
            message: ClerkText(
                pl: "Nie można czytać archiwum tar dalej (\(detail.pl)); wpisy przeczytane w całości przed błędem (\(accepted)) przyjęto albo odrzucono każdy z osobna: GET …/documents.",
                en: "Cannot read the tar archive any further (\(detail.en)); the entries read whole before the fault (\(accepted)) were each taken or refused: GET …/documents."),
            reason: code)
    }

    /// A tar entry that is not a regular file (link, device...).
    public static func notAFile(_ name: String) -> StationProblem {
        StationProblem(
            "not-a-file", kind: .invalid, title: "Not a file",
            message: ClerkText(
                pl: "„\(name)” w archiwum nie jest zwykłym plikiem (dowiązanie, urządzenie…); pominięto.",
                en: "“\(name)” in the archive is not a regular file (link, device…); skipped."))
    }

    public static let webPageNotAllowed = StationProblem(
        "origin-not-allowed-for-seal", kind: .notAllowed, title: "Web pages may not seal",
        message: ClerkText(
            pl: "Strona WWW może pieczętować tylko, gdy [[policy]] certyfikatu pieczęci wymienia ją w origins.",
            en: "A web page may seal only when the seal certificate's [[policy]] lists it in origins."))

    public static let tooManyBatches = StationProblem(
        "too-many-batches", kind: .busy, title: "Too many batches",
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
