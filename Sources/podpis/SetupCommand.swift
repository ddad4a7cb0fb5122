import ArgumentParser
import Foundation
import Inventory
import Localization
import PKCS11
import Setup
#if canImport(Glibc)
import Glibc
#endif

/// `podpis setup`: a desk or a sealing server set up as docs/deployment.md
/// describes, by one command.
struct SetupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "setup",
        abstract: "Instalacja stanowiska lub serwera pieczęci / set up a desk or a sealing server.",
        discussion: """
            Writes podpisd.toml (checked as podpisd --check-config checks it, before it is written; a different file \
            is kept as podpisd.toml.bak-YYYYmmdd-HHMMSS), the browsers' policies (desk) or the unit's drop-in (sealing \
            server), enables the unit (never starts it), then runs the doctor and says what is left to do. \
            Asks on the terminal, or reads every answer from --answers FILE (TOML; docs/setup-desk.answers.toml, \
            docs/setup-sealing-server.answers.toml). A second run with the same answers changes nothing. \
            Never asks for a PIN. JSON: docs/cli-json.md (podpis.setup/1).
            """,
        subcommands: [SetupDeskCommand.self, SetupSealingServerCommand.self])
}

/// What both setups share.
struct SetupOptions: ParsableArguments {
    @Option(name: .long, help: "The answers, TOML (for mass roll-out); without it the questions are asked on the terminal.")
    var answers: String?

    @Option(name: .long, help: "Install under this directory instead of / (tests, image building).")
    var root = "/"

    @Flag(name: .customLong("dry-run"), help: "Say what would change; write nothing.")
    var dryRun = false

    @Flag(name: .long, help: "Print JSON (schema podpis.setup/1) instead of the summary.")
    var json = false

    @Flag(name: .customLong("test-login"), help: "Log in to the token once with its PIN (asked, never stored) before writing anything.")
    var testLogin = false

    @Option(name: .customLong("pin-fd"), help: "With --test-login: read the PIN from this file descriptor (scripts and tests).")
    var pinFD: Int32?

    var prompter: Prompter { Prompter(interactive: answers == nil && Prompter.standardInputIsTerminal) }

    func finish(_ report: SetupReport) throws {
        if json {
            try printJSON(report)
        } else {
            print(report.text(in: Language.current))
        }
    }

    /// C_Login and C_Logout once on the token `serial` (its label or serial
    /// number; nil: the module's token for signatures),
    /// with the PIN read as every PIN of podpis is (PINReader), wiped at once.
    func testLogin(module: ModuleChoice, token serial: String?) throws -> SetupReport.TestLogin {
        let set = ModuleSet.load(paths: module.path.map { [$0] } ?? [], includeRegistered: module.path == nil)
        do {
            if let failed = set.problems.first(where: \.requested) {
                throw CommandFailure(code: failed.code, name: failed.error, message: .init(pl: failed.message, en: failed.message), exitCode: PodpisExit.moduleFailed)
            }
            let token: Token
            if let serial {
                token = try set.modules.token(named: serial)
            } else {
                // A card with several PINs shows a token per PIN (OpenSC: "… (User PIN)",
                // "… (User PIN (sig))"): the one for signatures is the one to test.
                let tokens = set.modules.flatMap { (try? $0.tokens()) ?? [] }
                let signing = ["sig", "podpis", "kwalifik", "qualified"]
                guard let found = tokens.first(where: { token in signing.contains { token.info.label.lowercased().contains($0) } }) ?? tokens.first
                else { throw SetupError.noToken() }
                token = found
            }
            let session = try token.slot.openSession()
            let pin = try PINReader.read(for: token, fd: pinFD, purpose: "podpis setup --test-login")
            defer { pin?.wipe() }
            try session.login(pin: pin)
            // The login is what was tested. Some cards refuse C_Logout (OpenSC's
            // OpenPGP driver resets the PIN state with a VERIFY the card may not
            // know); closing the session, below, ends the login all the same.
            var logout: String?
            do { try session.logout() } catch { logout = error.name }
            return SetupReport.TestLogin(token: token.info.label, state: "ok", logoutError: logout)
        } catch let error as SetupError {
            throw fail(error)
        } catch let failure as CommandFailure {
            throw failure.report(json: json)
        } catch {
            throw CommandFailure(error).report(json: json)
        }
    }

    func fail(_ error: SetupError) -> ExitCode {
        CommandFailure(code: error.code, name: error.code, message: error.message, exitCode: PodpisExit.otherError).report(json: json)
    }
}

struct SetupDeskCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "desk",
        abstract: "Stanowisko urzędnika / a clerk's desk: EZD origins, the card's module, TSAs, browser policy, the user service.",
        discussion: """
            As root: /etc/podpis/podpisd.toml, the browsers' managed policies and the user unit enabled for every user \
            (systemctl --global enable). As another user, or with --user: ~/.config/podpis/podpisd.toml and \
            systemctl --user enable; the browser policy is left to root.
            """)

    @OptionGroup var common: SetupOptions

    @Flag(name: .long, help: "For the user running it: ~/.config/podpis/podpisd.toml and systemctl --user.")
    var user = false

    @Option(name: .long, help: "EZD origins, comma-separated (question 1).")
    var origins: String?

    @Option(name: .long, help: "auto, registered or the path of the card's PKCS#11 module (question 2).")
    var module: String?

    @Option(name: .customLong("tsa"), help: "Time-stamping URLs, comma-separated (question 3).")
    var tsa: String?

    @Flag(name: .customLong("browser-policy"), inversion: .prefixedNo, help: "Write the browsers' Local Network Access policy (question 4).")
    var browserPolicy: Bool?

    func run() throws {
        signal(SIGPIPE, SIG_IGN)
        var options = DeskSetup.Options()
        options.root = InstallRoot(common.root)
        options.dryRun = common.dryRun
        options.user = user || (geteuid() != 0 && common.root == "/")
        options.answersFile = common.answers
        options.origins = origins.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
        options.module = module
        options.timestampURLs = tsa.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
        options.browserPolicy = browserPolicy
        options.testLogin = common.testLogin ? true : nil
        options.prompter = common.prompter
        var setup = DeskSetup(options: options)
        do {
            let answers = try setup.answers()
            var login: SetupReport.TestLogin?
            if answers.testLogin { login = try common.testLogin(module: answers.module, token: nil) }
            var report = try setup.apply(answers)
            report.testLogin = login
            setup.examine(&report)
            try common.finish(report)
        } catch let error as SetupError {
            throw common.fail(error)
        }
    }
}

struct SetupSealingServerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sealing-server",
        abstract: "Serwer pieczęci / a sealing server: module, seal certificate, profile, hot folder, PIN credential, system service.",
        discussion: """
            Writes /etc/podpis/podpisd.toml with a [seal.NAME] profile (pin_credential = "podpis-seal-pin") and \
            /etc/systemd/system/podpisd.service.d/podpis-setup.conf (LoadCredentialEncrypted=), makes the hot folder's \
            directories, enables podpisd.service. The PIN is never asked: the command that stores it is listed at the end.
            """)

    @OptionGroup var common: SetupOptions

    @Option(name: .long, help: "registered or the path of the HSM's PKCS#11 module.")
    var module: String?

    @Option(name: .long, help: "The seal certificate: 8+ hex digits of its SHA-256 (podpis certs, column ID).")
    var certificate: String?

    @Option(name: .long, help: "The seal profile's name (default pieczec).")
    var profile: String?

    func run() throws {
        signal(SIGPIPE, SIG_IGN)
        var options = SealingServerSetup.Options()
        options.root = InstallRoot(common.root)
        options.dryRun = common.dryRun
        options.answersFile = common.answers
        options.module = module
        options.certificate = certificate
        options.profile = profile
        options.testLogin = common.testLogin ? true : nil
        options.prompter = common.prompter
        let setup = SealingServerSetup(options: options)
        do {
            let answers = try setup.answers()
            var login: SetupReport.TestLogin?
            if answers.testLogin { login = try common.testLogin(module: answers.module, token: answers.token) }
            var report = try setup.apply(answers)
            report.testLogin = login
            setup.examine(&report)
            try common.finish(report)
        } catch let error as SetupError {
            throw common.fail(error)
        }
    }
}
