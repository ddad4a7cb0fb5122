#if canImport(Glibc)
import Glibc
#endif
import Files
import Foundation

/// A directory keeping the last good copy of each list (`EU.xml` for the
/// list of lists, `PL.xml`, …): written atomically (a temporary file
/// fsynced, then renamed over the old copy, then the directory fsynced),
/// read without following a symbolic link. Only lists a ``TrustedListSet``
/// accepted are stored.
public struct TrustedListCache: Sendable {
    public let directory: String
    /// The largest cached list read back.
    public static let maximumBytes = 32 << 20

    public init(directory: String) {
        self.directory = directory
    }

    /// The file of a territory's list; nil for a name that is not a territory code.
    func path(_ territory: String) -> String? {
        guard (2...3).contains(territory.count), territory.allSatisfy({ $0.isASCII && ($0.isUppercase || $0.isNumber) }) else { return nil }
        return directory + "/" + territory + ".xml"
    }

    /// Stores `bytes` as the copy of `territory` (`EU` for the LOTL), replacing the previous one.
    public func store(_ bytes: [UInt8], territory: String) throws(TrustedListError) {
        guard let path = path(territory) else { throw TrustedListError(.cacheUnwritable, "\(directory): territory \"\(territory.prefix(8))\"") }
        var info = stat()
        guard lstat(directory, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
            throw TrustedListError(.cacheUnwritable, "\(directory): not a directory")
        }
        do {
            let file = try AtomicOutputFile(path: path, replacing: true, mode: 0o644)
            try file.write(bytes)
            try file.commit()
        } catch {
            throw TrustedListError(.cacheUnwritable, "\(error)")
        }
    }

    /// Stores every list `set` accepted (the LOTL as `EU`).
    public func store(_ set: TrustedListSet) throws(TrustedListError) {
        if let lotl = set.listOfLists { try store(lotl.bytes, territory: "EU") }
        for (territory, loaded) in set.lists { try store(loaded.bytes, territory: territory) }
    }

    /// The cached copy of `territory`; nil when there is none.
    public func load(territory: String) throws(TrustedListError) -> [UInt8]? {
        guard let path = path(territory) else { throw TrustedListError(.cacheUnreadable, "\(directory): territory \"\(territory.prefix(8))\"") }
        var info = stat()
        if lstat(path, &info) != 0, errno == ENOENT { return nil }
        let input = InputFile(path: path)
        do {
            let size = try input.size()
            guard size <= Self.maximumBytes else { throw TrustedListError(.cacheUnreadable, "\(path): \(size) bytes") }
            return try input.readRange(offset: 0, count: size)
        } catch let error as TrustedListError {
            throw error
        } catch {
            throw TrustedListError(.cacheUnreadable, "\(error)")
        }
    }

    /// The territories with a cached copy (the LOTL's `EU` included).
    public func territories() -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        return names.compactMap { name in
            guard name.hasSuffix(".xml") else { return nil }
            let territory = String(name.dropLast(4))
            return path(territory) == nil ? nil : territory
        }.sorted()
    }
}
