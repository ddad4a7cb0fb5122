import SwiftASN1

/// The qualified-certificate statements extension (RFC 3739 / ETSI EN 319 412-5),
/// OID 1.3.6.1.5.5.7.1.3: `SEQUENCE OF QCStatement`.
public struct QCStatements: Sendable, Hashable, DERParseable {
    public static let extensionOID: ASN1ObjectIdentifier = [1, 3, 6, 1, 5, 5, 7, 1, 3]

    /// One statement: its id and, if present, the DER of its info.
    public struct Statement: Sendable, Hashable {
        public let id: ASN1ObjectIdentifier
        /// DER of the statement's info, when it has one.
        public let info: [UInt8]?
    }

    public let statements: [Statement]

    public init(derEncoded node: ASN1Node) throws {
        statements = try DER.sequence(of: Statement.self, identifier: .sequence, rootNode: node)
    }

    public func contains(_ id: ASN1ObjectIdentifier) -> Bool { statements.contains { $0.id == id } }

    // MARK: ETSI EN 319 412-5 statement ids

    public static let qcCompliance: ASN1ObjectIdentifier = [0, 4, 0, 1862, 1, 1]
    public static let qcLimitValue: ASN1ObjectIdentifier = [0, 4, 0, 1862, 1, 2]
    public static let qcRetentionPeriod: ASN1ObjectIdentifier = [0, 4, 0, 1862, 1, 3]
    public static let qcSSCD: ASN1ObjectIdentifier = [0, 4, 0, 1862, 1, 4]
    public static let qcPDS: ASN1ObjectIdentifier = [0, 4, 0, 1862, 1, 5]
    public static let qcType: ASN1ObjectIdentifier = [0, 4, 0, 1862, 1, 6]
    public static let qcCClegislation: ASN1ObjectIdentifier = [0, 4, 0, 1862, 1, 7]
    /// RFC 3739 semantics information (id-qcs-pkixQCSyntax-v2).
    public static let pkixQCSyntaxV2: ASN1ObjectIdentifier = [1, 3, 6, 1, 5, 5, 7, 11, 2]

    /// QcType: the purposes the certificate is issued for.
    public var types: [QcType] {
        guard let info = statements.first(where: { $0.id == Self.qcType })?.info,
            let oids = try? DER.sequence(of: ASN1ObjectIdentifier.self, identifier: .sequence, rootNode: DER.parse(info))
        else { return [] }
        return oids.map(QcType.init(oid:))
    }

    /// QcPDS: where the PKI disclosure statements are, and in which language.
    public var pdsLocations: [PDSLocation] {
        guard let info = statements.first(where: { $0.id == Self.qcPDS })?.info,
            let locations = try? DER.sequence(of: PDSLocation.self, identifier: .sequence, rootNode: DER.parse(info))
        else { return [] }
        return locations
    }

    /// QcCClegislation: countries whose law the certificate follows (non-EU qualified).
    public var legislationCountries: [String] {
        guard let info = statements.first(where: { $0.id == Self.qcCClegislation })?.info,
            let countries = try? DER.sequence(of: ASN1PrintableString.self, identifier: .sequence, rootNode: DER.parse(info))
        else { return [] }
        return countries.map(String.init)
    }
}

extension QCStatements.Statement: DERParseable {
    public init(derEncoded node: ASN1Node) throws {
        self = try DER.sequence(node, identifier: .sequence) { nodes in
            let id = try ASN1ObjectIdentifier(derEncoded: &nodes)
            let info = nodes.next().map { Array($0.encodedBytes) }
            return QCStatements.Statement(id: id, info: info)
        }
    }
}

/// What a qualified certificate is for (ETSI EN 319 412-5 QcType).
public enum QcType: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Electronic signature of a natural person.
    case esign
    /// Electronic seal of a legal person.
    case eseal
    /// Website authentication.
    case web
    case other(String)

    init(oid: ASN1ObjectIdentifier) {
        switch oid {
        case [0, 4, 0, 1862, 1, 6, 1]: self = .esign
        case [0, 4, 0, 1862, 1, 6, 2]: self = .eseal
        case [0, 4, 0, 1862, 1, 6, 3]: self = .web
        default: self = .other(oid.description)
        }
    }

    public var description: String {
        switch self {
        case .esign: return "esign"
        case .eseal: return "eseal"
        case .web: return "web"
        case .other(let oid): return oid
        }
    }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        switch text {
        case "esign": self = .esign
        case "eseal": self = .eseal
        case "web": self = .web
        default: self = .other(text)
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// A PKI disclosure statement location: a URL and its language.
public struct PDSLocation: Sendable, Hashable, Codable, DERParseable {
    public let url: String
    public let language: String

    public init(derEncoded node: ASN1Node) throws {
        self = try DER.sequence(node, identifier: .sequence) { nodes in
            let url = try ASN1IA5String(derEncoded: &nodes)
            let language = try ASN1PrintableString(derEncoded: &nodes)
            return PDSLocation(url: String(url), language: String(language))
        }
    }

    init(url: String, language: String) {
        self.url = url
        self.language = language
    }
}
