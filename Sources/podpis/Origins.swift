import ArgumentParser
import AsyncHTTPClient
import DaemonConfiguration
import Foundation
import Localization
import NIOCore
import NIOHTTP1

/// `podpis origins [list] | revoke ORIGIN`: the web pages paired with podpisd.
struct Origins: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Strony WWW sparowane z podpisd / web pages paired with podpisd.",
        subcommands: [List.self, Revoke.self], defaultSubcommand: List.self)

    struct Connection: ParsableArguments {
        @Option(help: "podpisd's Unix socket (default: the user daemon's, or the system one with --system).") var socket: String?
        @Flag(help: "Use the system service's socket (/run/podpis/podpisd.sock).") var system = false

        var path: String { socket ?? DaemonConfiguration().socketPath(system: system, environment: ProcessInfo.processInfo.environment) }

        func call(_ method: HTTPMethod, _ uri: String) async throws -> (status: UInt, body: Data) {
            guard let url = URL(httpURLWithSocketPath: path, uri: uri) else { throw ValidationError("bad socket path \(path)") }
            var request = HTTPClientRequest(url: url.absoluteString)
            request.method = method
            do {
                let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
                let body = try await response.body.collect(upTo: 1 << 20)
                return (response.status.code, Data(body.readableBytesView))
            } catch {
                AgentScreen.say(messages.text("daemon-unreachable", ["path": path]))
                throw ExitCode(3)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List paired origins / lista sparowanych stron.")
        @OptionGroup var connection: Connection
        @Flag(help: "JSON (schema podpis.origins/1).") var json = false

        func run() async throws {
            let (status, body) = try await connection.call(.GET, "/v1/origins")
            guard status == 200 else {
                AgentScreen.say(messages.text("daemon-refused-status", ["status": status]))
                throw ExitCode(1)
            }
            if json {
                print(String(decoding: body, as: UTF8.self))
                return
            }
            struct Listing: Decodable {
                struct Origin: Decodable { let origin: String; let kind: String; let since: Date; let lastUsed: Date? }
                let origins: [Origin]
            }
            let listing = try JSONDecoder.agent.decode(Listing.self, from: body)
            let polish = Language.current == .polish
            if listing.origins.isEmpty {
                print(polish ? "Żadna strona nie jest sparowana." : "No page is paired.")
                return
            }
            let formatter = ISO8601DateFormatter()
            let kinds = polish
                ? ["once": "na tę sesję", "always": "zawsze", "configured": "administrator"]
                : ["once": "this session", "always": "always", "configured": "administrator"]
            print(polish ? "POCHODZENIE\tZGODA\tOD\tOSTATNIO" : "ORIGIN\tALLOWED\tSINCE\tLAST USED")
            for entry in listing.origins {
                let origin = entry.origin.isEmpty ? (polish ? "(program przez TCP, bez Origin)" : "(program over TCP, no Origin)") : entry.origin
                print("\(origin)\t\(kinds[entry.kind] ?? entry.kind)\t\(formatter.string(from: entry.since))\t\(entry.lastUsed.map(formatter.string(from:)) ?? "-")")
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a page's pairing / odwołaj zgodę strony.")
        @OptionGroup var connection: Connection
        @Argument(help: "The origin, e.g. https://ezd.example.gov.pl (\"-\": programs over TCP without an Origin).") var origin: String

        func run() async throws {
            var allowed = CharacterSet.alphanumerics
            allowed.insert(charactersIn: "-._~")
            let encoded = origin.addingPercentEncoding(withAllowedCharacters: allowed) ?? origin
            let (status, _) = try await connection.call(.DELETE, "/v1/origins/\(encoded)")
            switch status {
            case 204:
                AgentScreen.say(messages.text("origin-revoked", ["origin": origin]))
            case 404:
                AgentScreen.say(messages.text("origin-not-paired", ["origin": origin]))
                throw ExitCode(1)
            default:
                AgentScreen.say(messages.text("daemon-refused-status", ["status": status]))
                throw ExitCode(1)
            }
        }
    }
}
