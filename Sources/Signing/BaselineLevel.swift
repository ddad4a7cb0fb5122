/// ETSI baseline levels Podpis produces (EN 319 122-1 for CAdES, EN 319 132-1
/// for XAdES): B-B; B-T with a time-stamp on the signature value; B-LT with,
/// besides, the certificates and revocation data validation needs; B-LTA
/// with, besides, an archive time-stamp over all of it.
public enum BaselineLevel: String, Sendable, CaseIterable, Codable {
    case bb = "B-B"
    case bt = "B-T"
    case blt = "B-LT"
    case blta = "B-LTA"

    /// Every level above B-B carries a signature time-stamp.
    public var isTimeStamped: Bool { self != .bb }
    /// B-LT and B-LTA carry their validation data.
    public var carriesValidationData: Bool { self == .blt || self == .blta }
}

/// The validation data a B-LT signature carries (DER): the certificates of
/// the signer's and the time-stamp authority's paths, OCSP responses and CRLs.
public struct ValidationValues: Sendable, Equatable {
    public var certificates: [[UInt8]]
    public var ocspResponses: [[UInt8]]
    public var crls: [[UInt8]]

    public init(certificates: [[UInt8]] = [], ocspResponses: [[UInt8]] = [], crls: [[UInt8]] = []) {
        self.certificates = certificates
        self.ocspResponses = ocspResponses
        self.crls = crls
    }
}

/// Gives a signature being made at B-LT or B-LTA its validation data: for
/// the signer's certificate and the signature time-stamp just obtained,
/// revocation data issued at or after that time-stamp (validation accepts
/// nothing older). Throws, naming what is missing, when it cannot.
/// The signature makers call it; LongTerm implements it (a signing layer
/// must not fetch revocation data itself).
public protocol ValidationDataSupplier: Sendable {
    func values(signerCertificate: [UInt8], chain: [[UInt8]], signatureTimeStamp token: [UInt8]) async throws -> ValidationValues
}
