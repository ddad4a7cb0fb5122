import ArgumentParser
import DaemonConfiguration
import Foundation
import Station

/// `podpis audit verify|show`: the daemon's audit trail.
struct Audit: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Ślad audytowy / the audit trail of signatures and refusals.",
        subcommands: [Verify.self, Show.self])

    struct Location: ParsableArguments {
        @Option(help: "The trail (default: the daemon's, see audit_file in podpisd.toml).") var file: String?
        @Flag(help: "The system service's trail (/var/lib/podpis/audit.jsonl).") var system = false

        func read() throws -> (path: String, data: Data) {
            let path = file ?? DaemonConfiguration().auditPath(system: system)
            guard let data = FileManager.default.contents(atPath: path) else {
                CommandFailure(
                    code: "audit-missing", name: "audit-missing",
                    message: .init(pl: "Nie ma śladu audytowego \(path).", en: "There is no audit trail at \(path)."),
                    exitCode: PodpisExit.otherError
                ).report(json: false)
            }
            return (path, data)
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sprawdź łańcuch skrótów / check the chain of hashes.",
            discussion: "Exit 0 when every line is intact and in order; 2 naming the first line that is not.")
        @OptionGroup var location: Location

        func run() throws {
            let (path, data) = try location.read()
            if let broken = AuditLine.verify(data) {
                print("\(path):\(broken.line): \(broken.reason)")
                throw ExitCode(2)
            }
            let count = data.split(separator: UInt8(ascii: "\n")).count
            print("OK: \(path): \(count) line(s), chain intact")
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Pokaż ślad czytelnie / print the trail readably.")
        @OptionGroup var location: Location

        func run() throws {
            let (_, data) = try location.read()
            let formatter = ISO8601DateFormatter()
            for (number, raw) in data.split(separator: UInt8(ascii: "\n")).enumerated() {
                guard let line = AuditLine(Data(raw)), let entry = line.entry else {
                    print("\(number + 1): ? (not an audit line)")
                    continue
                }
                let who = entry.requester.origin ?? (entry.requester.transport == .unix ? "local program" : "TCP")
                print("\(number + 1): \(formatter.string(from: entry.time))  \(entry.result.uppercased())\(entry.problem.map { " (\($0))" } ?? "")  \(who)")
                print("    \(entry.holder) [\(entry.certificate)] on \(entry.token); \(entry.format) \(entry.packaging) \(entry.level)")
                for document in entry.documents {
                    print("    • \(document.name)  \(document.size.map { "\($0) B" } ?? "")  SHA-256 \(document.sha256 ?? "-")")
                }
            }
        }
    }
}
