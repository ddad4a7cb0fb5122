import X509

/// A pointer to another list (`OtherTSLPointer`): in the EU list of lists,
/// one per national list (and one to the LOTL itself), with the
/// certificates allowed to sign that list.
public struct OtherTSLPointer: Sendable {
    /// `TSLLocation`: the URL of the list.
    public let location: String
    /// `SchemeTerritory` of the list pointed to.
    public let territory: String?
    /// `TSLType` of the list pointed to.
    public let type: String?
    /// `MimeType` (`application/vnd.etsi.tsl+xml` for the XML form; PDF copies also exist).
    public let mimeType: String?
    /// `SchemeOperatorName` of the list pointed to.
    public let operatorNames: [LocalizedText]
    /// The `ServiceDigitalIdentity` certificates allowed to sign the list, as DER
    /// (all of them, including those swift-certificates cannot read).
    public let signingCertificatesDER: [[UInt8]]
    /// The same certificates as read by swift-certificates (those it can read:
    /// not RSA-PSS with explicit parameters, not RSA keys under 2048 bits).
    public var signingCertificates: [Certificate] { signingCertificatesDER.compactMap { try? Certificate(derEncoded: $0) } }

    /// Does the pointer designate the XML form of a list (not its PDF copy)?
    public var isXML: Bool {
        guard let mimeType else { return !location.lowercased().hasSuffix(".pdf") }
        return mimeType.lowercased().hasSuffix("xml")
    }

    /// Does it point to a list of lists (the LOTL itself, or a pivot)?
    public var pointsToListOfLists: Bool { type?.hasSuffix("/TSLType/EUlistofthelists") ?? false }
}
