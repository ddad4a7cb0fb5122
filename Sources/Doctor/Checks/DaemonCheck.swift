import DaemonConfiguration
import Foundation
import Localization
#if canImport(Glibc)
import Glibc
#endif

/// podpisd: its Unix socket there, with the permissions the configuration
/// asks for (never open to everybody), reachable by this user, and the
/// daemon answering `GET /v1/status` on it.
struct DaemonCheck {
    static let name = "daemon"
    let configuration: DaemonConfiguration
    let system: Bool
    let socketOverride: String?
    let environment: [String: String]
    let limit: Double

    /// The sockets to look at, most likely first: the one configured (or
    /// given), else the user daemon's and the system service's.
    var candidates: [String] {
        if let socketOverride { return [socketOverride] }
        if !configuration.server.socket.isEmpty { return [configuration.server.socket] }
        let user = configuration.socketPath(system: false, environment: environment)
        let systemSocket = configuration.socketPath(system: true, environment: environment)
        return system ? [systemSocket] : [user, systemSocket]
    }

    func run() -> [Finding] {
        var status = stat()
        guard let path = candidates.first(where: { lstat($0, &status) == 0 }) else {
            return [.warning(
                Self.name, "daemon-not-running",
                found: messages.text("daemon-not-running.found", ["sockets": candidates.joined(separator: ", ")]),
                why: Self.notRunningWhy, fix: Self.startFix, details: ["sockets": candidates.joined(separator: " ")])]
        }
        var findings: [Finding] = []
        if let permissions = permissions(path, status) { findings.append(permissions) }
        findings.append(answer(path))
        return findings
    }

    /// The socket's type, mode and group against the configuration.
    private func permissions(_ path: String, _ status: stat) -> Finding? {
        let mode = UInt16(status.st_mode & 0o7777)
        let expected = configuration.server.socketMode
        var details = [
            "socket": path, "mode": String(format: "%04o", mode), "expectedMode": String(format: "%04o", expected),
            "owner": Self.userName(status.st_uid), "group": Self.groupName(status.st_gid),
        ]
        guard status.st_mode & S_IFMT == S_IFSOCK else {
            return .problem(Self.name, messages.finding("daemon-socket-not-a-socket", ["path": path]), details: details)
        }
        var wrong: [ClerkText] = []
        if mode & 0o007 != 0 {
            wrong.append(messages.text("daemon-socket-permissions.open-to-all", ["mode": String(format: "%04o", mode)]))
        } else if mode != expected {
            wrong.append(messages.text("daemon-socket-permissions.mode", ["mode": String(format: "%04o", mode), "expected": String(format: "%04o", expected)]))
        }
        let group = configuration.server.socketGroup
        if !group.isEmpty {
            if let entry = getgrnam(group), entry.pointee.gr_gid != status.st_gid {
                details["expectedGroup"] = group
                wrong.append(messages.text("daemon-socket-permissions.group", ["current": Self.groupName(status.st_gid), "group": group]))
            }
        }
        guard !wrong.isEmpty else { return nil }
        return .problem(Self.name, messages.finding("daemon-socket-permissions", ["path": path, "wrong": ClerkText.joined(wrong, separator: "; "), "expected": String(format: "%04o", expected)]), details: details)
    }

    /// Connects and asks GET /v1/status, under the time limit.
    private func answer(_ path: String) -> Finding {
        let result = TimeLimited.run(limit, name: "podpisd-status") { UnixSocket.get(path: path, "/v1/status") }
        switch result {
        case .timedOut(let seconds):
            return Finding.timeout(
                Self.name, component: messages.text("daemon.component", ["path": path]),
                seconds: seconds,
                fix: messages.text("daemon.hang-fix"))
        case .finished(.failure(let error), let seconds):
            if error.errno == EACCES || error.errno == EPERM {
                return denied(path, reason: error.name).timed(seconds)
            }
            return Finding.warning(
                Self.name, "daemon-not-running",
                found: messages.text("daemon-not-running.stale", ["path": path, "error": error.name]),
                why: Self.notRunningWhy, fix: Self.startFix, details: ["socket": path, "errno": error.name]).timed(seconds)
        case .finished(.success(let (status, body)), let seconds):
            if status == 403 {
                return denied(path, reason: "403 peer-not-allowed").timed(seconds)
            }
            guard status == 200, let json = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
                return Finding.problem(Self.name, messages.finding("daemon-bad-answer", ["path": path, "status": status]), details: ["socket": path, "http": String(status)]).timed(seconds)
            }
            let version = json["version"] as? String ?? "?"
            let tokens = (json["tokens"] as? Int).map(String.init) ?? "?"
            let agents = (json["agents"] as? Int).map(String.init) ?? "?"
            return Finding.ok(
                Self.name, "daemon-running",
                messages.text("daemon-running.found", ["version": version, "path": path, "tokens": tokens, "agents": agents]),
                details: ["socket": path, "version": version, "tokens": tokens, "agents": agents]).timed(seconds)
        }
    }

    private func denied(_ path: String, reason: String) -> Finding {
        .problem(Self.name, messages.finding("daemon-socket-denied", ["path": path, "reason": reason]), details: ["socket": path, "reason": reason])
    }

    static let notRunningWhy = messages.text("daemon-not-running.why")

    static let startFix = messages.text("daemon-not-running.fix")

    static func userName(_ uid: uid_t) -> String {
        guard let entry = getpwuid(uid), let name = entry.pointee.pw_name else { return String(uid) }
        return String(cString: name)
    }

    static func groupName(_ gid: gid_t) -> String {
        guard let entry = getgrgid(gid), let name = entry.pointee.gr_name else { return String(gid) }
        return String(cString: name)
    }
}
