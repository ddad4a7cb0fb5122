/// The format level a signature reaches, apart from whether it is valid:
/// the baseline names of EN 319 132-1 / EN 319 122-1 and the older TS 101
/// 903 / TS 101 733 names for signatures made before them.
public enum FormatLevel: String, Sendable, Codable, CaseIterable {
    case baselineB = "BASELINE-B"
    case baselineT = "BASELINE-T"
    case baselineLT = "BASELINE-LT"
    case baselineLTA = "BASELINE-LTA"
    case bes = "BES"
    case epes = "EPES"
    case t = "T"
    case c = "C"
    case x = "X"
    case xl = "XL"
    case a = "A"
    /// XML-DSig or CMS without the AdES signed properties.
    case notETSI = "NOT-ETSI"

    /// "XAdES-BASELINE-T", "CAdES-BES", "XML-DSig (nie ETSI)".
    public func name(_ format: ExaminedSignature.Format) -> String {
        self == .notETSI ? "\(format == .xades ? "XML-DSig" : "CMS") NOT-ETSI" : "\(format.rawValue)-\(rawValue)"
    }
}
