import Foundation

/// The real test bench (pcscd + vpcd virtual cards, SoftHSM tokens, test PKI)
/// started by `make testbed-up`. Tests call `TestBench.require()` first: it
/// loads `.testbed/env` into this process's environment before any PC/SC or
/// PKCS#11 library reads it, and fails loudly when the bench is not up.
public enum TestBench {
    /// The repository root, found from this file's location.
    public static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// A program this package builds (`podpis`, `podpisd`): beside the test
    /// bundle when there is one, otherwise in `.build/debug`.
    public static func product(_ name: String) -> String {
        let bundle = Bundle.allBundles.first { $0.bundlePath.hasSuffix(".xctest") }
        let directory = bundle.map { URL(fileURLWithPath: $0.bundlePath).deletingLastPathComponent() }
            ?? repositoryRoot.appendingPathComponent(".build/debug")
        return directory.appendingPathComponent(name).path
    }

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
    ///
    /// Nothing here waits without a bound: the pipes are close-on-exec (a
    /// daemon another thread starts meanwhile cannot hold them open), the
    /// outputs are read with poll until `timeout`, and a program still
    /// running then is killed and reported as `TimedOut` with what it wrote.
    public static func runCapturing(
        _ program: String, _ arguments: [String], stdin: Data? = nil, environment: [String: String]? = nil,
        timeout: Double = defaultTimeout
    ) throws -> (status: Int32, stdout: String, stderr: String) {
        let executable = program.hasPrefix("/") ? program : "/usr/bin/env"
        let argv = (program.hasPrefix("/") ? [program] : ["/usr/bin/env", program]) + arguments
        var env = ProcessInfo.processInfo.environment
        if let environment { env.merge(environment) { $1 } }
        let envp = env.map { "\($0.key)=\($0.value)" }

        let inPipe = try closeOnExecPipe(), outPipe = try closeOnExecPipe(), errPipe = try closeOnExecPipe()
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // dup2 clears close-on-exec on 0, 1 and 2; the pipes' own descriptors
        // (all above 2) close at exec.
        posix_spawn_file_actions_adddup2(&actions, inPipe.read, 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe.write, 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe.write, 2)

        let cArgs = argv.map { strdup($0) } + [nil]
        let cEnv = envp.map { strdup($0) } + [nil]
        defer {
            cArgs.forEach { free($0) }
            cEnv.forEach { free($0) }
        }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, &actions, nil, cArgs, cEnv)
        close(inPipe.read); close(outPipe.write); close(errPipe.write)
        guard rc == 0 else {
            close(inPipe.write); close(outPipe.read); close(errPipe.read)
            throw CommandFailed(description: "cannot start \(program): \(String(cString: strerror(rc)))")
        }
        let stdinFD = inPipe.write
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
        let deadline = Date().addingTimeInterval(timeout)
        let (outData, errData, complete) = readBoth(outPipe.read, errPipe.read, until: deadline)
        close(outPipe.read); close(errPipe.read)
        var status: Int32 = 0
        var exited = reap(pid, within: max(0, deadline.timeIntervalSinceNow))
        if !complete || exited == nil {
            kill(pid, SIGKILL)
            exited = reap(pid, within: 10)
            throw TimedOut(
                description: "\(program) \(arguments.joined(separator: " ")) still running after \(Int(timeout)) s (killed)"
                    + (complete ? "" : ", its output still open")
                    + ": \(String(decoding: outData.suffix(2000), as: UTF8.self)) \(String(decoding: errData.suffix(2000), as: UTF8.self))")
        }
        status = exited ?? 0
        let exitCode: Int32 = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return (exitCode, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
    }

    /// How long a program run by `runCapturing` may take unless the caller says otherwise.
    public static let defaultTimeout: Double = 300

    public struct TimedOut: Error, CustomStringConvertible {
        public let description: String
    }

    /// A pipe whose two descriptors are close-on-exec and above 2 (with the
    /// test process's stdin closed, as under CI, pipe() could hand out 0).
    private static func closeOnExecPipe() throws -> (read: Int32, write: Int32) {
        var fds: [Int32] = [0, 0]
        guard systemPipe2(&fds, O_CLOEXEC) == 0 else { throw CommandFailed(description: "pipe2() failed: errno \(errno)") }
        func high(_ fd: Int32) -> Int32 {
            guard fd <= 2 else { return fd }
            let moved = fcntl(fd, F_DUPFD_CLOEXEC, 3)
            close(fd)
            return moved
        }
        return (high(fds[0]), high(fds[1]))
    }

    /// Reads two descriptors to their ends, or until `deadline`; `complete`
    /// says whether both ended.
    private static func readBoth(_ first: Int32, _ second: Int32, until deadline: Date) -> (Data, Data, complete: Bool) {
        var data = [Data(), Data()]
        var open = [true, true]
        var buffer = [UInt8](repeating: 0, count: 65536)
        while open[0] || open[1] {
            let left = deadline.timeIntervalSinceNow
            if left <= 0 { break }
            var fds = [
                pollfd(fd: open[0] ? first : -1, events: Int16(POLLIN), revents: 0),
                pollfd(fd: open[1] ? second : -1, events: Int16(POLLIN), revents: 0),
            ]
            let ready = poll(&fds, 2, Int32(min(left, 1) * 1000) + 1)
            if ready < 0 && errno != EINTR { break }
            for index in 0..<2 where open[index] && fds[index].revents != 0 {
                let n = read(fds[index].fd, &buffer, buffer.count)
                if n > 0 {
                    data[index].append(contentsOf: buffer[0..<n])
                } else if n == 0 || (errno != EINTR && errno != EAGAIN) {
                    open[index] = false
                }
            }
        }
        return (data[0], data[1], !open[0] && !open[1])
    }

    /// Waits for `pid` to exit for up to `timeout` seconds; its wait status,
    /// or nil while it still runs.
    public static func reap(_ pid: pid_t, within timeout: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        var status: Int32 = 0
        while true {
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid { return status }
            if result < 0 && errno != EINTR { return 0 }  // not our child (any more)
            if Date() >= deadline { return nil }
            usleep(20_000)
        }
    }

    /// Stops a process: SIGTERM, and SIGKILL if it is still running after
    /// `grace` seconds. Returns whether it stopped on SIGTERM.
    @discardableResult
    public static func stop(_ pid: pid_t, grace: Double = 20) -> Bool {
        kill(pid, SIGTERM)
        if reap(pid, within: grace) != nil { return true }
        kill(pid, SIGKILL)
        _ = reap(pid, within: 10)
        return false
    }

    /// Every thread's stack of a running process, when gdb is installed (for
    /// a failure message about a process that does not stop).
    public static func stacks(_ pid: pid_t) -> String {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/gdb") else { return "(gdb not installed)" }
        let result = try? runCapturing("/usr/bin/gdb", ["-batch", "-p", "\(pid)", "-ex", "thread apply all bt"], timeout: 60)
        return result.map { String($0.stdout.suffix(20000)) + String($0.stderr.suffix(2000)) } ?? "(gdb failed)"
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

/// glibc's pipe2 (not in Swift's Glibc module): both ends close-on-exec in one call.
@_silgen_name("pipe2")
private func systemPipe2(_ fds: UnsafeMutablePointer<Int32>, _ flags: Int32) -> Int32
