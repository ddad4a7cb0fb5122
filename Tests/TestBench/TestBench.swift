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
    public static func runCapturing(
        _ program: String, _ arguments: [String], stdin: Data? = nil, environment: [String: String]? = nil
    ) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        if program.hasPrefix("/") {
            process.executableURL = URL(fileURLWithPath: program)
            process.arguments = arguments
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [program] + arguments
        }
        if let environment {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let out = Pipe()
        let err = Pipe()
        let input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(stdin) }
        try? input.fileHandleForWriting.close()
        // Read both pipes concurrently so a chatty child never blocks.
        nonisolated(unsafe) var errData = Data()
        let reader = Thread { errData = err.fileHandleForReading.readDataToEndOfFile() }
        reader.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while reader.isExecuting || !reader.isFinished { usleep(1000) }
        return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
    }

    /// A scratch directory for one test, removed by the caller.
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
