/// A signature's form: its format and where the content goes. The same
/// strings in podpisd.toml's seal profiles (`xml`, `other`), the batch API
/// (`method`) and the seal stream's records. (Signatures maps it to the
/// XAdES packaging.)
public enum SignatureForm: String, Sendable, CaseIterable, Codable {
    case xadesEnveloped = "xades-enveloped"
    case xadesEnveloping = "xades-enveloping"
    case xadesDetached = "xades-detached"
    case cadesAttached = "cades-attached"
    case cadesDetached = "cades-detached"

    public var isXAdES: Bool { rawValue.hasPrefix("xades") }

    /// `NAME.xades` (XAdES, as `podpis sign` names them), `NAME.p7s`
    /// (detached CAdES) or `NAME.p7m` (CAdES with the content inside).
    public func outputName(for name: String) -> String {
        switch self {
        case .xadesEnveloped, .xadesEnveloping, .xadesDetached: return name + ".xades"
        case .cadesDetached: return name + ".p7s"
        case .cadesAttached: return name + ".p7m"
        }
    }
}
