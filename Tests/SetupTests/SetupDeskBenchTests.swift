import Foundation
import TestBench
import XCTest

/// `podpis setup desk --answers FILE --root DIR` on the real bench: the
/// configuration podpisd accepts, the user unit enabled for every user, the
/// browsers' policy the doctor then finds allowing the origin, and a second
/// run that changes nothing.
final class SetupDeskBenchTests: XCTestCase {
    override func setUpWithError() throws {
        try TestBench.require()
    }

    func testDeskFromAnswersIsCheckedEnabledAllowedAndIdempotent() throws {
        let root = try SetupRoot()
        defer { root.remove() }
        let opensc = try TestBench.value("PODPIS_OPENSC_MODULE")
        let tsa = try TestBench.value("PODPIS_TSA_URL")
        let answers = try root.write("desk.toml", """
            origins = ["https://ezd.urzad.gov.pl"]
            module = "\(opensc)"
            timestamp_urls = ["\(tsa)"]
            browser_policy = true
            test_login = false
            """)
        let first = try TestBench.runCapturing(SetupRun.podpis, ["setup", "desk", "--answers", answers, "--root", root.path, "--json"])
        XCTAssertEqual(first.status, 0, first.stdout + first.stderr)
        let report = try SetupRun.json(first.stdout)
        XCTAssertEqual(report["schema"] as? String, "podpis.setup/1")
        XCTAssertEqual(report["changed"] as? Bool, true)
        let states = Dictionary(uniqueKeysWithValues: SetupRun.changes(report).map { ($0["path"] as! String, $0["state"] as! String) })
        XCTAssertEqual(states["/etc/podpis/podpisd.toml"], "written")
        XCTAssertEqual(states["/etc/chromium/policies/managed/podpis.json"], "written")
        XCTAssertEqual(states["podpisd.service"], "enabled")

        // podpisd's own check, by the real binary.
        let config = root.path + "/etc/podpis/podpisd.toml"
        let check = try TestBench.runCapturing(TestBench.product("podpisd"), ["--check-config", "--config", config])
        XCTAssertEqual(check.status, 0, check.stdout + check.stderr)
        let text = try String(contentsOfFile: config, encoding: .utf8)
        XCTAssertTrue(text.contains("allowed_origins = [ \"https://ezd.urzad.gov.pl\" ]") || text.contains("allowed_origins = [\"https://ezd.urzad.gov.pl\"]"), text)
        XCTAssertTrue(text.contains(opensc), text)
        XCTAssertTrue(text.contains("use_registered = false"), text)

        // What systemctl --global enable makes.
        let link = root.path + "/etc/systemd/user/default.target.wants/podpisd.service"
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: link), "/usr/lib/systemd/user/podpisd.service")
        // And systemd's own answer (offline, on the root: no user manager runs here).
        let enabled = try TestBench.runCapturing("systemctl", ["--root=\(root.path)", "--global", "is-enabled", "podpisd.service"])
        XCTAssertEqual(enabled.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "enabled", enabled.stderr)

        // The policy, and the doctor reading it.
        let policy = try String(contentsOfFile: root.path + "/etc/chromium/policies/managed/podpis.json", encoding: .utf8)
        XCTAssertEqual(
            policy,
            #"{"LocalNetworkAccessAllowedForUrls": ["https://ezd.urzad.gov.pl"], "LoopbackNetworkAllowedForUrls": ["https://ezd.urzad.gov.pl"]}"# + "\n")
        let allowed = SetupRun.findings(report).filter { $0["code"] as? String == "browser-lna-allowed" }
        XCTAssertEqual(allowed.count, 1, "\(SetupRun.findings(report))")
        XCTAssertEqual((allowed.first?["details"] as? [String: String])?["origin"], "https://ezd.urzad.gov.pl")
        XCTAssertEqual((allowed.first?["details"] as? [String: String])?["browser"], "chromium")
        let left = (report["left"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
        XCTAssertTrue(left.contains("relogin"), "\(left)")

        // Again: nothing changes, not even a file's time.
        let before = root.snapshot()
        let second = try TestBench.runCapturing(SetupRun.podpis, ["setup", "desk", "--answers", answers, "--root", root.path, "--json"])
        XCTAssertEqual(second.status, 0, second.stdout + second.stderr)
        let again = try SetupRun.json(second.stdout)
        XCTAssertEqual(again["changed"] as? Bool, false)
        XCTAssertEqual(Set(SetupRun.changes(again).map { $0["state"] as! String }), ["unchanged", "already-enabled"])
        let after = root.snapshot()
        XCTAssertEqual(Set(before.keys), Set(after.keys))
        for (name, was) in before {
            XCTAssertEqual(after[name]?.bytes, was.bytes, name)
            XCTAssertEqual(after[name]?.modified, was.modified, name)
        }
        let third = try TestBench.runCapturing(
            SetupRun.podpis, ["setup", "desk", "--answers", answers, "--root", root.path], environment: ["LANG": "en_US.UTF-8", "LC_ALL": ""])
        XCTAssertEqual(third.status, 0, third.stderr)
        XCTAssertTrue(third.stdout.contains("Nothing changed"), third.stdout)
    }

    func testAChangedAnswerBacksUpTheOldFileAndKeepsItsOtherTables() throws {
        let root = try SetupRoot()
        defer { root.remove() }
        try FileManager.default.createDirectory(atPath: root.path + "/etc/podpis", withIntermediateDirectories: true)
        let old = "# by hand\n[server]\nport = 35901\n[[policy]]\ncertificate = \"*\"\nmax_documents = 7\n"
        try old.write(toFile: root.path + "/etc/podpis/podpisd.toml", atomically: true, encoding: .utf8)
        let answers = try root.write("desk.toml", "origins = \"https://ezd.urzad.gov.pl, https://ezd2.urzad.gov.pl\"\nmodule = \"registered\"\n")
        let run = try TestBench.runCapturing(SetupRun.podpis, ["setup", "desk", "--answers", answers, "--root", root.path, "--json"])
        XCTAssertEqual(run.status, 0, run.stdout + run.stderr)
        let report = try SetupRun.json(run.stdout)
        XCTAssertEqual(report["merge"] as? String, "merged")
        let config = SetupRun.changes(report).first { $0["kind"] as? String == "config" }
        let backup = try XCTUnwrap(config?["backup"] as? String)
        XCTAssertTrue(backup.hasPrefix("/etc/podpis/podpisd.toml.bak-"), backup)
        XCTAssertEqual(try String(contentsOfFile: root.path + backup, encoding: .utf8), old)
        let text = try String(contentsOfFile: root.path + "/etc/podpis/podpisd.toml", encoding: .utf8)
        XCTAssertTrue(text.contains("port = 35901"), text)
        XCTAssertTrue(text.contains("max_documents = 7"), text)
        XCTAssertTrue(text.contains("https://ezd2.urzad.gov.pl"), text)
        let check = try TestBench.runCapturing(TestBench.product("podpisd"), ["--check-config", "--config", root.path + "/etc/podpis/podpisd.toml"])
        XCTAssertEqual(check.status, 0, check.stdout + check.stderr)
    }

    func testWrongAnswersAreRefusedWithTheirCodeAndNothingIsWritten() throws {
        let root = try SetupRoot()
        defer { root.remove() }
        let before = root.snapshot()
        let cases: [(String, String)] = [
            ("origins = [\"ezd.urzad.gov.pl\"]\nmodule = \"registered\"\n", "setup-origin-invalid"),
            ("origins = [\"https://ezd.urzad.gov.pl\"]\nmodule = \"/usr/lib/nope/libnope-pkcs11.so\"\n", "setup-module-missing"),
            ("origins = [\"https://ezd.urzad.gov.pl\"]\nmodule = \"registered\"\ntimestamp_urls = [\"ftp://tsa\"]\n", "setup-config-invalid"),
            ("origin = [\"https://ezd.urzad.gov.pl\"]\n", "setup-answers-invalid"),
        ]
        for (answersText, code) in cases {
            let answers = try root.write("bad.toml", answersText)
            let run = try TestBench.runCapturing(SetupRun.podpis, ["setup", "desk", "--answers", answers, "--root", root.path])
            XCTAssertEqual(run.status, 1, answersText + run.stdout + run.stderr)
            XCTAssertTrue(run.stderr.contains("[\(code)]"), run.stderr)
            let json = try TestBench.runCapturing(SetupRun.podpis, ["setup", "desk", "--answers", answers, "--root", root.path, "--json"])
            XCTAssertEqual(((try SetupRun.json(json.stdout))["error"] as? [String: Any])?["code"] as? String, code, json.stdout)
        }
        XCTAssertEqual(Set(root.snapshot().keys), Set(before.keys))
        XCTAssertFalse(FileManager.default.fileExists(atPath: root.path + "/etc/podpis"))
    }

    func testWithoutTheUnitItSaysToInstallThePackage() throws {
        let root = try SetupRoot()
        defer { root.remove() }
        try FileManager.default.removeItem(atPath: root.path + "/usr/lib/systemd/user/podpisd.service")
        let answers = try root.write("desk.toml", "origins = [\"https://ezd.urzad.gov.pl\"]\nmodule = \"registered\"\n")
        let run = try TestBench.runCapturing(SetupRun.podpis, ["setup", "desk", "--answers", answers, "--root", root.path])
        XCTAssertEqual(run.status, 1, run.stdout + run.stderr)
        XCTAssertTrue(run.stderr.contains("[setup-unit-missing]"), run.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: root.path + "/etc/podpis/podpisd.toml"))
    }

    func testWithoutATerminalOrAnswersItFailsAtOnce() throws {
        let root = try SetupRoot()
        defer { root.remove() }
        let run = try TestBench.runCapturing(SetupRun.podpis, ["setup", "desk", "--root", root.path], stdin: Data(), timeout: 60)
        XCTAssertEqual(run.status, 1, run.stdout + run.stderr)
        XCTAssertTrue(run.stderr.contains("[setup-no-terminal]"), run.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: root.path + "/etc/podpis/podpisd.toml"))
    }

    func testFirefoxsPoliciesAreMergedAndTheDoctorFindsTheOriginAllowed() throws {
        let root = try SetupRoot(browser: false)
        defer { root.remove() }
        let fm = FileManager.default
        try fm.createDirectory(atPath: root.path + "/usr/bin", withIntermediateDirectories: true)
        fm.createFile(atPath: root.path + "/usr/bin/firefox-esr", contents: Data())
        try fm.createDirectory(atPath: root.path + "/usr/lib/firefox-esr/distribution", withIntermediateDirectories: true)
        let existing = #"{"policies": {"DisableTelemetry": true, "LocalNetworkAccess": {"SkipDomains": ["intranet.urzad.gov.pl"]}}}"#
        try existing.write(toFile: root.path + "/usr/lib/firefox-esr/distribution/policies.json", atomically: true, encoding: .utf8)
        let answers = try root.write("desk.toml", "origins = [\"https://ezd.urzad.gov.pl\"]\nmodule = \"registered\"\n")
        let run = try TestBench.runCapturing(SetupRun.podpis, ["setup", "desk", "--answers", answers, "--root", root.path, "--json"])
        XCTAssertEqual(run.status, 0, run.stdout + run.stderr)
        let report = try SetupRun.json(run.stdout)
        let change = SetupRun.changes(report).first { $0["kind"] as? String == "browser-policy" }
        XCTAssertEqual(change?["path"] as? String, "/usr/lib/firefox-esr/distribution/policies.json")
        XCTAssertEqual(change?["state"] as? String, "written")
        XCTAssertEqual(try XCTUnwrap(change?["backup"] as? String).hasPrefix("/usr/lib/firefox-esr/distribution/policies.json.bak-"), true)
        let written = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: root.path + "/usr/lib/firefox-esr/distribution/policies.json")))
        let policies = try XCTUnwrap((written as? [String: Any])?["policies"] as? [String: Any])
        XCTAssertEqual(policies["DisableTelemetry"] as? Bool, true)
        XCTAssertEqual((policies["LocalNetworkAccess"] as? [String: Any])?["SkipDomains"] as? [String], ["intranet.urzad.gov.pl", "ezd.urzad.gov.pl"])
        let allowed = SetupRun.findings(report).filter { $0["code"] as? String == "browser-lna-allowed" }
        XCTAssertEqual(allowed.compactMap { ($0["details"] as? [String: String])?["browser"] }, ["firefox"], "\(SetupRun.findings(report))")
    }

    func testForOneselfTheFileIsInTheHomeAndTheBrowserPolicyIsLeftToRoot() throws {
        let root = try SetupRoot()
        defer { root.remove() }
        let home = root.path + "/home/jan"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        let answers = try root.write("desk.toml", "origins = [\"https://ezd.urzad.gov.pl\"]\nmodule = \"registered\"\n")
        let run = try TestBench.runCapturing(
            SetupRun.podpis, ["setup", "desk", "--user", "--answers", answers, "--root", root.path, "--json"],
            environment: ["HOME": home, "XDG_RUNTIME_DIR": home + "/run", "DBUS_SESSION_BUS_ADDRESS": "unix:path=" + home + "/no-bus"])
        XCTAssertEqual(run.status, 0, run.stdout + run.stderr)
        let report = try SetupRun.json(run.stdout)
        XCTAssertEqual(report["configuration"] as? String, home + "/.config/podpis/podpisd.toml")
        let check = try TestBench.runCapturing(TestBench.product("podpisd"), ["--check-config", "--config", home + "/.config/podpis/podpisd.toml"])
        XCTAssertEqual(check.status, 0, check.stdout + check.stderr)
        XCTAssertEqual(
            try FileManager.default.destinationOfSymbolicLink(atPath: home + "/.config/systemd/user/default.target.wants/podpisd.service"),
            "/usr/lib/systemd/user/podpisd.service")
        XCTAssertFalse(FileManager.default.fileExists(atPath: root.path + "/etc/chromium/policies/managed/podpis.json"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: root.path + "/etc/podpis/podpisd.toml"))
        let left = (report["left"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
        XCTAssertTrue(left.contains("browser-policy"), "\(left)")
        let again = try TestBench.runCapturing(
            SetupRun.podpis, ["setup", "desk", "--user", "--answers", answers, "--root", root.path, "--json"],
            environment: ["HOME": home, "XDG_RUNTIME_DIR": home + "/run", "DBUS_SESSION_BUS_ADDRESS": "unix:path=" + home + "/no-bus"])
        XCTAssertEqual((try SetupRun.json(again.stdout))["changed"] as? Bool, false, again.stdout + again.stderr)
    }

    func testADryRunSaysWhatWouldChangeAndWritesNothing() throws {
        let root = try SetupRoot()
        defer { root.remove() }
        let before = root.snapshot()
        let answers = try root.write("desk.toml", "origins = [\"https://ezd.urzad.gov.pl\"]\nmodule = \"registered\"\n")
        let run = try TestBench.runCapturing(SetupRun.podpis, ["setup", "desk", "--answers", answers, "--root", root.path, "--json", "--dry-run"])
        XCTAssertEqual(run.status, 0, run.stdout + run.stderr)
        let report = try SetupRun.json(run.stdout)
        XCTAssertEqual(Set(SetupRun.changes(report).map { $0["state"] as! String }), ["would-write", "would-enable"])
        XCTAssertNil(report["doctor"])
        XCTAssertEqual(Set(root.snapshot().keys), Set(before.keys))
    }

    func testTestLoginLogsInToTheCardsSignatureTokenAndStoresThePINNowhere() throws {
        let root = try SetupRoot(browser: false)
        defer { root.remove() }
        let pin = try TestBench.value("PODPIS_OPENPGP_PIN")
        let answers = try root.write("desk.toml", """
            origins = ["https://ezd.urzad.gov.pl"]
            module = "\(try TestBench.value("PODPIS_OPENSC_MODULE"))"
            test_login = true
            """)
        let run = try TestBench.runCapturing(
            SetupRun.podpis, ["setup", "desk", "--answers", answers, "--root", root.path, "--json", "--pin-fd", "0"], stdin: Data((pin + "\n").utf8))
        XCTAssertEqual(run.status, 0, run.stdout + run.stderr)
        let login = try XCTUnwrap((try SetupRun.json(run.stdout))["testLogin"] as? [String: Any], run.stdout)
        XCTAssertEqual(login["state"] as? String, "ok")
        XCTAssertEqual(login["token"] as? String, try TestBench.value("PODPIS_OPENPGP_SIGN_TOKEN"))
        for (name, file) in root.snapshot() {
            XCTAssertFalse(String(decoding: file.bytes, as: UTF8.self).contains(pin), name)
        }
    }

    /// The questions asked through a pseudo-terminal and answered by typing.
    func testTheQuestionsAnsweredAtATerminal() throws {
        let root = try SetupRoot()
        defer { root.remove() }
        let opensc = try TestBench.value("PODPIS_OPENSC_MODULE")
        let screen = root.base + "/screen.txt"
        let run = try TestBench.runCapturing(
            "/usr/bin/python3",
            [
                TestBench.repositoryRoot.appendingPathComponent("Tests/Tools/pty_answers.py").path, screen,
                "https://ezd.urzad.gov.pl, https://ezd2.urzad.gov.pl:8443", opensc, "-", "", "",
                "--", SetupRun.podpis, "setup", "desk", "--root", root.path,
            ], environment: ["LANG": "en_US.UTF-8", "LC_ALL": ""], timeout: 200)
        let transcript = (try? String(contentsOfFile: screen, encoding: .utf8)) ?? ""
        XCTAssertEqual(run.status, 0, transcript + run.stderr)
        XCTAssertTrue(transcript.contains("EZD origins"), transcript)
        XCTAssertTrue(transcript.contains("Done:"), transcript)
        XCTAssertTrue(transcript.contains("/etc/podpis/podpisd.toml: written"), transcript)
        XCTAssertTrue(transcript.contains("[relogin]"), transcript)
        let text = try String(contentsOfFile: root.path + "/etc/podpis/podpisd.toml", encoding: .utf8)
        XCTAssertTrue(text.contains("https://ezd2.urzad.gov.pl:8443"), text)
        XCTAssertTrue(text.contains(opensc), text)
        let policy = try String(contentsOfFile: root.path + "/etc/chromium/policies/managed/podpis.json", encoding: .utf8)
        XCTAssertTrue(policy.contains(#""LoopbackNetworkAllowedForUrls": ["https://ezd.urzad.gov.pl", "https://ezd2.urzad.gov.pl:8443"]"#), policy)
        XCTAssertNotNil(try? FileManager.default.destinationOfSymbolicLink(atPath: root.path + "/etc/systemd/user/default.target.wants/podpisd.service"))
    }
}
