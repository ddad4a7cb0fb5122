import Crypto
import Foundation
import Hummingbird
import Localization
import NIOCore
import SealService
import SignatureAlgorithms
import Signing
import Station
import StationAPI
import Tar

/// POST /v1/batches/{id}/documents with a tar archive: many documents in one
/// request. Each regular entry is taken as a PUT of that name would take it
/// (spooled, fsynced and renamed into the batch before the answer; the same
/// content again is `unchanged`; other content under a taken name is
/// refused `name-reused`); a refusal concerns its entry alone. The answer
/// lists every entry in archive order (`podpis.batch-upload/1`).
struct BatchUpload {
    let batch: SealBatch
    /// max_document_mib of the profile, per entry.
    let limit: Int

    /// At most this many entries in one request.
    static let maxEntries = 10_000

    struct Entry: Encodable, Sendable {
        /// added (201 of a PUT), unchanged (200), refused (see code).
        let status: String
        let name: String
        var sha256: String?
        var size: Int?
        var code: String?
        var message: ClerkText?
    }

    struct Answer: Encodable {
        var schema = "podpis.batch-upload/1"
        let batch: String
        let added: Int
        let unchanged: Int
        let refused: Int
        let documents: [Entry]
    }

    /// The entry being read.
    private enum Current {
        /// Written into the pack.
        case writing(name: String, offset: Int, hasher: SHA256, size: Int)
        /// Already in the batch: only hashed, to compare.
        case checking(name: String, existing: BatchDocument, hasher: SHA256)
        /// Refused or not a document: its data is skipped.
        case skipping
    }

    /// Documents taken go into a pack file, a tar of its own, 64 or 8 MiB at
    /// a time: one file, one fsync and one rename for all of them instead of
    /// one each. A full pack is accepted while the next is read.
    static let documentsPerPack = 64
    static let bytesPerPack = 8 << 20

    /// The pack being written, owned by one upload.
    private final class Pack {
        let path: String
        let fd: Int32
        var position = 0
        var documents: [SealBatch.PackedDocument] = []
        var indices: [Int] = []

        init(path: String) throws {
            self.path = path
            fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
            guard fd >= 0 else { throw StationProblem.internalError("cannot create \(path): \(String(cString: strerror(errno)))") }
        }

        func write(_ bytes: [UInt8]) throws {
            guard BatchUpload.writeAll(fd, bytes) else { throw StationProblem.internalError("cannot write \(path): \(String(cString: strerror(errno)))") }
            position += bytes.count
        }

        /// Cuts what was written of an entry not finished, ends the archive, closes.
        func seal(cuttingAt end: Int? = nil) throws {
            if let end, end < position {
                guard ftruncate(fd, off_t(end)) == 0, lseek(fd, off_t(end), SEEK_SET) >= 0 else {
                    throw StationProblem.internalError("cannot truncate \(path)")
                }
                position = end
            }
            try write(TarWriter.end)
            close(fd)
        }

        /// Gives up: nothing in it was answered.
        func discard(_ batch: SealBatch) {
            close(fd)
            unlink(path)
            for document in documents { batch.release(document.name) }
        }
    }

    func run(_ body: RequestBody) async throws -> Answer {
        var reader = TarReader()
        var entries: [Int: Entry] = [:]
        /// Names met in this archive: a name again is refused (`name-repeated`), its data skipped.
        var names: Set<String> = []
        /// Bytes of entries read without being kept (refused and skipped, or
        /// compared with a document already in): at most max_batch_mib per request.
        var unkept = 0
        var count = 0
        /// Entries read whole: taken (or refused) whatever comes after.
        var completed = 0
        var current = Current.skipping
        var pack: Pack?
        /// Where the entry being written starts in the pack (its header).
        var entryStart = 0
        let batch = self.batch
        func refuse(_ name: String, _ problem: StationProblem) {
            entries[count - 1] = Entry(status: "refused", name: name, code: problem.code, message: problem.message)
        }
        /// The entry being written is dropped (its name given back).
        func dropCurrent() {
            if case .writing(let name, _, _, _) = current { batch.release(name) }
            current = .skipping
        }
        return try await withThrowingTaskGroup(of: [(Int, Entry)].self) { accepting in
            /// The pack's documents are accepted (in the background); a new pack comes next.
            func commit(cuttingAt end: Int? = nil) throws {
                guard let full = pack else { return }
                pack = nil
                guard !full.documents.isEmpty else {
                    full.discard(batch)
                    return
                }
                do { try full.seal(cuttingAt: end) } catch {
                    full.discard(batch)
                    throw error
                }
                let documents = full.documents, indices = full.indices, path = full.path
                accepting.addTask {
                    do {
                        let accepted = try await batch.accept(pack: path, documents: documents)
                        return zip(indices, accepted).map { ($0, Entry(status: "added", name: $1.name, sha256: $1.sha256, size: $1.size)) }
                    } catch {
                        let problem = StationProblem(error)
                        return zip(indices, documents).map { ($0, Entry(status: "refused", name: $1.name, code: problem.code, message: problem.message)) }
                    }
                }
            }
            do {
                reading: for try await buffer in body {
                    let events: [TarReader.Event]
                    do {
                        events = try buffer.withUnsafeReadableBytes { bytes in try reader.feed(bytes) }
                    } catch {
                        throw Self.bad(error as? TarError ?? .truncated, accepted: completed)
                    }
                    for event in events {
                        switch event {
                        case .entry(let entry):
                            if entry.kind == .directory || entry.kind == .paxGlobal { continue }
                            count += 1
                            guard count <= Self.maxEntries else {
                                throw StationProblem.badRequest(messages.text("too-many-entries", ["most": Self.maxEntries]), code: "too-many-entries")
                            }
                            current = begin(entry, names: &names, refuse: refuse)
                            if case .writing = current {} else {
                                // Refused or compared entries are read all the same: bounded per request.
                                guard entry.size <= batch.maxBytes - unkept else {
                                    throw SealBatchProblem.archiveTooLarge(batch.maxBytes, accepted: completed)
                                }
                                unkept += entry.size
                            }
                            if case .writing(let name, _, let hasher, _) = current {
                                let writing = try pack ?? Pack(path: batch.packSpoolPath())
                                pack = writing
                                entryStart = writing.position
                                try writing.write(TarWriter.header(name: name, size: entry.size, mtime: entry.mtime))
                                current = .writing(name: name, offset: writing.position, hasher: hasher, size: 0)
                            }
                        case .data(let bytes):
                            switch current {
                            case .writing(let name, let offset, var hasher, let size):
                                hasher.update(data: bytes)
                                try Self.writing(pack).write(bytes)
                                current = .writing(name: name, offset: offset, hasher: hasher, size: size + bytes.count)
                            case .checking(let name, let existing, var hasher):
                                hasher.update(data: bytes)
                                current = .checking(name: name, existing: existing, hasher: hasher)
                            case .skipping:
                                break
                            }
                        case .entryEnd:
                            completed += 1
                            let index = count - 1
                            switch current {
                            case .writing(let name, let offset, let hasher, let size):
                                let writing = try Self.writing(pack)
                                try writing.write(TarWriter.padding(size))
                                writing.documents.append(.init(name: name, offset: offset, size: size, sha256: hasher.finalize().hexString))
                                writing.indices.append(index)
                                current = .skipping
                                if writing.documents.count >= Self.documentsPerPack || writing.position >= Self.bytesPerPack { try commit() }
                            case .checking(let name, let existing, let hasher):
                                if hasher.finalize().hexString == existing.sha256 {
                                    entries[index] = Entry(status: "unchanged", name: name, sha256: existing.sha256, size: existing.size)
                                } else {
                                    refuse(name, SealBatchProblem.nameReused(name))
                                }
                            case .skipping:
                                break
                            }
                            current = .skipping
                        case .end:
                            break reading
                        }
                    }
                }
                if !reader.isBetweenEntries { throw Self.bad(.truncated, accepted: completed) }
                try commit()
            } catch {
                // What was read whole is taken (or refused): the entry cut off is not.
                let cut = { if case .writing = current { return true } else { return false } }()
                dropCurrent()
                let problem = error as? StationProblem
                if problem?.code == "internal" {
                    pack?.discard(batch)
                    pack = nil
                } else {
                    try? commit(cuttingAt: cut ? entryStart : nil)
                }
                while let done = try await accepting.next() { for (index, entry) in done { entries[index] = entry } }
                if let problem { throw problem }
                throw StationProblem.badRequest(messages.text("the-request-body-was-cut"))
            }
            while let done = try await accepting.next() { for (index, entry) in done { entries[index] = entry } }
            let documents = (0..<count).compactMap { entries[$0] }
            return Answer(
                batch: batch.id, added: documents.filter { $0.status == "added" }.count,
                unchanged: documents.filter { $0.status == "unchanged" }.count,
                refused: documents.filter { $0.status == "refused" }.count, documents: documents)
        }
    }

    /// The start of an entry: refused, checked against the document of that name, or to be written.
    private func begin(_ entry: TarEntry, names: inout Set<String>, refuse: (String, StationProblem) -> Void) -> Current {
        var name = entry.name
        while name.hasPrefix("./") { name.removeFirst(2) }
        guard names.insert(name).inserted else {
            refuse(name, SealBatchProblem.nameRepeated(name))
            return .skipping
        }
        guard entry.kind == .file else {
            refuse(name, SealBatchProblem.notAFile(name))
            return .skipping
        }
        guard SignDocument.isAcceptableName(name), !name.hasPrefix("."), !name.contains("/"), name.utf8.count <= 200 else {
            refuse(name, SealBatchProblem.badName(name))
            return .skipping
        }
        let existing: BatchDocument?
        do {
            existing = try batch.reserve(name)
        } catch {
            refuse(name, error)
            return .skipping
        }
        if let existing {
            // Another size is other content: refused at once, not read to be compared.
            guard entry.size == existing.size else {
                refuse(name, SealBatchProblem.nameReused(name))
                return .skipping
            }
            return .checking(name: name, existing: existing, hasher: SHA256())
        }
        guard entry.size <= limit else {
            batch.release(name)
            refuse(name, SealBatchProblem.documentTooLarge(limit))
            return .skipping
        }
        do {
            try batch.count(entry.size, for: name)
        } catch {
            batch.release(name)
            refuse(name, error)
            return .skipping
        }
        return .writing(name: name, offset: 0, hasher: SHA256(), size: 0)
    }

    /// The pack an entry being written goes into (opened at its header).
    private static func writing(_ pack: Pack?) throws -> Pack {
        guard let pack else { throw StationProblem.internalError("a tar entry is being written without a pack") }
        return pack
    }

    static func bad(_ fault: TarError, accepted: Int) -> StationProblem {
        SealBatchProblem.badArchive(fault.message, code: fault.code, accepted: accepted)
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { return false }
                offset += n
            }
            return true
        }
    }
}

/// GET /v1/batches/{id}/seals: the seals as one tar stream (pax format), each
/// entry named as the seal's file, with pax records naming its document,
/// that document's SHA-256 and size, the method and the seal's own SHA-256
/// (``SealStreamRecord``); those sealed so far, then each as it is sealed;
/// the end-of-archive blocks once the batch is done or cancelled. A stream
/// that stops without them (podpisd stopping) is cut off: the client asks
/// again later. Each entry is sent as kept in the batch's seal packs.
enum BatchSealStream {
    static func response(_ batch: SealBatch, follow: Bool) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/x-tar"
        headers[.cacheControl] = "no-store"
        let notices = batch.seals(follow: follow)
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            var pending = ByteBuffer()
            for await notice in notices {
                switch notice {
                case .sealed(let document):
                    pending.writeBytes(try batch.sealEntry(document))
                case .end:
                    pending.writeBytes(TarWriter.end)
                }
                try await writer.write(pending)
                pending.clear()
            }
            try await writer.finish(nil)
        })
    }
}
