import ArgumentParser
import Foundation
import Localization
import PKCS11

@main
struct Podpis: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "podpis",
        abstract: "Podpis: stanowisko podpisu kwalifikowanego / qualified signing station.",
        discussion: """
            Lists readers, cards, tokens and certificates for qualified signatures and seals.

            Exit codes: 0 ok; 1 other error; 3 pcscd not running; 4 no readers; \
            5 a PKCS#11 module named with --module failed to load; 6 token not found or removed; \
            7 certificate not found; 8 PIN problem; 9 output exists (never overwritten); \
            10 bad input document or signature; 11 time-stamping failed; 12 podpis seal: some documents failed; \
            64 wrong usage; 128+N stopped by signal N at a PIN prompt (130 Ctrl-C, 143 SIGTERM). \
            podpis doctor: 0 all ok, 1 warnings, 2 problems.
            """,
        version: PodpisVersion.string,
        subcommands: [Readers.self, Tokens.self, Certs.self, Sign.self, Seal.self, Verify.self, Extend.self, TrustedListsCommand.self, Agent.self, Origins.self, Audit.self, DoctorCommand.self, SetupCommand.self])

    /// ArgumentParser's own main, but the process ends with `ProcessEnd`:
    /// after the command's work is done and its outputs written, the loaded
    /// PKCS#11 modules' exit-time destructors are not run (they can hang).
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            ProcessEnd.now(0)
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if !message.isEmpty {
                if code == .success {
                    print(message)
                } else {
                    FileHandle.standardError.write(Data((message + "\n").utf8))
                }
            }
            ProcessEnd.now(code.rawValue)
        }
    }
}
