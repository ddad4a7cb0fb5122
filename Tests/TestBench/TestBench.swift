import Foundation

/// The real test bench (pcscd + vpcd virtual cards, SoftHSM tokens, test PKI)
/// started by `make testbed-up`. Tests call `TestBench.require()` first: it
/// loads `.testbed/env` into this process's environment before any PC/SC or
/// PKCS#11 library reads it, and fails loudly when the bench is not up.
public enum TestBench {
    /// The repository root, found from this file's location.
    public static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    public struct NotUp: Error, CustomStringConvertible {
        public let description: String
        public init(description: String) { self.description = description }
    }

    nonisolated(unsafe) private static var loaded: [String: String]? = nil
    private static let lock = NSLock()

    /// The bench's environment (KEY → value), loaded once into the process environment.
    @discardableResult
    public static func require() throws -> [String: String] {
        try lock.withLock {
            if let loaded { return loaded }
            signal(SIGPIPE, SIG_IGN)
            let dir = ProcessInfo.processInfo.environment["PODPIS_TESTBED_DIR"]
                ?? repositoryRoot.appendingPathComponent(".testbed").path
            let envFile = dir + "/env"
            guard let text = try? String(contentsOfFile: envFile, encoding: .utf8) else {
                throw NotUp(description: "The test bench is not up (\(envFile) missing): run `make testbed-up` first.")
            }
            var values: [String: String] = [:]
            for line in text.split(separator: "\n") {
                var body = line.trimmingCharacters(in: .whitespaces)
                guard !body.hasPrefix("#"), !body.isEmpty else { continue }
                if body.hasPrefix("export ") { body.removeFirst("export ".count) }
                guard let eq = body.firstIndex(of: "=") else { continue }
                let key = String(body[..<eq])
                var value = String(body[body.index(after: eq)...])
                if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
                values[key] = value
                setenv(key, value, 1)
            }
            loaded = values
            return values
        }
    }

    /// A value from the bench's environment.
    public static func value(_ key: String) throws -> String {
        guard let value = try require()[key] else { throw NotUp(description: "\(key) missing from the test bench env") }
        return value
    }

    /// A file of the test PKI, e.g. `person-rsa.pem`.
    public static func pki(_ name: String) throws -> String { try value("PODPIS_PKI_DIR") + "/" + name }

    /// Runs a bench script (`pcscd.sh`, `card.sh`) with arguments; throws on a non-zero exit.
    @discardableResult
    public static func script(_ name: String, _ arguments: String...) throws -> String {
        try run(value("PODPIS_TESTBED_SCRIPTS") + "/" + name, arguments)
    }

    /// Runs a program, returning standard output; throws with its output on failure.
    @discardableResult
    public static func run(_ program: String, _ arguments: [String], stdin: Data? = nil, allowFailure: Bool = false) throws -> String {
        let result = try runCapturing(program, arguments, stdin: stdin)
        if result.status != 0 && !allowFailure {
            throw CommandFailed(
                description: "\(program) \(arguments.joined(separator: " ")) exited \(result.status): \(result.stdout) \(result.stderr)")
        }
        return result.stdout
    }

    public struct CommandFailed: Error, CustomStringConvertible {
        public let description: String
    }

    /// Runs a program and returns its exit status and outputs.
    ///
    /// posix_spawn + waitpid rather than Foundation's Process: Process learns
    /// of a child's exit through SIGCHLD, which C libraries loaded by the
    /// tests (PKCS#11 modules) may disturb; waitpid on the pid cannot miss it.
    public static func runCapturing(
        _ program: String, _ arguments: [String], stdin: Data? = nil, environment: [String: String]? = nil
    ) throws -> (status: Int32, stdout: String, stderr: String) {
        let executable = program.hasPrefix("/") ? program : "/usr/bin/env"
        let argv = (program.hasPrefix("/") ? [program] : ["/usr/bin/env", program]) + arguments
        var env = ProcessInfo.processInfo.environment
        if let environment { env.merge(environment) { $1 } }
        let envp = env.map { "\($0.key)=\($0.value)" }

        var inPipe: [Int32] = [0, 0], outPipe: [Int32] = [0, 0], errPipe: [Int32] = [0, 0]
        guard pipe(&inPipe) == 0, pipe(&outPipe) == 0, pipe(&errPipe) == 0 else {
            throw CommandFailed(description: "pipe() failed")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, inPipe[0], 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        for fd in inPipe + outPipe + errPipe { posix_spawn_file_actions_addclose(&actions, fd) }

        let cArgs = argv.map { strdup($0) } + [nil]
        let cEnv = envp.map { strdup($0) } + [nil]
        defer {
            cArgs.forEach { free($0) }
            cEnv.forEach { free($0) }
        }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, &actions, nil, cArgs, cEnv)
        close(inPipe[0]); close(outPipe[1]); close(errPipe[1])
        guard rc == 0 else {
            close(inPipe[1]); close(outPipe[0]); close(errPipe[0])
            throw CommandFailed(description: "cannot start \(program): \(String(cString: strerror(rc)))")
        }
        let stdinFD = inPipe[1], stderrFD = errPipe[0]
        let writer = Thread {
            if let stdin {
                stdin.withUnsafeBytes { raw in
                    var offset = 0
                    while offset < raw.count {
                        let n = write(stdinFD, raw.baseAddress! + offset, raw.count - offset)
                        if n <= 0 { break }
                        offset += n
                    }
                }
            }
            close(stdinFD)
        }
        writer.start()
        nonisolated(unsafe) var errData = Data()
        let errDone = DispatchSemaphore(value: 0)
        let reader = Thread {
            errData = readAll(stderrFD)
            errDone.signal()
        }
        reader.start()
        let outData = readAll(outPipe[0])
        errDone.wait()
        close(outPipe[0]); close(errPipe[0])
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let exitCode: Int32 = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return (exitCode, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
    }

    private static func readAll(_ fd: Int32) -> Data {
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n > 0 { data.append(contentsOf: buffer[0..<n]) } else if n < 0 && errno == EINTR { continue } else { break }
        }
        return data
    }

    /// A scratch directory for one test, removed by the caller.
    /// A TCP port free on 127.0.0.1 right now (bound to port 0, then released).
    public static func freeTCPPort() -> Int {
        let fd = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { return Int.random(in: 36000..<36900) }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    public static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("podpis-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Waits until `condition` holds, polling every 100 ms, up to `timeout` seconds.
    public static func waitUntil(timeout: Double = 10, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try condition() { return true }
            usleep(100_000)
        }
        return try condition()
    }
}
