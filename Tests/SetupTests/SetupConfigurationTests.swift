import DaemonConfiguration
import Foundation
import Setup
import XCTest

/// podpisd.toml as `podpis setup` writes it: the answers in the
/// configuration's own keys, other tables kept, the same bytes twice, the
/// daemon's own check passed; a replaced file kept as a backup.
final class SetupConfigurationTests: XCTestCase {
    private func desk(origins: [String], module: ModuleChoice = .registered, urls: [String] = []) -> DeskSetup.Answers {
        DeskSetup.Answers(origins: origins, module: module, timestampURLs: urls, browserPolicy: true, enableUnit: true, testLogin: false)
    }

    func testDeskAnswersBecomeTheConfigurationsOwnKeysAndPassTheDaemonsCheck() throws {
        let setup = DeskSetup(options: DeskSetup.Options())
        let (text, merge) = setup.configuration(
            for: desk(origins: ["https://ezd.urzad.gov.pl"], module: .path("/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so"), urls: ["http://tsa.example/"]),
            existing: nil)
        XCTAssertEqual(merge, .new)
        XCTAssertTrue(text.hasPrefix("# podpisd.toml: written by `podpis setup desk`"), text)
        XCTAssertFalse(text.contains("2026"), "no date in the file: \(text)")
        XCTAssertEqual(try ConfigurationText.errors(in: text), [])
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("setup-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("podpisd.toml").path
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        let loaded = DaemonConfiguration.load(files: [file])
        XCTAssertEqual(loaded.configuration.server.allowedOrigins, ["https://ezd.urzad.gov.pl"])
        XCTAssertEqual(loaded.configuration.pkcs11.modules, ["/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so"])
        XCTAssertFalse(loaded.configuration.pkcs11.useRegistered)
        XCTAssertEqual(loaded.configuration.timestamp.urls, ["http://tsa.example/"])
    }

    func testTheSameAnswersOnTheirOwnOutputGiveTheSameBytes() {
        let setup = DeskSetup(options: DeskSetup.Options())
        let answers = desk(origins: ["https://ezd.urzad.gov.pl", "https://ezd2.urzad.gov.pl:8443"])
        let first = setup.configuration(for: answers, existing: nil).text
        let second = setup.configuration(for: answers, existing: first)
        XCTAssertEqual(second.merge, .merged)
        XCTAssertEqual(Array(second.text.utf8), Array(first.utf8))
    }

    func testKeysAndTablesNotAskedAboutAreKept() throws {
        let existing = """
            # the office's own comment
            [server]
            port = 35901
            allowed_origins = ["https://old.example.gov.pl"]
            [[policy]]
            certificate = "*"
            max_documents = 7
            [defaults]
            level = "B-T"
            """
        let setup = DeskSetup(options: DeskSetup.Options())
        let (text, merge) = setup.configuration(for: desk(origins: ["https://ezd.urzad.gov.pl"], urls: ["http://tsa.example/"]), existing: existing)
        XCTAssertEqual(merge, .merged)
        XCTAssertEqual(try ConfigurationText.errors(in: text), [])
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("setup-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("podpisd.toml").path
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        let loaded = DaemonConfiguration.load(files: [file]).configuration
        XCTAssertEqual(loaded.server.port, 35901)
        XCTAssertEqual(loaded.server.allowedOrigins, ["https://ezd.urzad.gov.pl"])
        XCTAssertEqual(loaded.policies.count, 1)
        XCTAssertEqual(loaded.policies.first?.maxDocuments, 7)
        XCTAssertEqual(loaded.defaults.level.rawValue, "B-T")
    }

    func testAFileThatIsNotTOMLIsReplacedWhole() {
        let setup = DeskSetup(options: DeskSetup.Options())
        let (text, merge) = setup.configuration(for: desk(origins: []), existing: "[server\nport = ")
        XCTAssertEqual(merge, .replaced)
        XCTAssertEqual(try ConfigurationText.errors(in: text), [])
    }

    func testSealingServerProfileNamesTheCredentialAndPassesTheCheck() throws {
        let setup = SealingServerSetup(options: SealingServerSetup.Options())
        let answers = SealingServerSetup.Answers(
            module: .path("/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so"), certificate: "f194d32f02c78d47", profile: "pieczec",
            xml: "xades-enveloped", other: "cades-detached", level: "B-B", sessions: 4,
            hotFolder: ["/var/spool/podpis/inbox", "/var/spool/podpis/outbox", "/var/spool/podpis/done", "/var/spool/podpis/failed"],
            timestampURLs: [], socketGroup: "podpis", testLogin: false)
        let text = setup.configuration(for: answers, existing: nil).text
        XCTAssertEqual(try ConfigurationText.errors(in: text), [])
        XCTAssertTrue(text.contains("pin_credential = \"podpis-seal-pin\""), text)
        XCTAssertTrue(text.contains("[seal.pieczec]"), text)
        XCTAssertEqual(setup.configuration(for: answers, existing: text).text, text)
        XCTAssertTrue(setup.dropIn(for: answers).contains("LoadCredentialEncrypted=podpis-seal-pin:/etc/credstore.encrypted/podpis-seal-pin\n"))
        XCTAssertTrue(setup.dropIn(for: answers).contains("ReadWritePaths=/var/spool/podpis/inbox /var/spool/podpis/outbox /var/spool/podpis/done /var/spool/podpis/failed\n"))
    }
}

/// Files written under a root: unchanged bytes leave the file alone; a
/// different file is backed up (never over an older backup) and replaced;
/// a symbolic link is refused.
final class SetupInstallerTests: XCTestCase {
    private var root: URL!

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("setup-root-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: root)
    }

    func testSameBytesLeaveTheFileAloneAndDifferentOnesAreBackedUpFirst() throws {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let installer = Installer(root: InstallRoot(root.path), dryRun: false, now: now)
        let first = try installer.install(Array("a = 1\n".utf8), at: "/etc/podpis/podpisd.toml", kind: "config")
        XCTAssertEqual(first.state, "written")
        XCTAssertNil(first.backup)
        let real = root.path + "/etc/podpis/podpisd.toml"
        let before = try FileManager.default.attributesOfItem(atPath: real)[.modificationDate] as? Date
        Thread.sleep(forTimeInterval: 0.05)
        let again = try installer.install(Array("a = 1\n".utf8), at: "/etc/podpis/podpisd.toml", kind: "config")
        XCTAssertEqual(again.state, "unchanged")
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: real)[.modificationDate] as? Date, before)

        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        let stamp = formatter.string(from: now)
        let changed = try installer.install(Array("a = 2\n".utf8), at: "/etc/podpis/podpisd.toml", kind: "config")
        XCTAssertEqual(changed.state, "written")
        XCTAssertEqual(changed.backup, "/etc/podpis/podpisd.toml.bak-" + stamp)
        XCTAssertEqual(try String(contentsOfFile: root.path + changed.backup!, encoding: .utf8), "a = 1\n")
        XCTAssertEqual(try String(contentsOfFile: real, encoding: .utf8), "a = 2\n")

        // The same second again: a new name, the older backup untouched.
        let third = try installer.install(Array("a = 3\n".utf8), at: "/etc/podpis/podpisd.toml", kind: "config")
        XCTAssertEqual(third.backup, "/etc/podpis/podpisd.toml.bak-" + stamp + "-2")
        XCTAssertEqual(try String(contentsOfFile: root.path + changed.backup!, encoding: .utf8), "a = 1\n")
        XCTAssertEqual(try String(contentsOfFile: root.path + third.backup!, encoding: .utf8), "a = 2\n")
    }

    func testADryRunWritesNothing() throws {
        let installer = Installer(root: InstallRoot(root.path), dryRun: true)
        let change = try installer.install(Array("a = 1\n".utf8), at: "/etc/podpis/podpisd.toml", kind: "config")
        XCTAssertEqual(change.state, "would-write")
        XCTAssertFalse(FileManager.default.fileExists(atPath: root.path + "/etc/podpis/podpisd.toml"))
    }

    func testASymbolicLinkInTheFilesPlaceIsRefused() throws {
        try FileManager.default.createDirectory(atPath: root.path + "/etc/podpis", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: root.path + "/etc/podpis/podpisd.toml", withDestinationPath: "/etc/passwd")
        let installer = Installer(root: InstallRoot(root.path), dryRun: false)
        XCTAssertThrowsError(try installer.install(Array("a = 1\n".utf8), at: "/etc/podpis/podpisd.toml", kind: "config")) { error in
            XCTAssertEqual((error as? SetupError)?.code, "setup-symlink")
        }
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: root.path + "/etc/podpis/podpisd.toml"), "/etc/passwd")
    }
}
