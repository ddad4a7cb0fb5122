import DaemonConfiguration
import Doctor
import Foundation
import Localization
#if canImport(Glibc)
import Glibc
#endif

/// `podpis setup sealing-server`: docs/deployment.md "A sealing server" by
/// one command: /etc/podpis/podpisd.toml with a `[seal.NAME]` profile whose
/// PIN comes from the systemd credential `podpis-seal-pin`, the unit's
/// drop-in that loads it, the hot folder's directories, the system unit
/// enabled (never started). It never reads the PIN.
public struct SealingServerSetup {
    public static let answerKeys: Set<String> = [
        "module", "certificate", "profile", "xml", "other", "level", "sessions", "inbox", "outbox", "done", "failed",
        "timestamp_urls", "socket_group", "test_login",
    ]
    public static let credentialName = "podpis-seal-pin"
    public static let credentialFile = "/etc/credstore.encrypted/podpis-seal-pin"
    public static let dropIn = "/etc/systemd/system/podpisd.service.d/podpis-setup.conf"
    public static let configurationPath = "/etc/podpis/podpisd.toml"

    public struct Options {
        public var root = InstallRoot("/")
        public var dryRun = false
        public var answersFile: String?
        public var module: String?
        public var certificate: String?
        public var profile: String?
        public var testLogin: Bool?
        public var prompter = Prompter(interactive: false)
        public var now = Date()
        public var environment = ProcessInfo.processInfo.environment

        public init() {}
    }

    public struct Answers: Sendable, Equatable {
        public var module: ModuleChoice
        public var certificate: String
        public var profile: String
        public var xml: String
        public var other: String
        public var level: String
        public var sessions: Int
        /// inbox, outbox, done, failed; nil: no hot folder.
        public var hotFolder: [String]?
        public var timestampURLs: [String]
        public var socketGroup: String
        public var testLogin: Bool
        /// The serial number of the token holding the seal certificate (for `--test-login`).
        public var token: String? = nil

        public init(
            module: ModuleChoice, certificate: String, profile: String, xml: String, other: String, level: String, sessions: Int,
            hotFolder: [String]?, timestampURLs: [String], socketGroup: String, testLogin: Bool, token: String? = nil
        ) {
            self.module = module
            self.certificate = certificate
            self.profile = profile
            self.xml = xml
            self.other = other
            self.level = level
            self.sessions = sessions
            self.hotFolder = hotFolder
            self.timestampURLs = timestampURLs
            self.socketGroup = socketGroup
            self.testLogin = testLogin
            self.token = token
        }
    }

    public var options: Options

    public init(options: Options) {
        self.options = options
    }

    public func answers() throws(SetupError) -> Answers {
        let file = try options.answersFile.map { (f: String) throws(SetupError) -> AnswersFile in try AnswersFile(file: f, known: Self.answerKeys) }
        let prompter = options.answersFile == nil ? options.prompter : Prompter(interactive: false)
        func text(_ flag: String?, _ key: String, _ question: ClerkText, default fallback: String) throws(SetupError) -> String {
            if let flag { return flag }
            if let value = try file?.string(key) { return value }
            if file != nil { return fallback }
            return try prompter.ask(question.description, default: fallback)
        }

        let moduleText = try text(options.module, "module", messages.text("question.seal-module"), default: "registered")
        let module = try ModuleChoice.parse(moduleText, root: options.root)

        // The certificates the tokens show (public objects, no login), seal certificates first.
        let doctor = module.doctorOptions(root: options.root, environment: options.environment)
        let listed = Doctor.examine(doctor).tokens.flatMap { token in token.certificates.map { (token, $0) } }
            .sorted { ($0.1.qualifiedForSealing ? 0 : 1, $0.1.id) < ($1.1.qualifiedForSealing ? 0 : 1, $1.1.id) }
        let choices = listed.map { "\($0.1.id)  \($0.1.commonName ?? $0.1.subject)  [\($0.0.label)]\($0.1.qualifiedForSealing ? "  (seal)" : "")" }
        if options.certificate == nil, file == nil, prompter.interactive {
            FileHandle.standardOutput.write(Data((messages.text("question.certificates").description + "\n" + choices.map { "  " + $0 }.joined(separator: "\n") + "\n").utf8))
        }
        let certificate = try text(options.certificate, "certificate", messages.text("question.certificate"), default: listed.first?.1.id ?? "")
            .lowercased()
        guard certificate.count >= 8, certificate.count <= 64, certificate.allSatisfy(\.isHexDigit) else { throw .certificateInvalid(certificate) }
        guard let chosen = listed.first(where: { $0.1.id.hasPrefix(certificate) || certificate.hasPrefix($0.1.id) }) else {
            throw .certificateNotFound(certificate, choices.joined(separator: "; "))
        }

        let profile = try text(options.profile, "profile", messages.text("question.profile"), default: "pieczec")
        guard !profile.isEmpty, profile.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            throw .valueInvalid("profile", profile)
        }
        let xml = try text(nil, "xml", messages.text("question.xml"), default: "xades-enveloped")
        let other = try text(nil, "other", messages.text("question.other"), default: "cades-detached")
        let level = try text(nil, "level", messages.text("question.level"), default: "B-B")
        let sessionsText: String
        if let number = try file?.int("sessions") { sessionsText = String(number) } else {
            sessionsText = try text(nil, "sessions", messages.text("question.sessions"), default: "4")
        }
        guard let sessions = Int(sessionsText), sessions > 0 else { throw .valueInvalid("sessions", sessionsText) }

        var folders: [String] = []
        for key in ["inbox", "outbox", "done", "failed"] {
            let answer = try text(nil, key, messages.text("question.folder", ["folder": key]), default: "-")
            if answer != "-" && !answer.isEmpty { folders.append(answer) }
            if key == "inbox" && folders.isEmpty && file == nil { break }  // no hot folder: not asked further
        }
        guard folders.isEmpty || folders.count == 4 else { throw .hotFolderIncomplete() }
        for folder in folders where !folder.hasPrefix("/") { throw .valueInvalid("inbox/outbox/done/failed", folder) }

        let urls: [String]
        if let fromFile = try file?.strings("timestamp_urls") { urls = fromFile } else if file != nil { urls = [] } else {
            urls = AnswerText.list(try prompter.ask(messages.text("question.timestamp").description, default: "-"))
        }
        let group = try text(nil, "socket_group", messages.text("question.socket-group"), default: "podpis")
        let testLoginAnswer = try file?.bool("test_login")
        let testLogin = options.testLogin ?? testLoginAnswer ?? false
        return Answers(
            module: module, certificate: certificate, profile: profile, xml: xml, other: other, level: level, sessions: sessions,
            hotFolder: folders.isEmpty ? nil : folders, timestampURLs: urls, socketGroup: group, testLogin: testLogin,
            token: chosen.0.serialNumber)
    }

    public func configuration(for answers: Answers, existing: String?) -> (text: String, merge: ConfigurationText.Merge) {
        var settings: [ConfigurationText.Setting] = [
            .init(["server"], "socket_mode", "0660"),
            .init(["server"], "socket_group", answers.socketGroup),
        ]
        settings += answers.module.settings
        settings.append(.init(["timestamp"], "urls", answers.timestampURLs))
        let seal = ["seal", answers.profile]
        settings += [
            .init(seal, "certificate", answers.certificate),
            .init(seal, "xml", answers.xml),
            .init(seal, "other", answers.other),
            .init(seal, "level", answers.level),
            .init(seal, "sessions", answers.sessions),
            .init(seal, "pin_credential", Self.credentialName),
        ]
        if let folders = answers.hotFolder {
            for (key, folder) in zip(["inbox", "outbox", "done", "failed"], folders) { settings.append(.init(seal, key, folder)) }
        }
        return ConfigurationText.render(existing: existing, settings: settings, command: "setup sealing-server")
    }

    /// The unit's drop-in: the credential, and the hot folder writable.
    public func dropIn(for answers: Answers) -> String {
        var text = """
            # Written by `podpis setup sealing-server` (zapisany przez `podpis setup sealing-server`).
            # The seal PIN as an encrypted systemd credential; podpisd.toml: pin_credential = "\(Self.credentialName)".
            [Service]
            LoadCredentialEncrypted=\(Self.credentialName):\(Self.credentialFile)

            """
        if let folders = answers.hotFolder {
            text += "ReadWritePaths=" + folders.joined(separator: " ") + "\n"
        }
        return text
    }

    public func apply(_ answers: Answers) throws(SetupError) -> SetupReport {
        let installer = Installer(root: options.root, dryRun: options.dryRun, now: options.now)
        let enabler = UnitEnabler(root: options.root, scope: .system, dryRun: options.dryRun)
        _ = try enabler.unitFile()

        let existing = try installer.read(Self.configurationPath).map { String(decoding: $0, as: UTF8.self) }
        let (text, merge) = configuration(for: answers, existing: existing)
        let problems = try ConfigurationText.errors(in: text, environment: options.environment)
        guard problems.isEmpty else { throw .configurationInvalid(problems.map(\.description).joined(separator: "; ")) }

        var report = SetupReport(
            command: "sealing-server", root: options.root.path, dryRun: options.dryRun, configuration: Self.configurationPath,
            merge: existing == nil ? .new : merge)
        report.changes.append(try installer.install(Array(text.utf8), at: Self.configurationPath, kind: "config"))
        report.changes.append(try installer.install(Array(dropIn(for: answers).utf8), at: Self.dropIn, kind: "drop-in"))

        let user = getpwnam("podpis")
        if user == nil {
            report.leave("podpis-user", messages.text("left.podpis-user"))
        }
        if let folders = answers.hotFolder {
            let owner = user.map { (uid: $0.pointee.pw_uid, gid: $0.pointee.pw_gid) }
            for folder in folders {
                report.changes.append(try installer.directory(folder, mode: 0o750, owner: owner))
            }
        }
        report.changes.append(try enabler.enable())
        if !FileManager.default.fileExists(atPath: options.root.real(Self.credentialFile)) {
            report.leave("seal-pin-credential", messages.text("left.seal-pin-credential", ["name": Self.credentialName, "file": Self.credentialFile]))
        }
        report.leave("start-service", messages.text("left.start-service"))
        return report
    }

    public func examine(_ report: inout SetupReport) {
        guard !options.dryRun else { return }
        var doctor = DoctorOptions()
        doctor.configFiles = [options.root.real(Self.configurationPath)]
        doctor.system = true
        doctor.browserPolicyRoot = options.root.prefix
        doctor.environment = options.environment
        report.add(doctor: Doctor.examine(doctor))
    }
}
