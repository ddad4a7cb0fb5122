/// A trust service provider of a list (`TrustServiceProvider`).
public struct TrustServiceProvider: Sendable {
    /// `TSPName` in each language given.
    public let names: [LocalizedText]
    /// `TSPTradeName` entries (brands, VAT or registration ids).
    public let tradeNames: [LocalizedText]
    /// `TSPInformationURI`.
    public let informationURIs: [LocalizedText]
    /// The provider's services.
    public let services: [TrustService]

    /// The provider's name in `language` (else English, else the first).
    public func name(_ language: String = "en") -> String { names.preferred(language) ?? "" }

    /// Does the provider have a qualified service (type ending in `/Q`, or
    /// CA/QC) whose current status is granted?
    public var hasGrantedQualifiedService: Bool {
        services.contains { $0.current.status.isGranted && $0.current.type.isQualified }
    }
}
