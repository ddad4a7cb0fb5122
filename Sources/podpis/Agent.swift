import ArgumentParser
import AsyncHTTPClient
import DaemonConfiguration
import Localization
import Foundation
import NIOCore
import PKCS11
import StationAPI

/// `podpis agent`: the clerk's terminal for podpisd. Shows who asks, what is
/// signed (name, size, type, SHA-256 as signed), how and with which
/// certificate, then asks the PIN without echo (or yes/no); 'n', an empty PIN
/// or Ctrl-C refuses. A wrong PIN is the daemon's answer to the app, never
/// retried here.
struct Agent: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Agent PIN-u w terminalu / the PIN agent in this terminal.",
        discussion: """
            Connects to podpisd's Unix socket and answers every signature request that needs you. \
            Ctrl-C at a question refuses that request; Ctrl-C while waiting ends the agent.
            """)

    @Option(help: "podpisd's Unix socket (default: the user daemon's, or the system one with --system).") var socket: String?
    @Flag(help: "Use the system service's socket (/run/podpis/podpisd.sock).") var system = false

    func run() async throws {
        ProcessDumps.forbid()  // the clerk's PINs pass through: no core file, no ptrace by the same uid
        let environment = ProcessInfo.processInfo.environment
        let path = socket ?? DaemonConfiguration().socketPath(system: system, environment: environment)
        // The terminal this agent asks on, named to the daemon so that another agent's clerk sees where questions go.
        let here = Self.terminalName()
        let query = here.flatMap { $0.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) }.map { "?terminal=" + $0 } ?? ""
        guard let url = URL(httpURLWithSocketPath: path, uri: "/v1/agent/requests" + query) else {
            throw ValidationError("bad socket path \(path)")
        }
        let client = HTTPClient.shared
        let response: HTTPClientResponse
        do {
            response = try await client.execute(HTTPClientRequest(url: url.absoluteString), timeout: .hours(24 * 365))
        } catch {
            AgentScreen.say(messages.text("daemon-unreachable", ["path": path]))
            throw ExitCode(3)
        }
        guard response.status == .ok else {
            // The problem's own sentence (e.g. agent-not-allowed: this user may not be the agent), shown escaped.
            var problem: [String: Any] = [:]
            if let body = try? await response.body.collect(upTo: 16 << 10),
                let object = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any]
            {
                problem = object
            }
            let message = problem["message"] as? [String: String] ?? [:]
            let code = (problem["code"] as? String).map { " (" + AgentScreen.shown($0) + ")" } ?? ""
            let why = ClerkText(pl: message["pl"].map { ": " + AgentScreen.shown($0) } ?? "", en: message["en"].map { ": " + AgentScreen.shown($0) } ?? "")
            AgentScreen.say(messages.text("daemon-refused", ["status": Int(response.status.code), "code": code, "why": why]))
            throw ExitCode(1)
        }
        let shownHere = here.map(AgentScreen.shown) ?? "?"
        AgentScreen.say(messages.text("agent-waiting", ["path": path, "shownHere": shownHere]))
        var parser = ServerSentEventParser()
        let terminal = AgentTerminal()
        var agentID: String?
        for try await buffer in response.body {
            for event in parser.feed(buffer) {
                switch event.name {
                case "hello":
                    agentID = (try? JSONSerialization.jsonObject(with: Data(event.data.utf8)) as? [String: String])?["agent"]
                case "consent":
                    guard let request = try? JSONDecoder.agent.decode(ConsentRequest.self, from: Data(event.data.utf8)) else { continue }
                    AgentScreen.show(request)
                    let answer = terminal.ask(request)
                    await send(answer, for: request.id, socket: path, agent: agentID, client: client)
                case "pairing":
                    guard let request = try? JSONDecoder.agent.decode(PairingRequest.self, from: Data(event.data.utf8)) else { continue }
                    AgentScreen.show(request)
                    let answer = terminal.askPairing()
                    await send(answer, for: request.id, socket: path, agent: agentID, client: client)
                case "withdrawn":
                    if let info = try? JSONSerialization.jsonObject(with: Data(event.data.utf8)) as? [String: String],
                        info["reason"] != "answered"
                    {
                        let id = AgentScreen.shown(info["id"] ?? ""), reason = AgentScreen.shown(info["reason"] ?? "")
                        AgentScreen.say(messages.text("request-withdrawn", ["id": id, "reason": reason]))
                    }
                case "agent-registered":
                    guard let other = try? JSONDecoder.agent.decode(AgentIdentity.self, from: Data(event.data.utf8)) else { continue }
                    AgentScreen.show(other)
                default:
                    continue
                }
            }
        }
        AgentScreen.say(messages.text("daemon-closed"))
    }

    /// POSTs the decision; the PIN goes into the body bytes and nowhere else.
    func send(_ answer: AgentTerminal.Answer, for id: String, socket: String, agent: String?, client: HTTPClient) async {
        guard let url = URL(httpURLWithSocketPath: socket, uri: "/v1/agent/requests/\(id)") else { return }
        var body: [UInt8]
        switch answer {
        case .refuse:
            body = Array(#"{"decision":"refuse"}"#.utf8)
        case .once:
            body = Array(#"{"decision":"once"}"#.utf8)
        case .always:
            body = Array(#"{"decision":"always"}"#.utf8)
        case .approve(let pin):
            // Reserved once for the longest body (every PIN byte escaped): a growing array would leave copies.
            body = []
            body.reserveCapacity(32 + 2 * pin.count)
            body += Array(#"{"decision":"approve""#.utf8)
            if !pin.isEmpty {
                body += Array(#","pin":""#.utf8)
                for byte in pin {
                    if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { body.append(UInt8(ascii: "\\")) }
                    body.append(byte)
                }
                body += Array("\"".utf8)
            }
            body += Array("}".utf8)
            Wipe.storage(of: pin)
        }
        var post = HTTPClientRequest(url: url.absoluteString)
        post.method = .POST
        post.headers.add(name: "Content-Type", value: "application/json")
        if let agent { post.headers.add(name: "X-Podpis-Agent", value: agent) }
        post.body = .bytes(ByteBuffer(bytes: body))
        Wipe.bytes(&body)
        do {
            let response = try await client.execute(post, timeout: .seconds(30))
            if response.status.code == 404 {
                AgentScreen.say(messages.text("request-gone"))
            } else if response.status.code == 403 {
                AgentScreen.say(messages.text("answer-not-taken"))
                return
            }
        } catch {
            AgentScreen.say(messages.text("answer-not-sent", ["error": "\(error)"]))
        }
        switch answer {
        case .refuse: AgentScreen.say(messages.text("sent-refused"))
        case .once: AgentScreen.say(messages.text("sent-once"))
        case .always: AgentScreen.say(messages.text("sent-always"))
        case .approve: AgentScreen.say(messages.text("sent"))
        }
    }
}

extension Agent {
    /// This process's terminal (`/dev/pts/3`), if it has one.
    static func terminalName() -> String? {
        for descriptor in [STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO] {
            if let name = ttyname(descriptor) { return String(cString: name) }
        }
        return nil
    }
}

extension JSONDecoder {
    static var agent: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}

/// Server-Sent Events, line by line (`event:`, `data:`, blank line ends one).
struct ServerSentEventParser {
    struct Event { let name: String; let data: String }
    private var pending: [UInt8] = []
    private var name = ""
    private var data: [String] = []

    mutating func feed(_ buffer: ByteBuffer) -> [Event] {
        pending += buffer.readableBytesView
        var events: [Event] = []
        while let newline = pending.firstIndex(of: 0x0A) {
            var line = String(decoding: pending[..<newline], as: UTF8.self)
            pending.removeSubrange(...newline)
            if line.hasSuffix("\r") { line.removeLast() }
            if line.isEmpty {
                if !data.isEmpty { events.append(Event(name: name.isEmpty ? "message" : name, data: data.joined(separator: "\n"))) }
                name = ""
                data = []
            } else if line.hasPrefix("event:") {
                name = line.dropFirst(6).trimmingCharacters(in: .whitespaces)
            } else if line.hasPrefix("data:") {
                data.append(String(line.dropFirst(5).drop { $0 == " " }))
            }
        }
        return events
    }
}
