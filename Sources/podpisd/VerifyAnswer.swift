import Validation

/// The JSON answer: the report (``ValidationReport``, as `podpis verify
/// --json` writes it) with its schema name, `podpis.verify/1`.
struct VerifyAnswer: Encodable {
    let schema = "podpis.verify/1"
    let report: ValidationReport

    private enum Key: String, CodingKey { case schema }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(schema, forKey: .schema)
        try report.encode(to: encoder)
    }
}
