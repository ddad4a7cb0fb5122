#if canImport(Glibc)
import Glibc
#endif
import Localization

/// An output written so that nobody ever sees half of it and nothing is lost
/// on a crash: data goes to a temporary file beside the target; `commit()`
/// fsyncs it, links it to the target name (failing if the name exists: an
/// existing file is never overwritten) and fsyncs the directory. Dropped
/// without `commit()`, the temporary file is removed.
///
/// With `replacing: true` (the daemon's own state files, never a user's
/// document) `commit()` renames over an existing file instead.
public final class AtomicOutputFile {
    public let path: String
    private let temporary: String
    private let replacing: Bool
    private var fd: Int32
    private var committed = false

    /// `checkingFirst: false` when the caller has just looked for `path`
    /// itself (``commit()`` never overwrites it either way).
    public init(path: String, replacing: Bool = false, mode: mode_t = 0o644, checkingFirst: Bool = true) throws(FileError) {
        if !replacing, checkingFirst, access(path, F_OK) == 0 { throw FileError(.exists, path) }
        self.path = path
        self.replacing = replacing
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[..<$0]) } ?? "."
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        temporary = (directory.isEmpty ? "/" : directory) + "/.\(name).podpis-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).tmp"
        fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
        if fd < 0 { throw FileError(.cannotWrite, "\(path): \(String(cString: strerror(errno)))") }
    }

    deinit {
        if fd >= 0 { close(fd) }
        if !committed { unlink(temporary) }
    }

    /// Removes the temporaries (`.NAME.podpis-PID-N.tmp`) that a process
    /// killed before its commit left in `directory`: those of processes that
    /// no longer exist (never this one's, nor a live writer's). Such a file
    /// was never linked to its name, so it is never an output. Every writer
    /// into a user's directory calls this when it starts.
    public static func removeStale(in directory: String) {
        guard let dir = opendir(directory) else { return }
        defer { closedir(dir) }
        let me = getpid()
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            guard name.hasPrefix("."), name.hasSuffix(".tmp"), let range = name.range(of: ".podpis-", options: .backwards),
                let pid = Int32(name[range.upperBound...].split(separator: "-").first ?? ""), pid > 0, pid != me
            else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH { unlinkat(dirfd(dir), name, 0) }
        }
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws(FileError) {
        var offset = 0
        while offset < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw FileError(.cannotWrite, "\(path): \(String(cString: strerror(errno)))")
            }
            offset += n
        }
    }

    public func write(_ bytes: [UInt8]) throws(FileError) {
        let result: Result<Void, FileError> = bytes.withUnsafeBytes { raw in
            Result { () throws(FileError) in try write(raw) }
        }
        try result.get()
    }

    public func commit() throws(FileError) {
        try place()
        Self.syncDirectory(of: path)
    }

    /// Commits without the directory's fsync: the data fsynced, the file
    /// linked (or renamed) to its name. Durable only after
    /// ``syncDirectory(of:)`` (``OutputDirectory`` does one for many files).
    public func place() throws(FileError) {
        guard fsync(fd) == 0 else { throw FileError(.cannotWrite, "\(path): fsync: \(String(cString: strerror(errno)))") }
        close(fd)
        fd = -1
        if replacing {
            guard rename(temporary, path) == 0 else {
                let reason = String(cString: strerror(errno))
                unlink(temporary)
                committed = true
                throw FileError(.cannotWrite, "\(path): \(reason)")
            }
        } else if link(temporary, path) != 0 {
            let reason = errno == EEXIST ? FileErrorKind.exists : .cannotWrite
            unlink(temporary)
            committed = true
            throw FileError(reason, path)
        } else {
            unlink(temporary)
        }
        committed = true
    }

    /// Asks the kernel to start writing the data out (not a durability
    /// point: ``place()`` still fsyncs).
    func startWriteback() {
        // POSIX_FADV_DONTNEED starts writeback of dirty pages on Linux
        // (sync_file_range is not visible from Swift's Glibc module).
        if fd >= 0 { posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED) }
    }

    /// The directory holding `path`, fsynced (its new names made durable).
    public static func syncDirectory(of path: String) {
        let slash = path.lastIndex(of: "/")
        syncDirectory(slash.map { String(path[..<$0]) } ?? ".")
    }

    /// A directory fsynced.
    public static func syncDirectory(_ directory: String) {
        let dfd = open(directory.isEmpty ? "/" : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dfd >= 0 {
            fsync(dfd)
            close(dfd)
        }
    }
}

/// Outputs of one directory committed together: each file's data fsynced
/// and linked to its name, then one fsync of the directory for the whole
/// batch (instead of one per file). ``commit(_:)`` returns when the
/// caller's output is durable under its name, as ``AtomicOutputFile/commit()``.
public final class OutputDirectory: Sendable {
    struct Placing: @unchecked Sendable {
        let file: AtomicOutputFile
    }

    public let path: String
    private let group: GroupCommit<Placing>

    public init(path: String, linger: Int = 0) {
        self.path = path
        let directory = path
        group = GroupCommit(label: "podpis.outputs", linger: linger) { batch in
            var errors: [(any Error)?] = []
            errors.reserveCapacity(batch.count)
            // Start every file's writeback first: the first fsync then waits
            // for all of them and commits their blocks in one journal
            // transaction, and the other fsyncs find little left to do.
            if batch.count > 1 {
                for placing in batch { placing.file.startWriteback() }
            }
            for placing in batch {
                do throws(FileError) {
                    try placing.file.place()
                    errors.append(nil)
                } catch {
                    errors.append(error)
                }
            }
            if errors.contains(where: { $0 == nil }) { AtomicOutputFile.syncDirectory(directory) }
            return errors
        }
    }

    /// Commits `file` (an output in this directory) with others waiting.
    public func commit(_ file: AtomicOutputFile) async throws {
        try await group.commit(Placing(file: file))
    }
}

/// A file read in chunks, in constant memory; the one way this project
/// opens an input. Every open is by path without following a symbolic link
/// (`O_NOFOLLOW`, `O_CLOEXEC`, and `O_NONBLOCK` so that a FIFO put in its
/// place cannot hang the reader), and the opened descriptor is checked
/// (`fstat`) before a byte is read: a regular file, and, when the caller
/// picked the file earlier (a hot folder's `lstat`), that same file — same
/// device, inode and size. A name swapped for a link to a secret (the seal
/// PIN file, the credentials directory) or for another file between the
/// look and the open is refused, never read.
public struct InputFile: Sendable, Hashable {
    public let path: String
    /// The file the caller picked; nil: whatever regular file is at `path`.
    public let expected: Identity?
    public static let chunkSize = 1 << 20

    /// Which file: device and inode, and its size when it was looked at.
    public struct Identity: Sendable, Hashable {
        public let device: UInt64
        public let inode: UInt64
        public let size: Int

        public init(device: UInt64, inode: UInt64, size: Int) {
            self.device = device
            self.inode = inode
            self.size = size
        }

        init(_ info: stat) {
            self.init(device: UInt64(info.st_dev), inode: UInt64(info.st_ino), size: Int(info.st_size))
        }

        /// What `lstat` says of `path` (the link itself, never its target);
        /// nil unless it is a regular file.
        public static func of(_ path: String) -> (identity: Identity, modified: timespec)? {
            var info = stat()
            guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
            return (Identity(info), info.st_mtim)
        }
    }

    /// Whatever regular file is at `path` when it is opened.
    public init(path: String) {
        self.init(path: path, expected: nil)
    }

    /// The file at `path` only if it is still the one picked.
    public init(path: String, expected: Identity?) {
        self.path = path
        self.expected = expected
    }

    /// Opens the file for reading: no symbolic link followed, a regular
    /// file, the one expected. The caller closes the descriptor.
    public func open() throws(FileError) -> (fd: Int32, size: Int) {
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY)
        guard fd >= 0 else {
            if errno == ELOOP { throw FileError(.notAFile, "\(path): a symbolic link (not followed)") }
            throw FileError(.cannotRead, "\(path): \(String(cString: strerror(errno)))")
        }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw FileError(.cannotRead, "\(path): \(reason)")
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw FileError(.notAFile, "\(path): not a regular file")
        }
        if let expected, Identity(info) != expected {
            close(fd)
            throw FileError(.changed, path)
        }
        return (fd, Int(info.st_size))
    }

    /// The file's size; fails if it is not a readable regular file (or not the one expected).
    public func size() throws(FileError) -> Int {
        let (fd, size) = try open()
        close(fd)
        return size
    }

    /// Calls `body` with each chunk of the file in order; returns the bytes read.
    @discardableResult
    public func forEachChunk(_ body: (UnsafeRawBufferPointer) throws -> Void) throws -> Int {
        let (fd, _) = try open()
        defer { close(fd) }
        posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.chunkSize, alignment: 64)
        defer { buffer.deallocate() }
        var total = 0
        while true {
            let n = read(fd, buffer.baseAddress, buffer.count)
            if n < 0 {
                if errno == EINTR { continue }
                throw FileError(.cannotRead, "\(path): \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            try body(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
            total += n
        }
        return total
    }

    /// `count` bytes from `offset` (a document kept inside a pack file):
    /// fails if the file is shorter.
    public func readRange(offset: Int, count: Int) throws -> [UInt8] {
        let (fd, size) = try open()
        defer { close(fd) }
        guard offset >= 0, count >= 0, offset <= size, count <= size - offset else {
            throw FileError(.cannotRead, "\(path): \(count) bytes at \(offset) expected, the file has \(size)")
        }
        var bytes = [UInt8](repeating: 0, count: count)
        var total = 0
        while total < count {
            let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + total, count - total, off_t(offset + total)) }
            if n < 0 {
                if errno == EINTR { continue }
                throw FileError(.cannotRead, "\(path): \(String(cString: strerror(errno)))")
            }
            guard n > 0 else { throw FileError(.cannotRead, "\(path): \(count) bytes at \(offset) expected, the file ends before") }
            total += n
        }
        return bytes
    }

    /// The whole file, for inputs known to be small: read straight into
    /// the array (one open, one fstat, reads of what is left), no chunk buffer.
    public func readAll(limit: Int) throws -> [UInt8] {
        let (fd, size) = try open()
        defer { close(fd) }
        guard size <= limit else { throw FileError(.tooLarge, "\(path): \(size) bytes, limit \(limit)") }
        var bytes = [UInt8](repeating: 0, count: size + 1)
        var total = 0
        while true {
            if total == bytes.count {
                // The file grew since fstat: keep reading, within the limit.
                guard total <= limit else { throw FileError(.tooLarge, "\(path): over \(limit) bytes") }
                bytes.append(contentsOf: repeatElement(0, count: max(4096, total / 2)))
            }
            let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + total, $0.count - total) }
            if n < 0 {
                if errno == EINTR { continue }
                throw FileError(.cannotRead, "\(path): \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            total += n
        }
        guard total <= limit else { throw FileError(.tooLarge, "\(path): \(total) bytes, limit \(limit)") }
        bytes.removeLast(bytes.count - total)
        return bytes
    }
}

/// Why a file could not be read or written.
public typealias FileError = KindedError<FileErrorKind>

/// The kinds of ``FileError``; each raw value is the stable code.
public enum FileErrorKind: String, ErrorKind {
    case exists = "output-exists"
    case cannotWrite = "cannot-write"
    case cannotRead = "cannot-read"
    case tooLarge = "too-large"
    case changed = "input-changed"
    /// A symbolic link (never followed), a directory, a FIFO, a device.
    case notAFile = "not-a-regular-file"

    public static var catalog: MessageCatalog { messages }
}
