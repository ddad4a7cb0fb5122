import Files
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes the installation's files under an ``InstallRoot``: a file whose
/// bytes are already right is left alone (its time too); a different one is
/// first copied to `NAME.bak-YYYYmmdd-HHMMSS` (never over an older backup)
/// and then replaced atomically (`AtomicOutputFile`: a temporary beside it,
/// fsynced, renamed, the directory fsynced). A symbolic link in the file's
/// place is refused, never followed.
public struct Installer: Sendable {
    public let root: InstallRoot
    public let dryRun: Bool
    /// The moment backups are named after.
    public var now: Date

    public init(root: InstallRoot, dryRun: Bool, now: Date = Date()) {
        self.root = root
        self.dryRun = dryRun
        self.now = now
    }

    /// The bytes of the regular file at `absolute` (under the root); nil when there is none.
    public func read(_ absolute: String) throws(SetupError) -> [UInt8]? {
        let real = root.real(absolute)
        var status = stat()
        guard lstat(real, &status) == 0 else { return nil }
        if (status.st_mode & S_IFMT) == S_IFLNK { throw .symlink(absolute) }
        var bytes: [UInt8] = []
        do {
            _ = try InputFile(path: real).forEachChunk { bytes += $0 }
        } catch {
            throw .writeFailed(absolute, "\(error)")
        }
        return bytes
    }

    /// Puts `contents` at `absolute`; the change says what happened.
    public func install(_ contents: [UInt8], at absolute: String, kind: String, mode: mode_t = 0o644) throws(SetupError) -> Change {
        let existing = try read(absolute)
        if existing == contents { return Change(kind: kind, path: absolute, state: "unchanged") }
        if dryRun {
            return Change(kind: kind, path: absolute, state: "would-write", backup: existing == nil ? nil : backupName(for: absolute))
        }
        let real = root.real(absolute)
        var backup: String?
        if let existing {
            backup = try writeBackup(existing, of: absolute)
        }
        do {
            try FileManager.default.createDirectory(
                atPath: (real as NSString).deletingLastPathComponent, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        } catch {
            throw .writeFailed(absolute, "\(error)")
        }
        do {
            let output = try AtomicOutputFile(path: real, replacing: true, mode: mode)
            try output.write(contents)
            try output.commit()
        } catch {
            throw .writeFailed(absolute, "\(error)")
        }
        return Change(kind: kind, path: absolute, state: "written", backup: backup)
    }

    /// `absolute` made a directory (and its parents), `mode`, owned by
    /// `owner` when given.
    public func directory(_ absolute: String, mode: mode_t, owner: (uid: uid_t, gid: gid_t)?) throws(SetupError) -> Change {
        let real = root.real(absolute)
        var status = stat()
        if lstat(real, &status) == 0 {
            if (status.st_mode & S_IFMT) == S_IFLNK { throw .symlink(absolute) }
            return Change(kind: "directory", path: absolute, state: "exists")
        }
        if dryRun { return Change(kind: "directory", path: absolute, state: "would-create") }
        do {
            try FileManager.default.createDirectory(atPath: real, withIntermediateDirectories: true, attributes: nil)
        } catch {
            throw .writeFailed(absolute, "\(error)")
        }
        _ = chmod(real, mode)
        if let owner { _ = lchown(real, owner.uid, owner.gid) }
        return Change(kind: "directory", path: absolute, state: "created")
    }

    /// `NAME.bak-YYYYmmdd-HHMMSS` for now; `-2`, `-3`… when that exists.
    func backupName(for absolute: String) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        let base = absolute + ".bak-" + formatter.string(from: now)
        var name = base
        var number = 2
        while access(root.real(name), F_OK) == 0 || isLink(root.real(name)) {
            name = base + "-\(number)"
            number += 1
        }
        return name
    }

    private func isLink(_ path: String) -> Bool {
        var status = stat()
        return lstat(path, &status) == 0
    }

    private func writeBackup(_ bytes: [UInt8], of absolute: String) throws(SetupError) -> String {
        let name = backupName(for: absolute)
        do {
            let output = try AtomicOutputFile(path: root.real(name), replacing: false, mode: 0o600)
            try output.write(bytes)
            try output.commit()
        } catch {
            throw .writeFailed(name, "\(error)")
        }
        return name
    }
}
