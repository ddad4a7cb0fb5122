import ArgumentParser
import Localization

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
            64 wrong usage. podpis doctor: 0 all ok, 1 warnings, 2 problems.
            """,
        version: PodpisVersion.string,
        subcommands: [Readers.self, Tokens.self, Certs.self, Sign.self, Seal.self, Agent.self, Origins.self, Audit.self, DoctorCommand.self])
}
