import Crypto
import Foundation
import Hummingbird
import Localization
import NIOCore
import Signing
import Station
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
        /// Written to its spool file.
        case writing(name: String, fd: Int32, path: String, hasher: SHA256, size: Int)
        /// Already in the batch: only hashed, to compare.
        case checking(name: String, existing: BatchDocument, hasher: SHA256)
        /// Refused or not a document: its data is skipped.
        case skipping
    }

    func run(_ body: RequestBody) async throws -> Answer {
        var reader = TarReader()
        var entries: [Int: Entry] = [:]
        var count = 0
        /// Entries read whole: taken (or refused) whatever comes after.
        var completed = 0
        var current = Current.skipping
        let batch = self.batch
        func refuse(_ name: String, _ problem: StationProblem) {
            entries[count - 1] = Entry(status: "refused", name: name, code: problem.code, message: problem.message)
        }
        func abandon() {
            if case .writing(let name, let fd, let path, _, _) = current {
                close(fd)
                unlink(path)
                batch.release(name)
            }
            current = .skipping
        }
        return try await withThrowingTaskGroup(of: (Int, Entry).self) { accepting in
            do {
                reading: for try await buffer in body {
                    let events: [TarReader.Event]
                    do {
                        events = try buffer.withUnsafeReadableBytes { bytes in try reader.feed(bytes) }
                    } catch {
                        abandon()
                        throw Self.bad(error as? TarError ?? .truncated, accepted: completed)
                    }
                    for event in events {
                        switch event {
                        case .entry(let entry):
                            if entry.kind == .directory || entry.kind == .paxGlobal { continue }
                            count += 1
                            guard count <= Self.maxEntries else {
                                throw StationProblem.badRequest(
                                    "At most \(Self.maxEntries) documents per request; send the rest in another.",
                                    pl: "Najwyżej \(Self.maxEntries) dokumentów w jednym żądaniu; resztę wyślij w następnym.", code: "too-many-entries")
                            }
                            current = try begin(entry, refuse: refuse)
                        case .data(let bytes):
                            switch current {
                            case .writing(let name, let fd, let path, var hasher, let size):
                                hasher.update(data: bytes)
                                guard Self.writeAll(fd, bytes) else {
                                    abandon()
                                    throw StationProblem.internalError("cannot write the upload of \(name)")
                                }
                                current = .writing(name: name, fd: fd, path: path, hasher: hasher, size: size + bytes.count)
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
                            case .writing(let name, let fd, let path, let hasher, let size):
                                close(fd)
                                let sha256 = hasher.finalize().hexString
                                accepting.addTask {
                                    do {
                                        let document = try await batch.accept(name: name, spooled: path, size: size, sha256: sha256)
                                        return (index, Entry(status: "added", name: name, sha256: document.sha256, size: document.size))
                                    } catch {
                                        let problem = StationProblem(error)
                                        return (index, Entry(status: "refused", name: name, code: problem.code, message: problem.message))
                                    }
                                }
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
                if !reader.isBetweenEntries {
                    abandon()
                    throw Self.bad(.truncated, accepted: completed)
                }
            } catch {
                abandon()
                // What was read whole is in (or refused); wait for it before answering.
                while let (index, entry) = try await accepting.next() { entries[index] = entry }
                if error is StationProblem { throw error }
                throw StationProblem.badRequest("The request body was cut off.", pl: "Treść żądania została urwana.")
            }
            while let (index, entry) = try await accepting.next() { entries[index] = entry }
            let documents = (0..<count).compactMap { entries[$0] }
            return Answer(
                batch: batch.id, added: documents.filter { $0.status == "added" }.count,
                unchanged: documents.filter { $0.status == "unchanged" }.count,
                refused: documents.filter { $0.status == "refused" }.count, documents: documents)
        }
    }

    /// The start of an entry: refused, checked against the document of that name, or spooled.
    private func begin(_ entry: TarEntry, refuse: (String, StationProblem) -> Void) throws -> Current {
        var name = entry.name
        while name.hasPrefix("./") { name.removeFirst(2) }
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
        if let existing { return .checking(name: name, existing: existing, hasher: SHA256()) }
        guard entry.size <= limit else {
            batch.release(name)
            refuse(name, SealBatchProblem.documentTooLarge(limit))
            return .skipping
        }
        let path = batch.spoolPath()
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            batch.release(name)
            throw StationProblem.internalError("cannot create \(path): \(String(cString: strerror(errno)))")
        }
        return .writing(name: name, fd: fd, path: path, hasher: SHA256(), size: 0)
    }

    static func bad(_ fault: TarError, accepted: Int) -> StationProblem {
        SealBatchProblem.badArchive(ClerkText(pl: fault.polishDescription, en: fault.description), code: fault.code, accepted: accepted)
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
/// that document's SHA-256 and size, and the method (``SealStreamRecord``);
/// those sealed so far,
/// then each as it is sealed; the end-of-archive blocks once the batch is
/// done or cancelled. A stream that stops without them (podpisd stopping)
/// is cut off: the client asks again later.
enum BatchSealStream {
    static func response(_ batch: SealBatch, follow: Bool) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/x-tar"
        headers[.cacheControl] = "no-store"
        let notices = batch.seals(follow: follow)
        let directory = batch.sealsDirectory
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            var pending = ByteBuffer()
            for await notice in notices {
                switch notice {
                case .sealed(let document):
                    guard let output = document.output else { continue }
                    let bytes = try await Self.read(directory + "/" + output)
                    var records = [
                        SealStreamRecord.document: document.name, SealStreamRecord.sha256: document.sha256, SealStreamRecord.size: String(document.size),
                    ]
                    if let method = document.method { records[SealStreamRecord.method] = method.rawValue }
                    pending.writeBytes(TarWriter.header(name: output, size: bytes.count, mtime: Int(Date().timeIntervalSince1970), pax: records))
                    pending.writeBytes(bytes)
                    pending.writeBytes(TarWriter.padding(bytes.count))
                case .end:
                    pending.writeBytes(TarWriter.end)
                }
                try await writer.write(pending)
                pending.clear()
            }
            try await writer.finish(nil)
        })
    }

    static func read(_ path: String) async throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw StationProblem.internalError("the seal \(path) is missing")
        }
        return Array(data)
    }
}
