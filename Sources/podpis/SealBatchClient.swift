import AsyncHTTPClient
import Crypto
import Files
import Foundation
import Localization
import NIOCore
import NIOHTTP1
import Sealing
import SignatureAlgorithms
import Signing
import StationAPI
import Synchronization
import Tar

/// `podpis seal` through podpisd: a batch on the daemon (POST /v1/batches),
/// the documents streamed in, the seals fetched into --out as the daemon's
/// events announce them. The batch's id is kept in `OUT/.podpis-batch.json`:
/// a run cut short (by `kill -9` of either side) is repeated with the same
/// command and takes the same batch up again. OUT's own journal
/// (`.podpis-seal-journal.jsonl`) records each seal fetched.
struct SealBatchClient {
    let socket: String
    let profile: String
    let out: String
    let keep: Bool
    let display: ProgressDisplay
    /// Seals fetched together share their fsyncs (directory, journal).
    let outputs: OutputDirectory

    init(socket: String, profile: String, out: String, keep: Bool, display: ProgressDisplay) {
        self.socket = socket
        self.profile = profile
        self.out = out
        self.keep = keep
        self.display = display
        outputs = OutputDirectory(path: out, linger: 2)
        // A `podpis seal` killed while it stored seals left their temporaries.
        AtomicOutputFile.removeStale(in: out)
    }

    struct Record: Codable {
        var schema = "podpis.batch-ref/1"
        let batch: String
        let profile: String
        let socket: String
    }

    static let recordName = ".podpis-batch.json"
    /// Tar uploads in flight, and what one holds: while podpisd fsyncs one,
    /// the next is on its way.
    static let uploading = 2
    static let documentsPerUpload = 64
    /// The first archive is small, so that podpisd starts sealing while the
    /// next ones are on their way.
    static let documentsInFirstUpload = 8
    static let bytesPerUpload = 8 << 20
    /// Seals being written into OUT at once: they share their fsyncs.
    static let storing = 64

    struct DaemonGone: Error {
        let detail: String
    }

    /// A seal whose bytes are not those podpisd hashed when it made it (the
    /// stream's `seal-sha256` record, the `X-Podpis-Seal-SHA256` header): it is
    /// not stored, and the run stops.
    struct DamagedSeal: Error {
        let document: String
    }

    /// The batch cannot go on until podpisd is restarted (e.g. the token rejected the seal PIN).
    struct Stopped: Error {
        let batch: String
        let reason: BatchStatus.Reason
    }

    struct Outcome {
        var results: [String: SealResult] = [:]
        var batches: [String] = []
    }

    // MARK: HTTP

    func call(
        _ method: HTTPMethod, _ uri: String, body: [UInt8]? = nil, json: Bool = false, contentType: String? = nil
    ) async throws -> (status: UInt, headers: HTTPHeaders, body: Data) {
        guard let url = URL(httpURLWithSocketPath: socket, uri: uri) else { throw DaemonGone(detail: "bad socket path \(socket)") }
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = method
        if let body {
            request.body = .bytes(ByteBuffer(bytes: body))
            request.headers.add(name: "Content-Type", value: contentType ?? (json ? "application/json" : "application/octet-stream"))
        }
        do {
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(120))
            let data = try await response.body.collect(upTo: 1 << 30)
            return (response.status.code, response.headers, Data(data.readableBytesView))
        } catch {
            throw DaemonGone(detail: "\(error)")
        }
    }

    static func problem(_ body: Data) -> (code: String, message: ClerkText) {
        struct Problem: Decodable { let code: String?; let message: ClerkText? }
        let problem = try? JSONDecoder().decode(Problem.self, from: body)
        return (problem?.code ?? "daemon-error", problem?.message ?? ClerkText(pl: String(decoding: body, as: UTF8.self), en: String(decoding: body, as: UTF8.self)))
    }

    // MARK: The run

    /// Seals `documents` through the daemon; results by document name.
    func run(_ documents: [SealInput]) async throws -> Outcome {
        let journal = try SealJournal(directory: out)
        var outcome = Outcome()
        // Sealed and fetched by an earlier run: nothing to do.
        var remaining: [SealInput] = []
        for document in documents {
            if let entry = journal.entry(document.name), entry.state == .sealed {
                let sha256 = try Self.sha256(document.path)
                var result = SealResult(name: document.name, sha256: sha256, state: .skipped)
                result.output = entry.output
                result.recovered = true
                if entry.sha256 != sha256 {
                    result.state = .failed
                    let reused = SealError.nameReused(document.name)
                    result.code = reused.code
                    result.message = reused.message
                }
                outcome.results[document.name] = result
            } else {
                remaining.append(document)
            }
        }
        display.begin(total: documents.count, done: outcome.results.count)
        // A batch taken up again may be closed already: documents it does not
        // have then go to a new batch.
        var rounds = 0
        while rounds < 3 {
            rounds += 1
            let batch = try await attachOrCreate()
            outcome.batches.append(batch)
            let rejected = try await seal(remaining, batch: batch, journal: journal, into: &outcome)
            if rejected.isEmpty { break }
            remaining = rejected
            unlink(out + "/" + Self.recordName)
        }
        return outcome
    }

    /// The batch named in OUT/.podpis-batch.json if the daemon still has it, else a new one.
    func attachOrCreate() async throws -> String {
        let recordPath = out + "/" + Self.recordName
        if let data = FileManager.default.contents(atPath: recordPath), let record = try? JSONDecoder().decode(Record.self, from: data),
            record.profile == profile
        {
            let (status, _, _) = try await call(.GET, "/v1/batches/\(record.batch)")
            if status == 200 { return record.batch }
        }
        let body = try JSONSerialization.data(withJSONObject: ["profile": profile])
        let (status, _, response) = try await call(.POST, "/v1/batches", body: Array(body), json: true)
        guard status == 201, let object = try? JSONSerialization.jsonObject(with: response) as? [String: Any], let id = object["id"] as? String else {
            let (code, message) = Self.problem(response)
            throw SealError(code, message)
        }
        let file = try AtomicOutputFile(path: recordPath, replacing: true, mode: 0o600)
        try file.write(Array(try JSONEncoder().encode(Record(batch: id, profile: profile, socket: socket))))
        try file.commit()
        return id
    }

    /// One batch: upload what it lacks (tar archives of many documents),
    /// close it, and take every seal from its tar stream of seals as it
    /// comes. Returns the documents it refused because it was closed.
    func seal(_ documents: [SealInput], batch: String, journal: SealJournal, into outcome: inout Outcome) async throws -> [SealInput] {
        // What the batch already has (a run taken up again).
        let (status, _, listing) = try await call(.GET, "/v1/batches/\(batch)/documents")
        guard status == 200 else { throw SealError(Self.problem(listing).code, Self.problem(listing).message) }
        struct Listing: Decodable { let documents: [BatchDocument] }
        let known = Dictionary((try JSONDecoder().decode(Listing.self, from: listing)).documents.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        var missing: [SealInput] = []
        for document in documents {
            if let existing = known[document.name], existing.sha256 == (try? Self.sha256(document.path)) { continue }
            missing.append(document)
        }
        let names = Set(documents.map(\.name))
        let toUpload = missing

        let collected = Collected()
        let final: BatchStatus? = try await withThrowingTaskGroup(of: BatchStatus?.self) { group in
            group.addTask { try await receiveSeals(batch: batch, names: names, journal: journal, collected: collected) }
            group.addTask { try await follow(batch) }
            group.addTask {
                try await uploadAll(toUpload, batch: batch, collected: collected)
                let (closed, _, closeBody) = try await call(.POST, "/v1/batches/\(batch)/close")
                guard closed == 200 else { throw SealError(Self.problem(closeBody).code, Self.problem(closeBody).message) }
                return nil
            }
            var final: BatchStatus?
            do {
                while let status = try await group.next() {
                    if let status { final = status }
                }
            } catch {
                group.cancelAll()
                throw error
            }
            return final
        }
        // Whatever the seal stream did not bring (failures; a run taken up again): ask now.
        let (again, _, body) = try await call(.GET, "/v1/batches/\(batch)/documents")
        guard again == 200 else { throw DaemonGone(detail: "HTTP \(again)") }
        for document in (try JSONDecoder().decode(Listing.self, from: body)).documents {
            guard names.contains(document.name), outcome.results[document.name] == nil else { continue }
            if let result = collected.fetched.withLock({ $0[document.name] }) {
                outcome.results[document.name] = result
                continue
            }
            let result = try await fetch(document, batch: batch, journal: journal)
            outcome.results[document.name] = result
            display.add(result)
        }
        for (name, result) in collected.failures.withLock({ $0 }) where outcome.results[name] == nil {
            outcome.results[name] = result
            display.add(result)
        }
        if !keep, final?.state == .done, collected.rejected.withLock({ $0.isEmpty }) {
            _ = try? await call(.DELETE, "/v1/batches/\(batch)")
            unlink(out + "/" + Self.recordName)
        }
        return collected.rejected.withLock { $0 }
    }

    /// The documents in tar archives of up to ``documentsPerUpload`` documents or ``bytesPerUpload`` bytes.
    func uploadAll(_ documents: [SealInput], batch: String, collected: Collected) async throws {
        var chunks: [[SealInput]] = []
        var chunk: [SealInput] = []
        var bytes = 0
        for document in documents {
            var info = stat()
            let size = stat(document.path, &info) == 0 ? Int(info.st_size) : 0
            let most = chunks.isEmpty ? Self.documentsInFirstUpload : Self.documentsPerUpload
            if !chunk.isEmpty && (chunk.count == most || bytes + size > Self.bytesPerUpload) {
                chunks.append(chunk)
                chunk = []
                bytes = 0
            }
            chunk.append(document)
            bytes += size
        }
        if !chunk.isEmpty { chunks.append(chunk) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            var iterator = chunks.makeIterator()
            for _ in 0..<Self.uploading {
                guard let next = iterator.next() else { break }
                group.addTask { try await upload(next, batch: batch, collected: collected) }
            }
            while try await group.next() != nil {
                if let next = iterator.next() { group.addTask { try await upload(next, batch: batch, collected: collected) } }
            }
        }
    }

    /// The most `max_document_mib` can allow (4096 MiB); podpisd refuses
    /// what is over its profile's own limit.
    static let largestDocument = 4096 << 20

    /// One tar archive of documents; a refusal of one entry is that document's failure.
    func upload(_ documents: [SealInput], batch: String, collected: Collected) async throws {
        var archive: [UInt8] = []
        var sent: [String: SealInput] = [:]
        let now = Int(Date().timeIntervalSince1970)
        for document in documents {
            let bytes: [UInt8]
            do {
                // Never through a link (an inbox writer could plant one to a
                // secret of the sealing account); no more than any profile takes.
                bytes = try InputFile(path: document.path).readAll(limit: Self.largestDocument)
            } catch let error as FileError {
                collected.failures.withLock { $0[document.name] = Self.failed(document.name, error.code, error.message) }
                continue
            } catch {
                collected.failures.withLock { $0[document.name] = Self.failed(document.name, "cannot-read", messages.text("cannot-read", ["error": "\(error)"])) }
                continue
            }
            archive += TarWriter.entry(name: document.name, data: bytes, mtime: now)
            sent[document.name] = document
        }
        guard !sent.isEmpty else { return }
        archive += TarWriter.end
        let (status, _, body) = try await call(.POST, "/v1/batches/\(batch)/documents", body: archive, contentType: "application/x-tar")
        guard status == 200 else {
            let (code, message) = Self.problem(body)
            if code == "batch-closed" {
                collected.rejected.withLock { $0 += sent.values }
            } else {
                collected.failures.withLock { failures in
                    for name in sent.keys { failures[name] = Self.failed(name, code, message) }
                }
            }
            return
        }
        struct Answer: Decodable {
            struct Entry: Decodable { let status: String; let name: String; let code: String?; let message: ClerkText? }
            let documents: [Entry]
        }
        let answer = try JSONDecoder().decode(Answer.self, from: body)
        for entry in answer.documents where entry.status == "refused" {
            guard let document = sent[entry.name] else { continue }
            if entry.code == "batch-closed" {
                collected.rejected.withLock { $0.append(document) }
            } else {
                collected.failures.withLock {
                    $0[entry.name] = Self.failed(entry.name, entry.code ?? "refused", entry.message ?? messages.text("refused"))
                }
            }
        }
    }

    /// A GET whose body streams as long as the batch lasts (no time limit);
    /// podpisd unreachable is ``DaemonGone``.
    private func stream(_ uri: String) async throws -> HTTPClientResponse? {
        guard let url = URL(httpURLWithSocketPath: socket, uri: uri) else { return nil }
        do {
            return try await HTTPClient.shared.execute(HTTPClientRequest(url: url.absoluteString), timeout: .hours(24 * 365))
        } catch {
            throw DaemonGone(detail: "\(error)")
        }
    }

    /// GET …/seals: each seal written into OUT (atomically, with its journal
    /// line, committed in groups) as the stream brings it, until the batch is over.
    func receiveSeals(batch: String, names: Set<String>, journal: SealJournal, collected: Collected) async throws -> BatchStatus? {
        guard let response = try await stream("/v1/batches/\(batch)/seals") else { return nil }
        guard response.status == .ok else { throw DaemonGone(detail: "GET …/seals: HTTP \(response.status.code)") }
        var reader = TarReader()
        var entry: TarEntry?
        var data: [UInt8] = []
        let display = self.display
        try await withThrowingTaskGroup(of: Void.self) { group in
            var storing = 0
            do {
                for try await buffer in response.body {
                    let events = try buffer.withUnsafeReadableBytes { try reader.feed($0) }
                    for event in events {
                        switch event {
                        case .entry(let begun):
                            entry = begun
                            data = []
                            data.reserveCapacity(begun.size)
                        case .data(let bytes):
                            data += bytes
                        case .entryEnd:
                            guard let done = entry, let name = done.pax[SealStreamRecord.document], let sha256 = done.pax[SealStreamRecord.sha256],
                                names.contains(name)
                            else { continue }
                            var result = SealResult(name: name, sha256: sha256, size: done.pax[SealStreamRecord.size].flatMap { Int($0) }, state: .sealed)
                            result.method = done.pax[SealStreamRecord.method].flatMap { SealMethod(rawValue: $0) }
                            result.output = done.name
                            let bytes = data
                            let sealSHA256 = done.pax[SealStreamRecord.sealSHA256]
                            if storing == Self.storing {
                                try await group.next()
                                storing -= 1
                            }
                            storing += 1
                            group.addTask {
                                // Damaged on the way (or in podpisd's pack): never stored; the next run fetches it again.
                                if let sealSHA256, SHA256.hash(data: bytes).hexString != sealSHA256 {
                                    throw DamagedSeal(document: name)
                                }
                                try await store(bytes, as: result, journal: journal)
                                collected.fetched.withLock { $0[name] = result }
                                display.add(result)
                            }
                        case .end:
                            break
                        }
                    }
                }
            } catch {
                throw Self.ownOrGone(error)
            }
            try await group.waitForAll()
        }
        // Without the end-of-archive blocks podpisd stopped before the batch was over.
        guard reader.isFinished else { throw DaemonGone(detail: "the seal stream ended before the batch did") }
        return nil
    }

    /// One seal into OUT: atomically, never over another file, then its journal line.
    func store(_ bytes: [UInt8], as result: SealResult, journal: SealJournal) async throws {
        guard let output = result.output, let sha256 = result.sha256, !output.contains("/"), !output.hasPrefix(".") else { return }
        if let entry = journal.entry(result.name), entry.state == .sealed, entry.sha256 == sha256 { return }
        do {
            // No look first: the link at the commit refuses a taken name all the same.
            let file = try AtomicOutputFile(path: out + "/" + output, checkingFirst: false)
            try file.write(bytes)
            try await outputs.commit(file)
        } catch let error as FileError {
            // .exists: written by a run that stopped before its journal line.
            guard error.kind == .exists else { throw error }
        }
        try await journal.commit(.sealed(name: result.name, sha256: sha256, output: output))
    }

    /// What the uploads found: documents refused for themselves, and those a closed batch refused.
    final class Collected: Sendable {
        let failures = Mutex<[String: SealResult]>([:])
        let rejected = Mutex<[SealInput]>([])
        let fetched = Mutex<[String: SealResult]>([:])
    }

    /// An error of this client's own (podpisd gone, a damaged seal, a
    /// stopped batch) as it is; anything else met while reading podpisd's
    /// streams means podpisd went away.
    static func ownOrGone(_ error: any Error) -> any Error {
        switch error {
        case is DaemonGone, is DamagedSeal, is Stopped: return error
        default: return DaemonGone(detail: "\(error)")
        }
    }

    static func failed(_ name: String, _ code: String, _ message: ClerkText) -> SealResult {
        var result = SealResult(name: name, state: .failed)
        result.code = code
        result.message = message
        return result
    }

    /// Follows the batch's status (paused, stopped) until `end`.
    func follow(_ batch: String) async throws -> BatchStatus? {
        guard let response = try await stream("/v1/batches/\(batch)/events?documents=false") else { return nil }
        guard response.status == .ok else { return nil }
        var parser = ServerSentEventParser()
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do {
            for try await buffer in response.body {
                for event in parser.feed(buffer) {
                    switch event.name {
                    case "status":
                        guard let status = try? decoder.decode(BatchStatus.self, from: Data(event.data.utf8)) else { continue }
                        display.status(status)
                        if let stopped = status.stopped { throw Stopped(batch: batch, reason: stopped) }
                    case "end":
                        let status = try? decoder.decode(BatchStatus.self, from: Data(event.data.utf8))
                        guard let status, status.state == .done || status.state == .cancelled else {
                            throw DaemonGone(detail: "podpisd stopped before the batch was done")
                        }
                        return status
                    default:
                        continue
                    }
                }
            }
        } catch {
            throw Self.ownOrGone(error)
        }
        throw DaemonGone(detail: "the event stream ended before the batch did")
    }

    /// GET the seal, check it is for this document, write it atomically into
    /// OUT (never over another file), journal it.
    func fetch(_ document: BatchDocument, batch: String, journal: SealJournal) async throws -> SealResult {
        var result = SealResult(name: document.name, sha256: document.sha256, size: document.size, state: document.state == .sealed ? .sealed : .failed)
        result.method = document.method
        result.output = document.output
        result.code = document.code
        result.message = document.message
        guard document.state == .sealed, let output = document.output else { return result }
        if let entry = journal.entry(document.name), entry.state == .sealed, entry.sha256 == document.sha256 { return result }
        let path = out + "/" + output
        if access(path, F_OK) != 0 {
            let name = document.name.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(.init(charactersIn: "-._~"))) ?? document.name
            let (status, headers, body) = try await call(.GET, "/v1/batches/\(batch)/documents/\(name)/seal")
            guard status == 200, headers.first(name: "X-Podpis-Document-SHA256") == document.sha256 else {
                let (code, message) = Self.problem(body)
                return Self.failed(document.name, code, message)
            }
            if let sealSHA256 = headers.first(name: "X-Podpis-Seal-SHA256"), SHA256.hash(data: body).hexString != sealSHA256 {
                throw DamagedSeal(document: document.name)
            }
            do {
                let file = try AtomicOutputFile(path: path)
                try file.write(Array(body))
                try await outputs.commit(file)
            } catch let error as FileError {
                // .exists: written by a run that stopped before its journal line.
                guard error.kind == .exists else { throw error }
            }
        }
        try await journal.commit(.sealed(name: document.name, sha256: document.sha256, output: output))
        return result
    }

    static func sha256(_ path: String) throws -> String {
        try SealInput(name: path, path: path).digest().sha256
    }
}
