import Foundation
import Localization

extension Report {
    /// The schema name of `podpis doctor --json` (docs/cli-json.md).
    public static let schema = "podpis.doctor/1"

    /// The report as `podpis doctor --json` prints it, texts in `language`.
    public func json(in language: Language) -> JSONReport {
        func finding(_ f: Finding) -> JSONReport.Finding {
            JSONReport.Finding(
                code: f.code, outcome: f.outcome, check: f.check, found: f.found.text(in: language),
                why: f.why?.text(in: language), fix: f.fix?.text(in: language), details: f.details.isEmpty ? nil : f.details,
                seconds: f.seconds.map { ($0 * 1000).rounded() / 1000 })
        }
        func token(_ t: TokenEntry) -> JSONReport.Token {
            JSONReport.Token(
                label: t.label, serialNumber: t.serialNumber, manufacturer: t.manufacturer, model: t.model, module: t.module,
                modulePath: t.modulePath, slot: t.slot, pinStatus: t.pinStatus, triesLeft: t.triesLeft,
                findings: t.findings.map(finding),
                certificates: t.certificates.map { c in
                    JSONReport.Certificate(
                        id: c.id, label: c.label, commonName: c.commonName, subject: c.subject, issuer: c.issuer, notAfter: c.notAfter,
                        qualifiedForSigning: c.qualifiedForSigning, qualifiedForSealing: c.qualifiedForSealing, findings: c.findings.map(finding))
                })
        }
        return JSONReport(
            schema: Self.schema, language: language.rawValue, checkedAt: checkedAt, outcome: outcome, exitCode: exitCode,
            problems: problemCount, warnings: warningCount, focus: .init(reader: readerFocus, token: tokenFocus),
            system: system.map(finding),
            modules: modules.map { JSONReport.Module(name: $0.name, path: $0.path, configured: $0.configured, registered: $0.registered, findings: $0.findings.map(finding)) },
            readers: readers.map { r in
                JSONReport.Reader(
                    name: r.name, state: r.state, findings: r.findings.map(finding),
                    card: r.card.map { c in
                        JSONReport.Card(
                            atr: c.atr, name: c.name, identifiedBy: c.identifiedBy, module: c.module, findings: c.findings.map(finding),
                            tokens: c.tokens.map(token))
                    })
            },
            tokens: tokens.map(token),
            findings: located.map { place, f in
                var item = finding(f)
                item.place = place
                return item
            })
    }
}

/// `podpis.doctor/1`: the tree, plus `findings`, every finding flat with where it was made.
public struct JSONReport: Codable, Sendable {
    public let schema: String
    public let language: String
    public let checkedAt: Date
    public let outcome: Outcome
    public let exitCode: Int32
    public let problems: Int
    public let warnings: Int
    public let focus: Focus
    public let system: [Finding]
    public let modules: [Module]
    public let readers: [Reader]
    public let tokens: [Token]
    public let findings: [Finding]

    public struct Focus: Codable, Sendable {
        public let reader: String?
        public let token: String?
    }

    public struct Finding: Codable, Sendable {
        public let code: String
        public let outcome: Outcome
        public let check: String
        public let found: String
        public let why: String?
        public let fix: String?
        public let details: [String: String]?
        public let seconds: Double?
        /// Only in the flat list: `system`, `module:PATH`, `reader:NAME/card/token:LABEL/certificate:ID`…
        public var place: String?
    }

    public struct Module: Codable, Sendable {
        public let name: String
        public let path: String
        public let configured: Bool
        public let registered: Bool
        public let findings: [Finding]
    }

    public struct Reader: Codable, Sendable {
        public let name: String
        public let state: String
        public let findings: [Finding]
        public let card: Card?
    }

    public struct Card: Codable, Sendable {
        public let atr: String
        public let name: String?
        public let identifiedBy: String
        public let module: String?
        public let findings: [Finding]
        public let tokens: [Token]
    }

    public struct Token: Codable, Sendable {
        public let label: String
        public let serialNumber: String
        public let manufacturer: String
        public let model: String
        public let module: String
        public let modulePath: String
        public let slot: String
        public let pinStatus: String
        public let triesLeft: Int?
        public let findings: [Finding]
        public let certificates: [Certificate]
    }

    public struct Certificate: Codable, Sendable {
        public let id: String
        public let label: String
        public let commonName: String?
        public let subject: String
        public let issuer: String
        public let notAfter: Date
        public let qualifiedForSigning: Bool
        public let qualifiedForSealing: Bool
        public let findings: [Finding]
    }
}
