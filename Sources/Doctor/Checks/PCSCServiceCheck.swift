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
        let result = TimeLimited.run(limit, name: "pcscd-context") { () -> PCSCError? in
            do throws(PCSCError) {
                _ = try PCSCContext()
                return nil
            } catch {
                return error
            }
        }
        let details = ["socket": socketPath]
        switch result {
        case .timedOut(let seconds):
            return ([Finding.timeout(
                Self.name, component: ClerkText(pl: "Usługa kart pcscd (\(socketPath))", en: "The pcscd smart card service (\(socketPath))"),
                seconds: seconds,
                fix: ClerkText(
                    pl: "Uruchom pcscd ponownie: sudo systemctl restart pcscd. Jeśli to nie pomoże, odłącz czytniki i sprawdź dziennik: journalctl -u pcscd.",
                    en: "Restart pcscd: sudo systemctl restart pcscd. If that does not help, unplug the readers and read its log: journalctl -u pcscd."))],
                false)
        case .finished(nil, let seconds):
            var found = ClerkText(
                pl: "pcscd działa i odpowiada na gnieździe \(socketPath).",
                en: "pcscd is running and answers on its socket \(socketPath).")
            if let binary = installedBinary {
                found = ClerkText(pl: found.pl + " Program: \(binary).", en: found.en + " Program: \(binary).")
            }
            return ([Finding.ok(Self.name, "pcscd-running", found, details: details).timed(seconds)], true)
        case .finished(let error?, let seconds):
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
                found: ClerkText(
                    pl: "pcscd odpowiada błędem \(error.name) (\(error.message.withoutDoctorAdvice.pl))",
                    en: "pcscd answers with error \(error.name) (\(error.message.withoutDoctorAdvice.en))"),
                why: Self.noCardsWhy,
                fix: ClerkText(
                    pl: "Uruchom pcscd ponownie: sudo systemctl restart pcscd; jeśli błąd wraca, zajrzyj do: journalctl -u pcscd.",
                    en: "Restart pcscd: sudo systemctl restart pcscd; if the error comes back, read: journalctl -u pcscd."),
                details: details)
        }
        var status = stat()
        if stat(socketPath, &status) != 0 {
            if errno == EACCES { return accessDenied(details, polkit: false) }
            if installedBinary == nil {
                return .problem(
                    Self.name, "pcscd-not-installed",
                    found: ClerkText(
                        pl: "Usługa kart pcscd nie jest zainstalowana (brak programu pcscd i gniazda \(socketPath)).",
                        en: "The pcscd smart card service is not installed (no pcscd program and no socket \(socketPath))."),
                    why: Self.noCardsWhy,
                    fix: ClerkText(
                        pl: "Zainstaluj ją: sudo apt install pcscd libccid, potem: sudo systemctl enable --now pcscd.socket.",
                        en: "Install it: sudo apt install pcscd libccid, then: sudo systemctl enable --now pcscd.socket."),
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
                found: ClerkText(
                    pl: "Gniazdo pcscd \(socketPath) przyjmuje połączenie, ale usługa nie odpowiada na zapytania PC/SC (\(error.name)).",
                    en: "pcscd's socket \(socketPath) accepts a connection, but the service does not answer PC/SC requests (\(error.name))."),
                why: Self.noCardsWhy,
                fix: ClerkText(
                    pl: "Uruchom pcscd ponownie: sudo systemctl restart pcscd. Tak samo zachowuje się biblioteka libpcsclite1 w innej wersji niż pcscd: sudo apt install --reinstall pcscd libpcsclite1.",
                    en: "Restart pcscd: sudo systemctl restart pcscd. A libpcsclite1 of another version than pcscd behaves the same: sudo apt install --reinstall pcscd libpcsclite1."),
                details: details)
        }
    }

    private func notRunning(_ details: [String: String], stale: Bool) -> Finding {
        .problem(
            Self.name, "pcscd-not-running",
            found: stale
                ? ClerkText(
                    pl: "Usługa kart pcscd nie działa (gniazdo \(socketPath) zostało po niej, ale nikt go nie obsługuje).",
                    en: "The pcscd smart card service is not running (its socket \(socketPath) is left over, but nobody serves it).")
                : ClerkText(
                    pl: "Usługa kart pcscd nie działa (brak gniazda \(socketPath)).",
                    en: "The pcscd smart card service is not running (no socket \(socketPath))."),
            why: Self.noCardsWhy,
            fix: ClerkText(
                pl: "Uruchom ją: sudo systemctl enable --now pcscd.socket (albo sudo systemctl start pcscd); stan: systemctl status pcscd.",
                en: "Start it: sudo systemctl enable --now pcscd.socket (or sudo systemctl start pcscd); status: systemctl status pcscd."),
            details: details)
    }

    private func accessDenied(_ details: [String: String], polkit: Bool) -> Finding {
        .problem(
            Self.name, "pcsc-access-denied",
            found: polkit
                ? ClerkText(
                    pl: "pcscd odmawia dostępu temu użytkownikowi (polkit: SCARD_E_NO_ACCESS).",
                    en: "pcscd refuses this user (polkit: SCARD_E_NO_ACCESS).")
                : ClerkText(
                    pl: "Ten użytkownik nie ma prawa otworzyć gniazda pcscd \(socketPath) (uprawnienia plików).",
                    en: "This user may not open pcscd's socket \(socketPath) (file permissions)."),
            why: ClerkText(
                pl: "Bez dostępu do pcscd program nie widzi czytników ani kart tego użytkownika.",
                en: "Without access to pcscd the program sees no readers or cards for this user."),
            fix: polkit
                ? ClerkText(
                    pl: "Zezwól użytkownikowi w polkit na org.debian.pcsc-lite.access_pcsc i access_card (reguła w /etc/polkit-1/rules.d/) albo pracuj w aktywnej sesji lokalnej (nie przez SSH).",
                    en: "Allow the user org.debian.pcsc-lite.access_pcsc and access_card in polkit (a rule in /etc/polkit-1/rules.d/), or work in the active local session (not over SSH).")
                : ClerkText(
                    pl: "Przywróć uprawnienia: gniazdo i katalog /run/pcscd muszą być dostępne dla wszystkich (sudo systemctl restart pcscd.socket odtwarza je).",
                    en: "Restore the permissions: the socket and the /run/pcscd directory must be open to all users (sudo systemctl restart pcscd.socket recreates them)."),
            details: details)
    }

    static let noCardsWhy = ClerkText(
        pl: "Bez pcscd żaden program nie widzi czytników ani kart: nie da się podpisać kartą.",
        en: "Without pcscd no program sees readers or cards: nothing can be signed with a card.")
}
