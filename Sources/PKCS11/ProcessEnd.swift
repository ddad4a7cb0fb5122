#if canImport(Glibc)
import Glibc
#endif

/// How a process that has loaded PKCS#11 modules ends.
///
/// `exit()` runs the exit-time destructors of every loaded library, and those
/// of PKCS#11 modules are foreign code that may wait forever: SoftHSM's static
/// destructor locks a mutex of p11-kit's and hung podpisd at exit after
/// SIGTERM (seen on the bench, one stop in about thirty under load; the stacks
/// are in docs/architecture.md). So podpisd and podpis, once their own work is
/// done and written (the audit trail and outputs are fsynced where they are
/// written), flush stdio and end with `_exit`, which skips those destructors.
/// The modules' own state is left as `C_Finalize` (called before, when it
/// can be, by the owner of the modules) or the end of the process leaves it.
public enum ProcessEnd {
    /// Flushes stdout and stderr and ends the process with `status` at once.
    public static func now(_ status: Int32) -> Never {
        fflush(nil)
        _exit(status)
    }
}
