import Audit
import DaemonConfiguration
import Files
import Foundation
import Inventory
import Logging
import Sealing

/// A hot folder: documents dropped into `inbox` are sealed into `outbox`;
/// the original then moves to `done/`, or to `failed/` with a reason file
/// beside it (`NAME.reason.txt`). A document is taken only when it is
/// complete: its size and time unchanged since the last look and no process
/// holding it open for writing. The outbox's journal makes a restart resume
/// without sealing anything twice.
///
/// The inbox is written by others: a file is picked by `lstat` (a regular
/// file, never a link) and the sealer opens it with `O_NOFOLLOW` and reads
/// it only if it is still that file (same device, inode and size), so a
/// name swapped for a link to the seal PIN file or to any other file
/// between the look and the open is not sealed (``InputFile``).
public actor HotFolder {
    /// The four folders, as the seal profile names them (`inbox`, `outbox`, `done`, `failed`).
    public typealias Folders = DaemonConfiguration.SealProfile.HotFolder

    let profile: String
    let folders: Folders
    let settings: SealSettings
    let openKey: @Sendable () async throws -> SealKey
    let audit: AuditTrail?
    let logger = Logger(label: "podpisd.hotfolder")
    private var key: SealKey?
    private var seen: [String: Look] = [:]

    /// What one look found of a file: which file, and when it was last written.
    struct Look: Equatable {
        let identity: InputFile.Identity
        let seconds: Int
        let nanoseconds: Int
    }
    /// What the hot folder is doing, for the log and a status view.
    public enum Status: Sendable, Equatable, CustomStringConvertible {
        case idle
        case sealing(documents: Int)
        /// The seal key cannot be opened yet (the token absent, the PIN not given…).
        case waitingForKey(String)
        /// The outbox cannot be used (its journal unreadable or replaced by a link).
        case outboxUnusable(String)

        public var description: String {
            switch self {
            case .idle: return "idle"
            case .sealing(let count): return "sealing \(count)"
            case .waitingForKey(let why): return "waiting: \(why)"
            case .outboxUnusable(let why): return "error: \(why)"
            }
        }
    }

    public private(set) var status = Status.idle
    /// Tests only: called with what a look picked, before it is sealed, so
    /// that a test can swap a file in that gap deterministically.
    var afterPick: (@Sendable ([SealInput]) async -> Void)?

    func setAfterPick(_ hook: (@Sendable ([SealInput]) async -> Void)?) { afterPick = hook }

    public init(profile: String, folders: Folders, settings: SealSettings, audit: AuditTrail?, openKey: @escaping @Sendable () async throws -> SealKey) {
        self.profile = profile
        self.folders = folders
        self.settings = settings
        self.audit = audit
        self.openKey = openKey
    }

    /// Looks at the inbox every `interval` until cancelled.
    public func run(interval: Duration = .milliseconds(500)) async {
        for folder in [folders.inbox, folders.outbox, folders.done, folders.failed] {
            try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o750])
        }
        logger.info("hot folder \(profile): \(folders.inbox) → \(folders.outbox)")
        while !Task.isCancelled {
            await poll()
            try? await Task.sleep(for: interval)
        }
    }

    /// One look: seals what is complete, moves the originals.
    func poll() async {
        let ready = completeDocuments()
        guard !ready.isEmpty else { return }
        if key == nil {
            do {
                key = try await openKey()
            } catch {
                status = .waitingForKey("\(error)")
                logger.warning("hot folder \(profile): the seal key cannot be opened: \(error)")
                return
            }
        }
        guard let key else { return }
        await afterPick?(ready)
        status = .sealing(documents: ready.count)
        let journal: SealJournal
        do { journal = try SealJournal(directory: folders.outbox) } catch {
            // E.g. the journal replaced by a symbolic link: nothing is sealed until it is fixed.
            if status != .outboxUnusable("\(error)") { logger.error("hot folder \(profile): the outbox's journal cannot be opened: \(error)") }
            status = .outboxUnusable("\(error)")
            return
        }
        let requester = Requester(transport: .local, origin: nil, uid: getuid(), pid: getpid())
        let auditor = audit.map { SealAuditTrail(trail: $0, requester: requester, batch: "hot-folder:\(profile)") }
        let results = await Sealer(key: key, settings: settings).seal(ready, into: folders.outbox, journal: journal, audit: auditor)
        for result in results {
            guard let input = ready.first(where: { $0.name == result.name }) else { continue }
            seen[input.name] = nil
            switch result.state {
            case .sealed, .skipped:
                move(input.path, to: folders.done)
            case .failed where result.code == FileErrorKind.changed.rawValue:
                // Another file, or the same grown, since the look (its writer was not done after all):
                // nothing was read; it stays in the inbox and is taken once it holds still again.
                logger.info("hot folder \(profile): \(input.name) changed after it was picked; looked at again later")
            case .failed:
                let target = move(input.path, to: folders.failed)
                let reason = "\(result.code ?? "seal-failed")\n\(result.message?.pl ?? "")\n\(result.message?.en ?? "")\n"
                if let file = try? AtomicOutputFile(path: (target ?? folders.failed + "/" + input.name) + ".reason.txt", replacing: true, mode: 0o640) {
                    try? file.write(Array(reason.utf8))
                    try? file.commit()
                }
                logger.warning("hot folder \(profile): \(input.name) failed: \(result.code ?? "")")
            }
        }
        status = .idle
    }

    /// Regular, visible files whose size and time did not change since the
    /// last look and that no process has open for writing.
    func completeDocuments() -> [SealInput] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folders.inbox) else { return [] }
        var ready: [SealInput] = []
        var current: [String: Look] = [:]
        for name in names.sorted() where !name.hasPrefix(".") && !name.hasSuffix(".part") && !name.hasSuffix(".tmp") {
            let path = folders.inbox + "/" + name
            // lstat: a symbolic link is not a document, whatever it points to.
            guard let (identity, modified) = InputFile.Identity.of(path) else { continue }
            let look = Look(identity: identity, seconds: modified.tv_sec, nanoseconds: modified.tv_nsec)
            current[name] = look
            if seen[name] == look, !Self.openForWriting(path) {
                // The sealer reads it only if it is still this file.
                ready.append(SealInput(name: name, path: path, expected: identity))
            }
        }
        seen = current
        return ready
    }

    /// Whether any process has `path` open for writing (/proc/PID/fdinfo flags).
    static func openForWriting(_ path: String) -> Bool {
        guard let pids = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return false }
        let resolved = (path as NSString).resolvingSymlinksInPath
        for pid in pids where Int32(pid) != nil {
            guard let fds = try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd") else { continue }
            for fd in fds {
                guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\(fd)"), target == resolved,
                    let info = try? String(contentsOfFile: "/proc/\(pid)/fdinfo/\(fd)", encoding: .utf8),
                    let line = info.split(separator: "\n").first(where: { $0.hasPrefix("flags:") }),
                    let flags = Int(line.dropFirst(6).trimmingCharacters(in: .whitespaces), radix: 8)
                else { continue }
                if flags & 0o3 != 0 { return true }  // O_WRONLY or O_RDWR
            }
        }
        return false
    }

    /// Moves a file into `directory`, never over another (a suffix is added).
    @discardableResult
    func move(_ path: String, to directory: String) -> String? {
        let name = (path as NSString).lastPathComponent
        var target = directory + "/" + name
        var index = 2
        while access(target, F_OK) == 0 {
            target = directory + "/" + name + ".\(index)"
            index += 1
        }
        guard rename(path, target) == 0 else {
            logger.error("hot folder \(profile): cannot move \(path) to \(directory): \(String(cString: strerror(errno)))")
            return nil
        }
        return target
    }
}
