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
        let list: any MessageArgument = known.isEmpty ? messages.text("no-profiles") : known.joined(separator: ", ")
        return StationProblem(.notFound, messages.sentence("unknown-profile", ["name": name, "known": list]))
    }

    public static let notFound = StationProblem(.notFound, messages.sentence("batch-not-found"))

    public static let closed = StationProblem(.conflict, messages.sentence("batch-closed"))

    public static func nameReused(_ name: String) -> StationProblem {
        StationProblem(.conflict, messages.sentence("name-reused", ["name": name]))
    }

    public static func documentTooLarge(_ limit: Int) -> StationProblem {
        StationProblem(.tooLarge, messages.sentence("too-large", ["mib": limit >> 20]))
    }

    /// The batch's documents (with those being uploaded) would go over `max_batch_mib`.
    public static func batchTooLarge(_ limit: Int) -> StationProblem {
        StationProblem(.tooLarge, messages.sentence("batch-too-large", ["mib": limit >> 20]))
    }

    /// A tar upload whose entries not kept (refused, or compared with a
    /// document already in) announce more than `max_batch_mib` together:
    /// nothing after that entry is read.
    public static func archiveTooLarge(_ limit: Int, accepted: Int) -> StationProblem {
        StationProblem(.tooLarge, messages.sentence("archive-too-large", ["mib": limit >> 20, "accepted": accepted]), code: "batch-too-large")
    }

    /// A name that comes a second time in one tar upload: only its first entry counts.
    public static func nameRepeated(_ name: String) -> StationProblem {
        StationProblem(.conflict, messages.sentence("name-repeated", ["name": name]))
    }

    public static func uploading(_ name: String) -> StationProblem {
        StationProblem(.conflict, messages.sentence("upload-in-progress", ["name": name]))
    }

    public static func badName(_ name: String) -> StationProblem {
        StationProblem(.invalid, messages.sentence("bad-name", ["name": name]))
    }

    public static func notSealed(_ name: String, state: BatchDocument.State) -> StationProblem {
        StationProblem(.conflict, messages.sentence("not-sealed", ["name": name, "state": state.rawValue]))
    }

    /// A tar upload that cannot be read on; the entries before the fault were taken.
    public static func badArchive(_ detail: ClerkText, code: String, accepted: Int) -> StationProblem {
        StationProblem(.invalid, messages.sentence("bad-archive", ["detail": detail, "accepted": accepted]), reason: code)
    }

    /// A tar entry that is not a regular file (link, device...).
    public static func notAFile(_ name: String) -> StationProblem {
        StationProblem(.invalid, messages.sentence("not-a-file", ["name": name]))
    }

    public static let webPageNotAllowed = StationProblem(.notAllowed, messages.sentence("origin-not-allowed-for-seal"))

    public static let tooManyBatches = StationProblem(.busy, messages.sentence("too-many-batches"))
}

/// Blocking file work (fsync, rename, reading a document) on threads of its
/// own, off the cooperative pool.
enum BatchIO {
    static let executor = BlockingExecutor(label: "podpis.batch.io", .concurrent)

    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await executor.run(body)
    }
}
