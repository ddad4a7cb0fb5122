import Foundation

/// The report as `podpis verify --json` prints it: `"schema":
/// "podpis.verify/1"` and the report's fields, side by side at the top level
/// (docs/cli-json.md, docs/validation-report.schema.json).
public struct JSONReport: Encodable, Sendable {
    public static let schema = "podpis.verify/1"
    public let report: ValidationReport

    public init(_ report: ValidationReport) { self.report = report }

    private enum Key: String, CodingKey { case schema }

    public func encode(to encoder: Encoder) throws {
        try report.encode(to: encoder)
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(Self.schema, forKey: .schema)
    }
}
