import XAdES

import Signing

extension SignatureForm {
    /// The form of a request's format (XAdES or CAdES) and packaging.
    public init(xades: Bool, packaging: XAdESOptions.Packaging) {
        switch (xades, packaging) {
        case (true, .enveloped): self = .xadesEnveloped
        case (true, .enveloping): self = .xadesEnveloping
        case (true, .detached): self = .xadesDetached
        case (false, .detached): self = .cadesDetached
        case (false, _): self = .cadesAttached
        }
    }

    public var packaging: XAdESOptions.Packaging {
        switch self {
        case .xadesEnveloped: return .enveloped
        case .xadesEnveloping, .cadesAttached: return .enveloping
        case .xadesDetached, .cadesDetached: return .detached
        }
    }
}
