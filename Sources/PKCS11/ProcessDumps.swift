#if canImport(Glibc)
import Glibc
#endif

/// Keeps a process that holds PINs out of core files and debuggers of its
/// own user: `PR_SET_DUMPABLE` 0 (no core dump, no ptrace attach by the
/// same uid, /proc/PID owned by root) and a core size limit of 0.
public enum ProcessDumps {
    /// Call first thing in podpisd and in podpis before any PIN is read.
    /// True when the process is no longer dumpable.
    @discardableResult
    public static func forbid() -> Bool {
        var limit = rlimit(rlim_cur: 0, rlim_max: 0)
        _ = setrlimit(Int32(RLIMIT_CORE.rawValue), &limit)
        // prctl(2) is variadic, which Swift cannot call; its five-argument
        // form through dlsym is the same call.
        typealias Prctl = @convention(c) (CInt, UInt, UInt, UInt, UInt) -> CInt
        guard let symbol = dlsym(nil, "prctl") else { return false }  // RTLD_DEFAULT
        let prctl = unsafeBitCast(symbol, to: Prctl.self)
        let getDumpable: CInt = 3, setDumpable: CInt = 4  // PR_GET_DUMPABLE, PR_SET_DUMPABLE (linux/prctl.h)
        guard prctl(setDumpable, 0, 0, 0, 0) == 0 else { return false }
        return prctl(getDumpable, 0, 0, 0, 0) == 0
    }
}
