import XAdES

/// How one document is sealed, and what its output is called.
public enum SealMethod: String, Sendable, CaseIterable, Codable {
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

    var packaging: XAdESOptions.Packaging {
        switch self {
        case .xadesEnveloped: return .enveloped
        case .xadesEnveloping, .cadesAttached: return .enveloping
        case .xadesDetached, .cadesDetached: return .detached
        }
    }
}
