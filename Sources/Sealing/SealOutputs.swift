#if canImport(Glibc)
import Glibc
#endif
import Files

/// Where a ``Sealer`` puts its seals: one file per seal in a directory
/// (``SealOutputFiles``: `podpis seal --local`, the hot folder's outbox), or
/// a store of the caller's (a batch of podpisd keeps them in pack files).
///
/// A seal is committed before its audit line and its journal line: after a
/// crash, a seal found here but not in the journal is taken as sealed
/// (``contains(_:)``), never made twice.
public protocol SealOutputs: Sendable {
    /// Called once before the first commit of a run (stale temporaries of a killed run removed…).
    func prepare()
    /// Whether an output of that name was committed already.
    func contains(_ outputName: String) -> Bool
    /// Makes `bytes` durable under `outputName`; returns when it is.
    /// Fails with `FileError(.exists)` if the name is taken.
    func commit(_ bytes: [UInt8], as outputName: String, for result: SealResult) async throws
    /// Takes a committed output back (its audit line could not be written):
    /// it is no longer there to be taken.
    func withdraw(_ outputName: String) async
}

/// One file per seal in a directory, each written atomically (temporary
/// file, fsync, link to its name, never over an existing file), committed
/// in groups (one directory fsync for every output waiting).
public final class SealOutputFiles: SealOutputs {
    public let directory: String
    private let outputs: OutputDirectory

    public init(directory: String, linger: Int = Sealer.commitLinger) {
        self.directory = directory
        outputs = OutputDirectory(path: directory, linger: linger)
    }

    public func prepare() {
        AtomicOutputFile.removeStale(in: directory)
    }

    public func contains(_ outputName: String) -> Bool {
        access(directory + "/" + outputName, F_OK) == 0
    }

    public func commit(_ bytes: [UInt8], as outputName: String, for result: SealResult) async throws {
        let output = try AtomicOutputFile(path: directory + "/" + outputName, checkingFirst: false)
        try output.write(bytes)
        try await outputs.commit(output)
    }

    public func withdraw(_ outputName: String) async {
        unlink(directory + "/" + outputName)
        AtomicOutputFile.syncDirectory(directory)
    }
}
