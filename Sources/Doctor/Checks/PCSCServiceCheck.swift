import Foundation
import Localization
import SmartCard
#if canImport(Glibc)
import Glibc
#endif

/// pcscd: installed, running, its socket reachable, and letting this user in
/// (polkit or the socket's permissions).
struct PCSCServiceCheck {
    static let name = "pcscd-service"
    let environment: [String: String]
    let limit: Double

    /// Where pcsclite clients find pcscd.
    var socketPath: String {
        if let path = environment["PCSCLITE_CSOCK_NAME"], !path.isEmpty { return path }
        return "/run/pcscd/pcscd.comm"
    }

    static let binaries = ["/usr/sbin/pcscd", "/usr/bin/pcscd", "/sbin/pcscd", "/usr/local/sbin/pcscd"]

    var installedBinary: String? { Self.binaries.first { FileManager.default.isExecutableFile(atPath: $0) } }

    /// The findings and whether PC/SC can be used.
    func run() -> (findings: [Finding], available: Bool) {
        let result = TimeLimited.run(limit, name: "pcscd-context") { () throws(PCSCError) in
            _ = try PCSCContext()
        }
        let details = ["socket": socketPath]
        switch result {
        case .timedOut(let seconds):
            return ([Finding.timeout(
                Self.name, component: messages.text("pcscd.component", ["socket": socketPath]),
                seconds: seconds,
                fix: messages.text("pcscd.hang-fix"))],
                false)
        case .finished(.success, let seconds):
            var found = messages.text("pcscd-running.found", ["socket": socketPath])
            if let binary = installedBinary {
                found = messages.text("pcscd-running.program", ["found": found, "binary": binary])
            }
            return ([Finding.ok(Self.name, "pcscd-running", found, details: details).timed(seconds)], true)
        case .finished(.failure(let error), let seconds):
            return ([classify(error).timed(seconds)], false)
        }
    }

    private func classify(_ error: PCSCError) -> Finding {
        var details = ["socket": socketPath, "pcsc": error.name]
        if error.rawValue == PCSCError.Code.noAccess {  // polkit said no
            return accessDenied(details, polkit: true)
        }
        guard [PCSCError.Code.noService, PCSCError.Code.commError, PCSCError.Code.serviceStopped].contains(error.rawValue) else {
            return .problem(
                Self.name, "pcscd-error",
                found: messages.text("pcscd-error.found", ["error": error.name, "reason": error.message.withoutDoctorAdvice]),
                why: Self.noCardsWhy,
                fix: messages.text("pcscd-error.fix"),
                details: details)
        }
        var status = stat()
        if stat(socketPath, &status) != 0 {
            if errno == EACCES { return accessDenied(details, polkit: false) }
            if installedBinary == nil {
                return .problem(
                    Self.name, "pcscd-not-installed",
                    found: messages.text("pcscd-not-installed.found", ["socket": socketPath]),
                    why: Self.noCardsWhy,
                    fix: messages.text("pcscd-not-installed.fix"),
                    details: details)
            }
            return notRunning(details, stale: false)
        }
        switch UnixSocket.connect(path: socketPath) {
        case .failed(let code) where code == EACCES || code == EPERM:
            details["errno"] = SocketError(errno: code).name
            return accessDenied(details, polkit: false)
        case .failed(let code):
            details["errno"] = SocketError(errno: code).name
            return notRunning(details, stale: true)
        case .connected(let fd):
            close(fd)
            return .problem(
                Self.name, "pcscd-socket-unreachable",
                found: messages.text("pcscd-socket-unreachable.found", ["socket": socketPath, "error": error.name]),
                why: Self.noCardsWhy,
                fix: messages.text("pcscd-socket-unreachable.fix"),
                details: details)
        }
    }

    private func notRunning(_ details: [String: String], stale: Bool) -> Finding {
        .problem(
            Self.name, "pcscd-not-running",
            found: stale
                ? messages.text("pcscd-not-running.stale", ["socket": socketPath])
                : messages.text("pcscd-not-running.found", ["socket": socketPath]),
            why: Self.noCardsWhy,
            fix: messages.text("pcscd-not-running.fix"),
            details: details)
    }

    private func accessDenied(_ details: [String: String], polkit: Bool) -> Finding {
        .problem(
            Self.name, "pcsc-access-denied",
            found: polkit
                ? messages.text("pcsc-access-denied.polkit")
                : messages.text("pcsc-access-denied.found", ["socket": socketPath]),
            why: messages.text("pcsc-access-denied.why"),
            fix: polkit
                ? messages.text("pcsc-access-denied.polkit-fix")
                : messages.text("pcsc-access-denied.fix"),
            details: details)
    }

    static let noCardsWhy = messages.text("pcscd-no-cards.why")
}
