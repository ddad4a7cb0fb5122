import Foundation
import TestBench
import XCTest

/// A signal while podpis waits for a PIN (Ctrl-C, SIGTERM from a service
/// manager, ...) ends podpis the documented way: the prompt gives up with the
/// code `cancelled`, the error is thrown up to `main` so that the output's
/// temporary file is removed on the way, the terminal echoes again, and the
/// exit status is 128 + the signal's number. Tests/Tools/pin_signal.py sends
/// the signal at the prompt in a pseudo-terminal, or once podpis sleeps
/// reading `--pin-fd 0` from a pipe nobody writes to.
final class PINPromptSignalTests: SignCommandCase {
    /// How podpis ended, as pin_signal.py saw it.
    struct Ending {
        let status: Int
        let stdout: String
        let stderr: String
        let terminal: String
        let echo: Bool?
        let signalled: Bool
    }

    /// The signals the tests send, each with the exit status it must give.
    static let signals: [(name: String, status: Int)] = [("INT", 130), ("TERM", 143)]

    /// Runs podpis through pin_signal.py (MODE tty or fd) and reads its report.
    private func interrupt(_ mode: String, _ signal: String, pins: [String], _ arguments: [String]) throws -> Ending {
        let helper = TestBench.repositoryRoot.appendingPathComponent("Tests/Tools/pin_signal.py").path
        let run = try TestBench.runCapturing(
            "python3", [helper, mode, signal, pins.joined(separator: ","), CLITests.podpis] + arguments,
            environment: ["LANG": "en_US.UTF-8", "LC_ALL": "", "PIN_SIGNAL_TIMEOUT": "60"], timeout: 120)
        let report = try XCTUnwrap(
            try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any],
            "pin_signal.py exited \(run.status): \(run.stdout) \(run.stderr)")
        XCTAssertEqual(run.status, 0, "pin_signal.py: podpis did not end in time: \(run.stdout) \(run.stderr)")
        return Ending(
            status: try XCTUnwrap(report["status"] as? Int), stdout: report["stdout"] as? String ?? "",
            stderr: report["stderr"] as? String ?? "", terminal: report["terminal"] as? String ?? "",
            echo: report["echo"] as? Bool, signalled: report["signalled"] as? Bool ?? false)
    }

    private func file(_ name: String, _ text: String) throws -> String {
        let path = dir.appendingPathComponent(name).path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    private func names(_ directory: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
    }

    /// Empties the test's directory for the next round.
    private func clear() throws {
        for name in try names(dir) { try FileManager.default.removeItem(at: dir.appendingPathComponent(name)) }
    }

    /// The ending every signal at a prompt must have.
    private func assertCancelled(_ ending: Ending, status: Int, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertTrue(ending.signalled, "\(what): no prompt was reached: \(ending.stderr) \(ending.terminal)", file: file, line: line)
        XCTAssertEqual(ending.status, status, "\(what): \(ending.stderr)", file: file, line: line)
        XCTAssertTrue(ending.stderr.contains("[cancelled]"), "\(what): \(ending.stderr)", file: file, line: line)
        XCTAssertTrue(ending.stderr.contains("Cancelled at the PIN prompt"), "\(what): \(ending.stderr)", file: file, line: line)
    }

    /// `podpis sign` with the always-authenticate key: the login PIN is
    /// given, the signal comes at the signature's own PIN prompt, when the
    /// CAdES output's temporary file already exists.
    private func signArguments(_ format: String, _ document: String) throws -> [String] {
        let packaging = format == "xades" ? ["--packaging", "enveloping"] : []
        return ["sign", "--format", format] + packaging + ["--cert", try certificateID("person-rsa.pem"), document]
    }

    func testASignalAtTheSignaturePINPromptInATerminalEndsWith128PlusTheSignalAndLeavesNothing() throws {
        let pin = try TestBench.value("PODPIS_SIGNER_PIN")
        for format in ["cades", "xades"] {
            for (signal, status) in Self.signals + [("ctrl-c", 130)] {
                let what = "\(format), \(signal) in a terminal"
                let document = try file("c.txt", "c")
                let ending = try interrupt("tty", signal, pins: [pin], try signArguments(format, document))
                assertCancelled(ending, status: status, what)
                XCTAssertTrue(ending.terminal.contains("this signature"), "\(what): the signature's prompt was shown: \(ending.terminal)")
                XCTAssertEqual(ending.echo, true, "\(what): the terminal echoes again")
                XCTAssertEqual(try names(dir), ["c.txt"], "\(what): no output, no temporary file")
                try clear()
            }
        }
    }

    func testASignalWhilePodpisReadsTheSignaturePINFromPINFDEndsWith128PlusTheSignalAndLeavesNothing() throws {
        let pin = try TestBench.value("PODPIS_SIGNER_PIN")
        for format in ["cades", "xades"] {
            for (signal, status) in Self.signals {
                let what = "\(format), \(signal) with --pin-fd"
                let document = try file("c.txt", "c")
                let arguments = try signArguments(format, document)
                let ending = try interrupt("fd", signal, pins: [pin], Array(arguments.prefix(1)) + ["--pin-fd", "0"] + arguments.dropFirst())
                assertCancelled(ending, status: status, what)
                XCTAssertEqual(try names(dir), ["c.txt"], "\(what): no output, no temporary file")
                try clear()
            }
        }
    }

    /// `podpis seal --local` with `pin_prompt = true`: the seal PIN asked on
    /// the terminal before anything is sealed.
    func testASignalAtTheSealPINPromptOfSealLocalEndsWith128PlusTheSignalAndSealsNothing() throws {
        let config = try SealProfileTOML.writeLocal(in: dir, certificate: try certificateID("seal.pem"), "pin_prompt = true")
        let input = dir.appendingPathComponent("in")
        try FileManager.default.createDirectory(at: input, withIntermediateDirectories: true)
        try Data("<zaswiadczenie/>".utf8).write(to: input.appendingPathComponent("z.xml"))
        try Data("%PDF-1.7\n%%EOF\n".utf8).write(to: input.appendingPathComponent("z.pdf"))
        for (signal, status) in Self.signals {
            let what = "seal --local, \(signal)"
            let out = dir.appendingPathComponent("out-\(signal)")
            let ending = try interrupt(
                "tty", signal, pins: [],
                ["seal", "--profile", "zaswiadczenia", "--config", config, "--local", "--out", out.path, input.path])
            assertCancelled(ending, status: status, what)
            XCTAssertTrue(ending.terminal.contains("Seal PIN"), "\(what): \(ending.terminal)")
            XCTAssertEqual(ending.echo, true, "\(what): the terminal echoes again")
            let left = (try? names(out)) ?? []
            XCTAssertEqual(left.filter { $0.hasSuffix(".tmp") || $0.hasSuffix(".xades") || $0.hasSuffix(".p7s") }, [], "\(what): \(left)")
            XCTAssertEqual(try names(input), ["z.pdf", "z.xml"])
        }
    }
}
