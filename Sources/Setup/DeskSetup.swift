import DaemonConfiguration
import Doctor
import Foundation
import Localization

/// `podpis setup desk`: a clerk's desk as docs/deployment.md ("A clerk's
/// desk") sets it up by hand: podpisd.toml with the EZD origins, the card's
/// module and the TSAs; the browsers' Local Network Access policy; the user
/// unit enabled for every user (or for oneself). Then the doctor.
public struct DeskSetup {
    public static let answerKeys: Set<String> = ["origins", "module", "timestamp_urls", "browser_policy", "enable_unit", "test_login"]

    public struct Options {
        public var root = InstallRoot("/")
        public var dryRun = false
        /// For oneself: ~/.config/podpis/podpisd.toml and `systemctl --user`.
        public var user = false
        public var home = ProcessInfo.processInfo.environment["HOME"] ?? "/root"
        public var answersFile: String?
        public var origins: [String]?
        public var module: String?
        public var timestampURLs: [String]?
        public var browserPolicy: Bool?
        public var enableUnit: Bool?
        public var testLogin: Bool?
        public var prompter = Prompter(interactive: false)
        public var now = Date()
        public var environment = ProcessInfo.processInfo.environment

        public init() {}
    }

    /// The answers once asked, read and checked.
    public struct Answers: Sendable, Equatable {
        public var origins: [String]
        public var module: ModuleChoice
        public var timestampURLs: [String]
        public var browserPolicy: Bool
        public var enableUnit: Bool
        public var testLogin: Bool

        public init(origins: [String], module: ModuleChoice, timestampURLs: [String], browserPolicy: Bool, enableUnit: Bool, testLogin: Bool) {
            self.origins = origins
            self.module = module
            self.timestampURLs = timestampURLs
            self.browserPolicy = browserPolicy
            self.enableUnit = enableUnit
            self.testLogin = testLogin
        }
    }

    public var options: Options
    /// Whether a card was seen in a reader while detecting the module.
    private var cardSeen: Bool?

    public init(options: Options) {
        self.options = options
    }

    /// The configuration file written, on the installed system.
    public var configurationPath: String {
        options.user ? options.home + "/.config/podpis/podpisd.toml" : "/etc/podpis/podpisd.toml"
    }

    /// The installer: for oneself the home directory is not under `--root`.
    private var installer: Installer {
        Installer(root: options.user ? InstallRoot("/") : options.root, dryRun: options.dryRun, now: options.now)
    }

    /// Asks, reads and checks every answer; nothing is written.
    public mutating func answers() throws(SetupError) -> Answers {
        let file = try options.answersFile.map { (f: String) throws(SetupError) -> AnswersFile in try AnswersFile(file: f, known: Self.answerKeys) }
        let prompter = options.answersFile == nil ? options.prompter : Prompter(interactive: false)
        func value<T>(_ flag: T?, _ fromFile: T?, default fallback: T, ask: () throws(SetupError) -> T) throws(SetupError) -> T {
            if let flag { return flag }
            if let fromFile { return fromFile }
            if file != nil { return fallback }
            return try ask()
        }

        let rawOrigins = try value(options.origins, file?.strings("origins"), default: []) { () throws(SetupError) -> [String] in
            AnswerText.list(try prompter.ask(messages.text("question.origins").description, default: "-"))
        }
        var origins: [String] = []
        for raw in rawOrigins {
            guard let origin = WebOrigin(raw) else { throw .originInvalid(raw) }
            if !origins.contains(origin.text) { origins.append(origin.text) }
        }

        let moduleText = try value(options.module, file?.string("module"), default: "auto") { () throws(SetupError) -> String in
            let detected = detect()
            return try prompter.ask(messages.text("question.module").description, default: detected.text)
        }
        let module: ModuleChoice
        if moduleText.trimmingCharacters(in: .whitespaces).lowercased() == "auto" {
            module = detect()
        } else {
            module = try ModuleChoice.parse(moduleText, root: options.root)
        }

        let urls = try value(options.timestampURLs, file?.strings("timestamp_urls"), default: []) { () throws(SetupError) -> [String] in
            AnswerText.list(try prompter.ask(messages.text("question.timestamp").description, default: "-"))
        }

        let remote = origins.contains { !BrowserPolicyFiles.isLoopback($0) }
        let browserPolicy = try value(options.browserPolicy, file?.bool("browser_policy"), default: remote) { () throws(SetupError) -> Bool in
            guard remote else { return false }
            return try yesNo(prompter, messages.text("question.browser-policy").description, default: true)
        }
        let enableUnit = try value(options.enableUnit, file?.bool("enable_unit"), default: true) { () throws(SetupError) -> Bool in
            try yesNo(prompter, messages.text("question.enable-unit").description, default: true)
        }
        let testLogin = try value(options.testLogin, file?.bool("test_login"), default: false) { false }
        return Answers(
            origins: origins, module: module, timestampURLs: urls, browserPolicy: browserPolicy, enableUnit: enableUnit, testLogin: testLogin)
    }

    /// The module the doctor would pick for the card in the reader.
    private mutating func detect() -> ModuleChoice {
        let found = ModuleChoice.detect(in: Doctor.examine(ModuleChoice.registered.doctorOptions(root: options.root, environment: options.environment)))
        cardSeen = found.card
        return found.choice
    }

    /// The configuration text for `answers`, on top of what the file holds now.
    public func configuration(for answers: Answers, existing: String?) -> (text: String, merge: ConfigurationText.Merge) {
        var settings: [ConfigurationText.Setting] = [.init(["server"], "allowed_origins", answers.origins)]
        settings += answers.module.settings
        settings.append(.init(["timestamp"], "urls", answers.timestampURLs))
        return ConfigurationText.render(existing: existing, settings: settings, command: "setup desk")
    }

    /// Does everything the answers say; returns the report (the doctor not yet run).
    public func apply(_ answers: Answers) throws(SetupError) -> SetupReport {
        let installer = self.installer
        let enabler = UnitEnabler(
            root: options.root, scope: options.user ? .user(home: options.home) : .global, dryRun: options.dryRun)
        if answers.enableUnit { _ = try enabler.unitFile() }  // before anything is written

        let existing = try installer.read(configurationPath).map { String(decoding: $0, as: UTF8.self) }
        let (text, merge) = configuration(for: answers, existing: existing)
        let problems = try ConfigurationText.errors(in: text, environment: options.environment)
        guard problems.isEmpty else { throw .configurationInvalid(problems.map(\.description).joined(separator: "; ")) }

        var report = SetupReport(
            command: "desk", root: options.root.path, dryRun: options.dryRun, configuration: configurationPath, merge: existing == nil ? .new : merge)
        report.changes.append(try installer.install(Array(text.utf8), at: configurationPath, kind: "config"))

        if answers.browserPolicy {
            if options.user {
                report.leave("browser-policy", messages.text("left.browser-policy", ["origins": answers.origins.joined(separator: ", ")]))
            } else {
                let plan = BrowserPolicyFiles.plan(origins: answers.origins, root: options.root.prefix)
                for file in plan.files {
                    var change = try installer.install(file.contents, at: file.path, kind: "browser-policy")
                    change.note = file.browser
                    report.changes.append(change)
                }
                for skipped in plan.skipped {
                    report.leave("browser-policy", messages.text("left.browser-policy-unreadable", ["file": skipped.path, "reason": skipped.reason]))
                }
                if plan.browsersPresent == 0 {
                    report.leave("browser-policy", messages.text("left.no-browser"))
                }
            }
        }
        if answers.enableUnit {
            let change = try enabler.enable()
            report.changes.append(change)
            if change.state == "enabled" || change.state == "would-enable" {
                report.leave("relogin", messages.text("left.relogin"))
            }
        }
        if cardSeen == false {
            report.leave("insert-card", messages.text("left.insert-card"))
        }
        return report
    }

    /// The doctor on what was written (podpisd.toml and the root's browser policies).
    public func examine(_ report: inout SetupReport) {
        guard !options.dryRun else { return }
        var doctor = DoctorOptions()
        doctor.configFiles = [installer.root.real(configurationPath)]
        doctor.browserPolicyRoot = options.root.prefix
        doctor.environment = options.environment
        let result = Doctor.examine(doctor)
        report.add(doctor: result)
        if !result.readers.contains(where: { $0.card != nil }) {
            report.leave("insert-card", messages.text("left.insert-card"))
        }
    }
}

func yesNo(_ prompter: Prompter, _ question: String, default answer: Bool) throws(SetupError) -> Bool {
    while true {
        let text = try prompter.ask(question, default: answer ? "t/y" : "n")
        if text == "t/y" { return true }
        if let value = AnswerText.yesNo(text) { return value }
    }
}
