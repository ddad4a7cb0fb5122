import Foundation
import TestBench
import XCTest

/// podpisd and `podpis agent` hold PINs, so they make themselves
/// non-dumpable (PR_SET_DUMPABLE 0: no core file, no ptrace by their own
/// uid). What shows it from outside: the kernel then gives the files under
/// /proc/PID to root instead of the process's uid. Both run here as nobody
/// (65534), so that the owner tells.
final class ProcessDumpsTests: XCTestCase {
    static let nobody: uid_t = 65534
    static let asNobody = ["--reuid=65534", "--regid=65534", "--clear-groups"]

    /// A scratch directory nobody may write in.
    private func sharedDirectory() throws -> URL {
        let dir = try TestBench.temporaryDirectory()
        XCTAssertEqual(chmod(dir.path, 0o777), 0)
        return dir
    }

    /// The process `pid` runs as nobody, and its /proc files belong to root.
    private func assertNotDumpable(_ pid: pid_t, _ what: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        let uidLine = status.split(separator: "\n").first { $0.hasPrefix("Uid:") }.map(String.init) ?? ""
        XCTAssertEqual(uidLine.split(whereSeparator: \.isWhitespace).dropFirst().first, "\(Self.nobody)", "\(what) runs as nobody", file: file, line: line)
        var info = stat()
        XCTAssertEqual(stat("/proc/\(pid)/status", &info), 0, file: file, line: line)
        XCTAssertEqual(info.st_uid, 0, "\(what): /proc/\(pid)/status owned by root, i.e. not dumpable (a dumpable process of nobody owns it)", file: file, line: line)
    }

    func testPodpisdIsNotDumpable() throws {
        _ = try TestBench.require()
        let dir = try sharedDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let socket = dir.appendingPathComponent("podpisd.sock").path
        let config = dir.appendingPathComponent("podpisd.toml").path
        try Data("""
            [server]
            port = 0
            socket = "\(socket)"
            audit_file = "\(dir.path)/audit.jsonl"
            pairing_file = "\(dir.path)/pairings.json"
            batch_dir = "\(dir.path)/batches"
            [pkcs11]
            modules = []
            use_registered = false
            """.utf8).write(to: URL(fileURLWithPath: config))
        chmod(config, 0o644)
        let log = dir.appendingPathComponent("podpisd.log").path
        let pid = try Background.start(
            "setpriv", Self.asNobody + [Daemon.binary, "--config", config, "--seconds", "30"], output: log,
            environment: ["HOME": dir.path])
        defer { Background.stop(pid) }
        XCTAssertTrue(TestBench.waitUntil(timeout: 15) { FileManager.default.fileExists(atPath: socket) },
            "podpisd did not start: \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
        try assertNotDumpable(pid, "podpisd")
    }

    func testAgentIsNotDumpable() throws {
        _ = try TestBench.require()
        let dir = try sharedDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // A socket that accepts and never answers: the agent waits on it.
        let socket = dir.appendingPathComponent("silent.sock").path
        let holder = try Background.start(
            "/usr/bin/python3",
            ["-c", "import os,socket,sys,time; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); os.chmod(sys.argv[1], 0o777); s.listen(4); c=s.accept(); time.sleep(60)", socket],
            output: dir.appendingPathComponent("holder.log").path)
        defer { Background.stop(holder) }
        XCTAssertTrue(TestBench.waitUntil(timeout: 10) { FileManager.default.fileExists(atPath: socket) })
        let podpis = URL(fileURLWithPath: Daemon.binary).deletingLastPathComponent().appendingPathComponent("podpis").path
        let log = dir.appendingPathComponent("agent.log").path
        let pid = try Background.start("setpriv", Self.asNobody + [podpis, "agent", "--socket", socket], output: log, environment: ["HOME": dir.path])
        defer { Background.stop(pid) }
        // Connected (the holder accepted) and still waiting.
        usleep(1_000_000)
        var status: Int32 = 0
        XCTAssertEqual(waitpid(pid, &status, WNOHANG), 0, "podpis agent is still running: \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
        try assertNotDumpable(pid, "podpis agent")
    }
}
