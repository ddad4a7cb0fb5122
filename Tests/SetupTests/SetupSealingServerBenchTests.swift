import Foundation
import TestBench
import XCTest

/// `podpis setup sealing-server --answers FILE --root DIR` on the real
/// bench, with the seal certificate on SoftHSM: the profile podpisd
/// accepts, the drop-in that loads the PIN credential, the hot folder, the
/// system unit enabled, the credential command left to IT, and a second run
/// that changes nothing.
final class SetupSealingServerBenchTests: XCTestCase {
    override func setUpWithError() throws {
        try TestBench.require()
    }

    /// The seal certificate's ID as `podpis certs --json` lists it (whatever the order).
    private func sealCertificateID(module: String) throws -> String {
        let output = try TestBench.run(SetupRun.podpis, ["certs", "--json", "--module", module, "--no-registered"])
        var found: [String] = []
        func walk(_ value: Any) {
            if let object = value as? [String: Any] {
                if object["qualifiedForSealing"] as? Bool == true, let id = object["id"] as? String { found.append(id) }
                object.values.forEach(walk)
            } else if let array = value as? [Any] {
                array.forEach(walk)
            }
        }
        walk(try JSONSerialization.jsonObject(with: Data(output.utf8)))
        XCTAssertEqual(Set(found).count, 1, output)
        return try XCTUnwrap(found.first)
    }

    func testSealingServerFromAnswersIsCheckedEnabledAndIdempotent() throws {
        let root = try SetupRoot(browser: false)
        defer { root.remove() }
        let softhsm = try TestBench.value("PODPIS_SOFTHSM_MODULE")
        let id = try sealCertificateID(module: softhsm)
        let answers = try root.write("seal.toml", """
            module = "\(softhsm)"
            certificate = "\(id)"
            profile = "zaswiadczenia"
            xml = "xades-enveloped"
            other = "cades-detached"
            level = "B-T"
            sessions = 2
            inbox = "/var/spool/podpis/inbox"
            outbox = "/var/spool/podpis/outbox"
            done = "/var/spool/podpis/done"
            failed = "/var/spool/podpis/failed"
            timestamp_urls = ["\(try TestBench.value("PODPIS_TSA_URL"))"]
            socket_group = "podpis"
            test_login = false
            """)
        let first = try TestBench.runCapturing(SetupRun.podpis, ["setup", "sealing-server", "--answers", answers, "--root", root.path, "--json"])
        XCTAssertEqual(first.status, 0, first.stdout + first.stderr)
        let report = try SetupRun.json(first.stdout)
        let states = Dictionary(uniqueKeysWithValues: SetupRun.changes(report).map { ($0["path"] as! String, $0["state"] as! String) })
        XCTAssertEqual(states["/etc/podpis/podpisd.toml"], "written")
        XCTAssertEqual(states["/etc/systemd/system/podpisd.service.d/podpis-setup.conf"], "written")
        XCTAssertEqual(states["/var/spool/podpis/inbox"], "created")
        XCTAssertEqual(states["podpisd.service"], "enabled")

        let config = root.path + "/etc/podpis/podpisd.toml"
        let check = try TestBench.runCapturing(TestBench.product("podpisd"), ["--check-config", "--config", config])
        XCTAssertEqual(check.status, 0, check.stdout + check.stderr)
        let text = try String(contentsOfFile: config, encoding: .utf8)
        XCTAssertTrue(text.contains("[seal.zaswiadczenia]"), text)
        XCTAssertTrue(text.contains("certificate = \"\(id)\""), text)
        XCTAssertTrue(text.contains("pin_credential = \"podpis-seal-pin\""), text)
        XCTAssertTrue(text.contains("inbox = \"/var/spool/podpis/inbox\""), text)
        XCTAssertTrue(text.contains("socket_group = \"podpis\""), text)

        let dropIn = try String(contentsOfFile: root.path + "/etc/systemd/system/podpisd.service.d/podpis-setup.conf", encoding: .utf8)
        XCTAssertTrue(dropIn.contains("[Service]\nLoadCredentialEncrypted=podpis-seal-pin:/etc/credstore.encrypted/podpis-seal-pin\n"), dropIn)
        XCTAssertTrue(dropIn.contains("ReadWritePaths=/var/spool/podpis/inbox /var/spool/podpis/outbox /var/spool/podpis/done /var/spool/podpis/failed\n"), dropIn)
        XCTAssertEqual(
            try FileManager.default.destinationOfSymbolicLink(atPath: root.path + "/etc/systemd/system/multi-user.target.wants/podpisd.service"),
            "/usr/lib/systemd/system/podpisd.service")
        for folder in ["inbox", "outbox", "done", "failed"] {
            var isDirectory: ObjCBool = false
            XCTAssertTrue(FileManager.default.fileExists(atPath: root.path + "/var/spool/podpis/" + folder, isDirectory: &isDirectory) && isDirectory.boolValue)
        }
        let left = (report["left"] as? [[String: Any]] ?? [])
        let credential = left.first { $0["code"] as? String == "seal-pin-credential" }
        let message = (credential?["message"] as? [String: String])?["en"] ?? ""
        XCTAssertTrue(message.contains("systemd-creds encrypt --name=podpis-seal-pin - /etc/credstore.encrypted/podpis-seal-pin"), "\(left)")

        let before = root.snapshot()
        let second = try TestBench.runCapturing(SetupRun.podpis, ["setup", "sealing-server", "--answers", answers, "--root", root.path, "--json"])
        XCTAssertEqual(second.status, 0, second.stdout + second.stderr)
        let again = try SetupRun.json(second.stdout)
        XCTAssertEqual(again["changed"] as? Bool, false, second.stdout)
        XCTAssertEqual(Set(SetupRun.changes(again).map { $0["state"] as! String }), ["unchanged", "already-enabled", "exists"])
        let after = root.snapshot()
        XCTAssertEqual(Set(before.keys), Set(after.keys))
        for (name, was) in before {
            XCTAssertEqual(after[name]?.bytes, was.bytes, name)
            XCTAssertEqual(after[name]?.modified, was.modified, name)
        }
    }

    func testTestLoginUsesThePINOnceAndStoresItNowhere() throws {
        let root = try SetupRoot(browser: false)
        defer { root.remove() }
        let softhsm = try TestBench.value("PODPIS_SOFTHSM_MODULE")
        let id = try sealCertificateID(module: softhsm)
        let pin = try TestBench.value("PODPIS_SEAL_PIN")
        let answers = try root.write("seal.toml", "module = \"\(softhsm)\"\ncertificate = \"\(id)\"\n")
        let run = try TestBench.runCapturing(
            SetupRun.podpis, ["setup", "sealing-server", "--answers", answers, "--root", root.path, "--json", "--test-login", "--pin-fd", "0"],
            stdin: Data((pin + "\n").utf8))
        XCTAssertEqual(run.status, 0, run.stdout + run.stderr)
        let report = try SetupRun.json(run.stdout)
        let login = try XCTUnwrap(report["testLogin"] as? [String: Any], run.stdout)
        XCTAssertEqual(login["state"] as? String, "ok")
        XCTAssertEqual(login["token"] as? String, try TestBench.value("PODPIS_SEAL_TOKEN"))
        for (name, file) in root.snapshot() {
            XCTAssertNil(String(decoding: file.bytes, as: UTF8.self).range(of: "= \"" + pin + "\""), name)
            XCTAssertFalse(String(decoding: file.bytes, as: UTF8.self).contains("pin = "), name)
        }
        XCTAssertFalse(run.stdout.contains(pin + "\""), run.stdout)
    }

    /// The questions through a pseudo-terminal: the certificates listed, the
    /// seal certificate offered first, Enter takes the defaults.
    func testTheQuestionsAnsweredAtATerminal() throws {
        let root = try SetupRoot(browser: false)
        defer { root.remove() }
        let softhsm = try TestBench.value("PODPIS_SOFTHSM_MODULE")
        let id = try sealCertificateID(module: softhsm)
        let screen = root.base + "/screen.txt"
        // module, certificate, profile, xml, other, level, sessions, inbox (- : no hot folder), TSAs, socket group
        let run = try TestBench.runCapturing(
            "/usr/bin/python3",
            [
                TestBench.repositoryRoot.appendingPathComponent("Tests/Tools/pty_answers.py").path, screen,
                softhsm, "", "", "", "", "", "2", "-", "-", "",
                "--", SetupRun.podpis, "setup", "sealing-server", "--root", root.path,
            ], environment: ["LANG": "en_US.UTF-8", "LC_ALL": ""], timeout: 200)
        let transcript = (try? String(contentsOfFile: screen, encoding: .utf8)) ?? ""
        XCTAssertEqual(run.status, 0, transcript + run.stderr)
        XCTAssertTrue(transcript.contains("Certificates on the tokens"), transcript)
        XCTAssertTrue(transcript.contains(id), transcript)
        XCTAssertTrue(transcript.contains("[seal-pin-credential]"), transcript)
        let text = try String(contentsOfFile: root.path + "/etc/podpis/podpisd.toml", encoding: .utf8)
        XCTAssertTrue(text.contains("[seal.pieczec]"), text)
        XCTAssertTrue(text.contains("certificate = \"\(id)\""), text)
        XCTAssertTrue(text.contains("sessions = 2"), text)
        XCTAssertFalse(text.contains("inbox"), text)
        let check = try TestBench.runCapturing(TestBench.product("podpisd"), ["--check-config", "--config", root.path + "/etc/podpis/podpisd.toml"])
        XCTAssertEqual(check.status, 0, check.stdout + check.stderr)
    }

    func testACertificateNotOnTheTokensIsRefused() throws {
        let root = try SetupRoot(browser: false)
        defer { root.remove() }
        let softhsm = try TestBench.value("PODPIS_SOFTHSM_MODULE")
        let answers = try root.write("seal.toml", "module = \"\(softhsm)\"\ncertificate = \"0123456789abcdef\"\n")
        let run = try TestBench.runCapturing(SetupRun.podpis, ["setup", "sealing-server", "--answers", answers, "--root", root.path])
        XCTAssertEqual(run.status, 1, run.stdout + run.stderr)
        XCTAssertTrue(run.stderr.contains("[setup-certificate-not-found]"), run.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: root.path + "/etc/podpis/podpisd.toml"))
    }
}
