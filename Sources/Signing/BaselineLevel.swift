/// ETSI baseline levels Podpis produces (EN 319 122-1 for CAdES, EN 319 132-1
/// for XAdES): B-B, or B-T with a time-stamp on the signature value.
public enum BaselineLevel: String, Sendable, CaseIterable, Codable {
    case bb = "B-B"
    case bt = "B-T"
}
