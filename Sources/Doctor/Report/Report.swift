import Foundation

/// Everything `podpis doctor` found, grouped as the desk is built: the
/// system (pcscd, podpisd, configuration, TSA, clock, udev), the PKCS#11
/// modules, then reader → card → token → certificate, and the tokens that
/// are in no reader (HSMs, software tokens).
public struct Report: Sendable {
    public var checkedAt: Date
    public var readerFocus: String?
    public var tokenFocus: String?
    public var system: [Finding] = []
    public var modules: [ModuleEntry] = []
    public var readers: [ReaderEntry] = []
    public var tokens: [TokenEntry] = []

    public init(checkedAt: Date, readerFocus: String? = nil, tokenFocus: String? = nil) {
        self.checkedAt = checkedAt
        self.readerFocus = readerFocus
        self.tokenFocus = tokenFocus
    }

    /// Every finding with where it was made, e.g. `reader:Virtual PCD 00 00/card/token:…/certificate:…`.
    public var located: [(place: String, finding: Finding)] {
        var out: [(String, Finding)] = system.map { ("system", $0) }
        for module in modules { out += module.findings.map { ("module:\(module.path)", $0) } }
        func tokenFindings(_ token: TokenEntry, _ prefix: String) -> [(String, Finding)] {
            let place = prefix + "token:\(token.label)"
            var items = token.findings.map { (place, $0) }
            for certificate in token.certificates {
                items += certificate.findings.map { (place + "/certificate:\(certificate.id)", $0) }
            }
            return items
        }
        for reader in readers {
            let place = "reader:\(reader.name)"
            out += reader.findings.map { (place, $0) }
            if let card = reader.card {
                out += card.findings.map { (place + "/card", $0) }
                for token in card.tokens { out += tokenFindings(token, place + "/card/") }
            }
        }
        for token in tokens { out += tokenFindings(token, "") }
        return out
    }

    /// The worst outcome of all findings.
    public var outcome: Outcome { located.map(\.finding.outcome).max() ?? .ok }

    /// 0: all ok; 1: warnings; 2: problems.
    public var exitCode: Int32 { outcome.exitCode }

    public var problemCount: Int { located.filter { $0.finding.outcome == .problem }.count }
    public var warningCount: Int { located.filter { $0.finding.outcome == .warning }.count }
}

public struct ModuleEntry: Sendable {
    public var name: String
    public var path: String
    /// Named in podpisd.toml or with --module.
    public var configured: Bool
    /// Registered with p11-kit.
    public var registered: Bool
    public var findings: [Finding]
}

public struct ReaderEntry: Sendable {
    public var name: String
    public var state: String
    public var findings: [Finding]
    public var card: CardEntry?
}

public struct CardEntry: Sendable {
    public var atr: String
    public var name: String?
    public var identifiedBy: String
    public var module: String?
    public var findings: [Finding]
    public var tokens: [TokenEntry]
}

public struct TokenEntry: Sendable {
    public var label: String
    public var serialNumber: String
    public var manufacturer: String
    public var model: String
    public var module: String
    public var modulePath: String
    public var slot: String
    public var pinStatus: String
    public var triesLeft: Int?
    public var findings: [Finding]
    public var certificates: [CertificateEntry]
}

public struct CertificateEntry: Sendable {
    /// The first 16 hex digits of the SHA-256, as `podpis certs` shows.
    public var id: String
    public var label: String
    public var commonName: String?
    public var subject: String
    public var issuer: String
    public var notAfter: Date
    public var qualifiedForSigning: Bool
    public var qualifiedForSealing: Bool
    public var findings: [Finding]
}
