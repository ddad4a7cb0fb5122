import ArgumentParser
import Doctor
import Foundation
import Localization
#if canImport(Glibc)
import Glibc
#endif

/// `podpis doctor`: what is wrong with this desk, and how to fix it.
struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Diagnoza stanowiska podpisu / what is wrong with this signing desk, and how to fix it.",
        discussion: """
            Checks pcscd, the readers and cards, the PKCS#11 modules and their tokens, PIN state (read, \
            never entered), the certificates (validity, qualified, key usage, chain), the configuration, \
            podpisd and its socket, the TSA and the clock, the udev rule for USB tokens, and whether the \
            browsers' policies let the EZD pages reach podpisd (Local Network Access). Each check has \
            a time limit, so a hung card or module cannot hang the report. \
            Exit codes: 0 all ok; 1 warnings; 2 problems. JSON schema: docs/cli-json.md (podpis.doctor/1); \
            problem codes: docs/doctor.md.
            """)

    @Flag(name: .long, help: "Print JSON (schema podpis.doctor/1) instead of the readable report.")
    var json = false

    @Option(name: .long, help: "Only this reader (its PC/SC name, or a unique part of it).")
    var reader: String?

    @Option(name: .long, help: "Only this token (label or serial number).")
    var token: String?

    @Option(name: .long, help: "podpisd.toml to check and use (default: the daemon's own files).")
    var config: String?

    @Flag(name: .long, help: "The system service: /etc/podpis/podpisd.toml and /run/podpis/podpisd.sock.")
    var system = false

    @Option(name: .customLong("module"), help: "Also check this PKCS#11 module (by path); repeatable.")
    var modulePaths: [String] = []

    @Flag(name: .customLong("no-registered"), help: "Leave out the modules registered with p11-kit.")
    var noRegistered = false

    @Option(name: .customLong("tsa"), help: "Check this TSA instead of the configured ones; repeatable.")
    var tsaURLs: [String] = []

    @Option(name: .customLong("chain-file"), help: "PEM file with intermediate and root certificates for the chain check; repeatable.")
    var chainFiles: [String] = []

    @Option(name: .long, help: "podpisd's Unix socket (default: from the configuration).")
    var socket: String?

    @Option(name: .customLong("time-limit"), help: "Seconds each check may take (default: 5 for PC/SC and podpisd, 10 for modules, tokens and TSAs).")
    var timeLimit: Double?

    func validate() throws {
        if let timeLimit, !(timeLimit > 0 && timeLimit <= 600) {
            throw ValidationError("--time-limit must be between 0 and 600 seconds")
        }
    }

    func run() throws {
        signal(SIGPIPE, SIG_IGN)
        var options = DoctorOptions()
        options.configFiles = config.map { [$0] }
        options.system = system
        options.modulePaths = modulePaths
        options.includeRegistered = noRegistered ? false : nil
        options.timeStampURLs = tsaURLs.isEmpty ? nil : tsaURLs
        options.chainFiles = chainFiles
        options.reader = reader
        options.token = token
        options.socketPath = socket
        if let timeLimit { options.limits = TimeLimits(uniform: timeLimit) }
        let report = Doctor.examine(options)
        let language = Language.current
        if json {
            let data = try JSONEncoder.podpis.encode(report.json(in: language))
            print(String(decoding: data, as: UTF8.self))
        } else {
            print(report.text(in: language))
        }
        // Threads may still be blocked in a card or module call that timed out:
        // end now, without running library destructors that could wait for them.
        fflush(nil)
        _exit(report.exitCode)
    }
}
