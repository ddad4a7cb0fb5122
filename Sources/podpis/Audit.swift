import ArgumentParser
import DaemonConfiguration
import Foundation
import Audit

/// `podpis audit verify|show`: the daemon's audit trail.
struct Audit: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Ślad audytowy / the audit trail of signatures and refusals.",
        subcommands: [Verify.self, Show.self])

    struct Location: ParsableArguments {
        @Option(help: "The trail (default: the daemon's, see audit_file in podpisd.toml).") var file: String?
        @Flag(help: "The system service's trail (/var/lib/podpis/audit.jsonl).") var system = false

        var path: String { file ?? DaemonConfiguration().auditPath(system: system) }

        func read() throws -> (path: String, data: Data) {
            guard let data = FileManager.default.contents(atPath: path) else { throw missing() }
            return (path, data)
        }

        func missing() -> ExitCode {
            CommandFailure(
                code: "audit-missing", name: "audit-missing",
                message: messages.text("no-audit-trail", ["path": path]),
                exitCode: PodpisExit.otherError
            ).report(json: false)
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sprawdź łańcuch skrótów / check the chain of hashes.",
            discussion: """
                Exit 0 when every line is intact and in order and the trail ends where its anchor \
                (FILE.head, FILE.key) says; 2 naming the first line that is not, or why the end does not fit: \
                lines cut from the end, the file deleted or replaced by an older copy, an anchor forged or missing. \
                Run it as the daemon's user (or root) so that the anchor's MAC can be checked.
                """)
        @OptionGroup var location: Location

        func run() throws {
            let path = location.path
            let snapshot: AuditTrail.Snapshot
            do { snapshot = try AuditTrail.snapshot(path: path) } catch {
                print("\(path): \(error.reason)")
                throw ExitCode(2)
            }
            guard let data = snapshot.data else {
                guard let anchor = snapshot.anchor else { throw location.missing() }
                print("\(path): the trail is gone, but its anchor \(AuditAnchor.anchorPath(trail: path)) says \(anchor.count) line(s): it was deleted")
                throw ExitCode(2)
            }
            if let broken = AuditLine.verify(data) {
                print("\(path):\(broken.line): \(broken.reason)")
                throw ExitCode(2)
            }
            let hashes = data.split(separator: UInt8(ascii: "\n")).compactMap { AuditLine(Data($0))?.hash }
            switch AuditAnchorCheck.check(
                trail: path, hashes: hashes, size: Int64(data.count), anchor: snapshot.anchor, key: AuditAnchor.key(trail: path))
            {
            case .anchored(let count):
                print("OK: \(path): \(count) line(s), chain intact, its end anchored")
            case .anchoredWithoutKey(let count, let reason):
                print("OK: \(path): \(count) line(s), chain intact, its end as anchored (the anchor's MAC not checked: its key cannot be read: \(reason))")
            case .broken(let reason):
                print("\(path): \(reason)")
                throw ExitCode(2)
            }
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
