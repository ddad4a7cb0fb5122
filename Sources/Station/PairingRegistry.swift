import Crypto
import Files
import Foundation
import SignatureAlgorithms
import Signing
import Localization
import StationAPI

/// The web pages (origins) the clerk allowed to use the TCP API, and the
/// pairing tokens they were given.
///
/// A page pairs once (`POST /v1/pairing`): the clerk's agent asks "allow
/// once / always / deny". The page gets a random token it sends as
/// `Authorization: Bearer …` on every state-changing call; the token is bound
/// to its origin. "Once" lives in memory until the daemon stops; "always" is
/// remembered in the pairing file — only the token's SHA-256, never the
/// token — until revoked (`podpis origins revoke`). Origins the administrator
/// listed in `allowed_origins` pair without a question, in memory only.
public actor PairingRegistry {
    public struct Pairing: Codable, Sendable, Equatable {
        /// The origin; "" for a program over TCP that sent none.
        public let origin: String
        /// once, always or configured.
        public let kind: String
        public let since: Date
        public var lastUsed: Date?
        let tokenSHA256: String
    }

    private struct File: Codable {
        var schema = "podpis.pairings/1"
        var pairings: [Pairing]
    }

    /// A denied origin is not asked about again for this long.
    public static let refusalMemory: TimeInterval = 300

    let path: String?
    let preapproved: Set<String>
    private var pairings: [Pairing] = []
    private var refusedUntil: [String: Date] = [:]
    private var asking: Set<String> = []
    public private(set) var loadProblem: String?
    /// Pairing questions open at once, all origins together (`max_pairing_questions`).
    public private(set) var maximumQuestions = 3
    /// `http://localhost` and `http://127.0.0.1` may ask to pair (`development_origins`).
    public private(set) var developmentOrigins = false

    public init(path: String?, preapproved: Set<String>) {
        self.path = path
        self.preapproved = preapproved
        guard let path, let data = FileManager.default.contents(atPath: path) else { return }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        if let file = try? decoder.decode(File.self, from: data) {
            pairings = file.pairings.filter { $0.kind == "always" }
        } else {
            loadProblem = "\(path): not a pairing file; no web page is paired until it is fixed or removed"
        }
    }

    /// The page may read (GET) and gets CORS headers.
    public func isApproved(_ origin: String) -> Bool {
        preapproved.contains(origin) || pairings.contains { $0.origin == origin }
    }

    /// Whether `token` was given to `origin` ("" for none) and is still valid.
    public func validate(token: String, origin: String?) -> Bool {
        let hash = Self.hash(token)
        let key = origin ?? ""
        guard let index = pairings.firstIndex(where: { Self.equal($0.tokenSHA256, hash) }), pairings[index].origin == key else {
            return false
        }
        pairings[index].lastUsed = Date()
        return true
    }

    /// Whether the clerk denied this origin in the last few minutes.
    public func recentlyRefused(_ origin: String?) -> Bool {
        guard let until = refusedUntil[origin ?? ""] else { return false }
        if until > Date() { return true }
        refusedUntil[origin ?? ""] = nil
        return false
    }

    /// The limits of `[server]`, set once at start.
    public func configure(maximumQuestions: Int, developmentOrigins: Bool) {
        self.maximumQuestions = max(1, maximumQuestions)
        self.developmentOrigins = developmentOrigins
    }

    /// One open question per origin, and at most ``maximumQuestions`` in
    /// all: `pairing-pending` when this origin is being asked about,
    /// `too-many-pairings` when the clerk has enough questions already.
    public func beginAsking(_ origin: String?) throws(StationProblem) {
        let key = origin ?? ""
        guard !asking.contains(key) else { throw StationProblem.pairingPending(origin) }
        guard asking.count < maximumQuestions else { throw StationProblem.tooManyPairings }
        asking.insert(key)
    }

    /// Whether a page with this `Origin` may ask the clerk to pair: an
    /// `https://` origin a browser can send (`scheme://host[:port]`, lower
    /// case, no default port, nothing after it), or with
    /// ``developmentOrigins`` `http://localhost` / `http://127.0.0.1`.
    /// Never `null` (sandboxed frames, `file:` pages), extension schemes or
    /// anything malformed: those are not a page the clerk could recognise.
    public func isPairable(_ origin: String) -> Bool {
        Self.isPairable(origin, development: developmentOrigins)
    }

    static func isPairable(_ origin: String, development: Bool) -> Bool {
        let pattern = #"^(https)://([a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?)*|\[[0-9a-f:.]+\])(:[1-9][0-9]{0,4})?$"#
        if origin.utf8.count <= 300, origin.range(of: pattern, options: .regularExpression) != nil {
            let port = origin.split(separator: ":").dropFirst(2).last.flatMap { Int($0) }
            return port.map { $0 <= 65535 && $0 != 443 } ?? true
        }
        guard development else { return false }
        return origin.range(of: #"^http://(localhost|127\.0\.0\.1)(:[1-9][0-9]{0,4})?$"#, options: .regularExpression) != nil
            && (origin.split(separator: ":").dropFirst(2).first.flatMap { Int($0) }.map { $0 <= 65535 && $0 != 80 } ?? true)
    }

    public func endAsking(_ origin: String?) {
        asking.remove(origin ?? "")
    }

    public func refuse(_ origin: String?) {
        refusedUntil[origin ?? ""] = Date().addingTimeInterval(Self.refusalMemory)
    }

    /// A new token for `origin`; "always" is written to the pairing file.
    public func issue(origin: String?, kind: String) throws -> String {
        var random = [UInt8](repeating: 0, count: 32)
        var generator = SystemRandomNumberGenerator()
        for index in random.indices { random[index] = UInt8.random(in: 0...255, using: &generator) }
        let token = Data(random).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        let key = origin ?? ""
        // At most 8 tokens per origin (a page that lost its token pairs again).
        let mine = pairings.filter { $0.origin == key }
        if mine.count >= 8, let oldest = mine.min(by: { ($0.lastUsed ?? $0.since) < ($1.lastUsed ?? $1.since) }) {
            pairings.removeAll { $0.tokenSHA256 == oldest.tokenSHA256 }
        }
        pairings.append(Pairing(origin: key, kind: kind, since: Date(), lastUsed: nil, tokenSHA256: Self.hash(token)))
        refusedUntil[key] = nil
        if kind == "always" { try save() }
        return token
    }

    /// Every pairing (one per token), oldest first.
    public func list() -> [Pairing] { pairings }

    /// Forgets every token of `origin`; the number forgotten.
    public func revoke(_ origin: String) throws -> Int {
        let before = pairings.count
        let remembered = pairings.contains { $0.origin == origin && $0.kind == "always" }
        pairings.removeAll { $0.origin == origin }
        if remembered { try save() }
        return before - pairings.count
    }

    private func save() throws {
        guard let path else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        let data = try encoder.encode(File(pairings: pairings.filter { $0.kind == "always" }))
        let directory = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let file = try AtomicOutputFile(path: path, replacing: true, mode: 0o600)
        try file.write(Array(data))
        try file.commit()
    }

    static func hash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).hexString
    }

    /// Compares without stopping at the first difference.
    static func equal(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for index in x.indices { difference |= x[index] ^ y[index] }
        return difference == 0
    }
}
