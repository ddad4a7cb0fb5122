/// A natural or legal person's identifier in the ETSI EN 319 412-1 form
/// `TTTCC-value`: type, country, value. Poland uses `PNOPL-` (PESEL) for
/// people in `serialNumber` and `VATPL-` (NIP) for organisations in
/// `organizationIdentifier`.
public struct SubjectIdentifier: Sendable, Hashable, Codable, CustomStringConvertible {
    /// PAS, IDC, PNO, TIN, VAT, NTR, PSD, LEI, …
    public let type: String
    /// ISO 3166 country code, e.g. PL.
    public let country: String
    public let value: String

    /// Parses `PNOPL-80010112345`; nil when the text is not in this form.
    public init?(_ text: String) {
        let chars = Array(text)
        guard chars.count > 6, chars[5] == "-" else { return nil }
        let type = String(chars[0..<3])
        let country = String(chars[3..<5])
        guard type.allSatisfy({ $0.isUppercase && $0.isASCII }), country.allSatisfy({ $0.isUppercase && $0.isASCII })
        else { return nil }
        self.type = type
        self.country = country
        self.value = String(chars[6...])
    }

    public var description: String { "\(type)\(country)-\(value)" }

    /// What the type means, for people reading a certificate.
    public var typeName: String {
        switch type {
        case "PNO": return country == "PL" ? "PESEL" : "national personal number"
        case "VAT": return country == "PL" ? "NIP" : "VAT number"
        case "NTR": return country == "PL" ? "KRS/REGON" : "national trade register"
        case "PAS": return "passport"
        case "IDC": return "identity card"
        case "TIN": return "tax identification number"
        case "PSD": return "PSD2 authorisation"
        case "LEI": return "Legal Entity Identifier"
        default: return type
        }
    }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let id = SubjectIdentifier(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: text))
        }
        self = id
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
