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
                found: ClerkText(
                    pl: "podpisd nie działa: nie ma jego gniazda (\(candidates.joined(separator: ", "))).",
                    en: "podpisd is not running: its socket is not there (\(candidates.joined(separator: ", ")))."),
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
            return .problem(
                Self.name, "daemon-socket-not-a-socket",
                found: ClerkText(pl: "\(path) istnieje, ale nie jest gniazdem.", en: "\(path) exists but is not a socket."),
                why: ClerkText(pl: "podpisd nie może tam nasłuchiwać, a klienci nie mogą się połączyć.", en: "podpisd cannot listen there and clients cannot connect."),
                fix: ClerkText(pl: "Usuń lub przenieś ten plik i uruchom podpisd ponownie.", en: "Remove or move that file and restart podpisd."),
                details: details)
        }
        var wrong: [ClerkText] = []
        if mode & 0o007 != 0 {
            wrong.append(ClerkText(
                pl: "dostęp mają wszyscy użytkownicy komputera (\(String(format: "%04o", mode)))",
                en: "every user of the computer has access (\(String(format: "%04o", mode)))"))
        } else if mode != expected {
            wrong.append(ClerkText(
                pl: "tryb \(String(format: "%04o", mode)) zamiast \(String(format: "%04o", expected)) z konfiguracji",
                en: "mode \(String(format: "%04o", mode)) instead of the configured \(String(format: "%04o", expected))"))
        }
        let group = configuration.server.socketGroup
        if !group.isEmpty {
            if let entry = getgrnam(group), entry.pointee.gr_gid != status.st_gid {
                details["expectedGroup"] = group
                wrong.append(ClerkText(
                    pl: "grupa \(Self.groupName(status.st_gid)) zamiast \(group)", en: "group \(Self.groupName(status.st_gid)) instead of \(group)"))
            }
        }
        guard !wrong.isEmpty else { return nil }
        return .problem(
            Self.name, "daemon-socket-permissions",
            found: ClerkText(
                pl: "Gniazdo podpisd \(path) ma złe uprawnienia: \(wrong.map(\.pl).joined(separator: "; ")).",
                en: "podpisd's socket \(path) has wrong permissions: \(wrong.map(\.en).joined(separator: "; "))."),
            why: ClerkText(
                pl: "Przez to gniazdo zleca się podpisy; dostęp musi mieć tylko urzędnik (lub grupa serwera pieczęci), nie każdy użytkownik i program na komputerze.",
                en: "Signatures are requested through this socket; only the clerk (or the sealing server's group) may reach it, not every user and program on the computer."),
            fix: ClerkText(
                pl: "Uruchom podpisd ponownie (ustawia tryb \(String(format: "%04o", expected)) z socket_mode); nie zmieniaj uprawnień gniazda ręcznie. Dla serwera pieczęci: socket_mode = \"0660\" i socket_group = \"podpis\".",
                en: "Restart podpisd (it sets mode \(String(format: "%04o", expected)) from socket_mode); do not change the socket's permissions by hand. For a sealing server: socket_mode = \"0660\" and socket_group = \"podpis\"."),
            details: details)
    }

    /// Connects and asks GET /v1/status, under the time limit.
    private func answer(_ path: String) -> Finding {
        let result = TimeLimited.run(limit, name: "podpisd-status") { UnixSocket.get(path: path, "/v1/status") }
        switch result {
        case .timedOut(let seconds):
            return Finding.timeout(
                Self.name, component: ClerkText(pl: "podpisd (\(path), GET /v1/status)", en: "podpisd (\(path), GET /v1/status)"),
                seconds: seconds,
                fix: ClerkText(
                    pl: "Uruchom podpisd ponownie (systemctl --user restart podpisd albo sudo systemctl restart podpisd); jeśli wisi na karcie, wyjmij kartę.",
                    en: "Restart podpisd (systemctl --user restart podpisd, or sudo systemctl restart podpisd); if it hangs on a card, remove the card."))
        case .finished(.failure(let error), let seconds):
            if error.errno == EACCES || error.errno == EPERM {
                return denied(path, reason: error.name).timed(seconds)
            }
            return Finding.warning(
                Self.name, "daemon-not-running",
                found: ClerkText(
                    pl: "podpisd nie działa: gniazdo \(path) zostało, ale nikt go nie obsługuje (\(error.name)).",
                    en: "podpisd is not running: its socket \(path) is left over, but nobody serves it (\(error.name))."),
                why: Self.notRunningWhy, fix: Self.startFix, details: ["socket": path, "errno": error.name]).timed(seconds)
        case .finished(.success(let (status, body)), let seconds):
            if status == 403 {
                return denied(path, reason: "403 peer-not-allowed").timed(seconds)
            }
            guard status == 200, let json = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
                return Finding.problem(
                    Self.name, "daemon-bad-answer",
                    found: ClerkText(
                        pl: "podpisd na \(path) odpowiada na GET /v1/status kodem HTTP \(status).",
                        en: "podpisd at \(path) answers GET /v1/status with HTTP \(status)."),
                    why: ClerkText(pl: "Aplikacje nie dostaną od niego podpisu.", en: "Applications will not get signatures from it."),
                    fix: ClerkText(
                        pl: "Sprawdź, czy pod tą ścieżką działa podpisd (a nie inny program), i uruchom go ponownie; dziennik: journalctl --user -u podpisd.",
                        en: "Check that podpisd (and not another program) runs at that path, and restart it; log: journalctl --user -u podpisd."),
                    details: ["socket": path, "http": String(status)]).timed(seconds)
            }
            let version = json["version"] as? String ?? "?"
            let tokens = (json["tokens"] as? Int).map(String.init) ?? "?"
            let agents = (json["agents"] as? Int).map(String.init) ?? "?"
            return Finding.ok(
                Self.name, "daemon-running",
                ClerkText(
                    pl: "podpisd \(version) odpowiada na \(path) (tokeny: \(tokens), agenci PIN: \(agents)).",
                    en: "podpisd \(version) answers on \(path) (tokens: \(tokens), PIN agents: \(agents))."),
                details: ["socket": path, "version": version, "tokens": tokens, "agents": agents]).timed(seconds)
        }
    }

    private func denied(_ path: String, reason: String) -> Finding {
        .problem(
            Self.name, "daemon-socket-denied",
            found: ClerkText(
                pl: "Ten użytkownik nie może połączyć się z podpisd przez \(path) (\(reason)).",
                en: "This user cannot connect to podpisd through \(path) (\(reason))."),
            why: ClerkText(pl: "Aplikacje tego użytkownika nie mogą zlecać podpisów.", en: "This user's applications cannot request signatures."),
            fix: ClerkText(
                pl: "Na stanowisku urzędnika uruchom podpisd jako ten użytkownik (systemctl --user enable --now podpisd); na serwerze pieczęci dodaj użytkownika do grupy gniazda: sudo usermod -aG podpis UŻYTKOWNIK.",
                en: "On a clerk's desk run podpisd as this user (systemctl --user enable --now podpisd); on a sealing server add the user to the socket's group: sudo usermod -aG podpis USER."),
            details: ["socket": path, "reason": reason])
    }

    static let notRunningWhy = ClerkText(
        pl: "Bez podpisd aplikacje (EZD, przeglądarka) nie mogą zlecać podpisów; wiersz poleceń podpis nadal działa.",
        en: "Without podpisd applications (EZD, the browser) cannot request signatures; the podpis command line still works.")

    static let startFix = ClerkText(
        pl: "Uruchom go: systemctl --user enable --now podpisd (stanowisko) albo sudo systemctl enable --now podpisd (serwer pieczęci); zobacz docs/deployment.md.",
        en: "Start it: systemctl --user enable --now podpisd (a desk) or sudo systemctl enable --now podpisd (a sealing server); see docs/deployment.md.")

    static func userName(_ uid: uid_t) -> String {
        guard let entry = getpwuid(uid), let name = entry.pointee.pw_name else { return String(uid) }
        return String(cString: name)
    }

    static func groupName(_ gid: gid_t) -> String {
        guard let entry = getgrgid(gid), let name = entry.pointee.gr_name else { return String(gid) }
        return String(cString: name)
    }
}
