import X509

/// One `DigitalId` of a service's `ServiceDigitalIdentity`.
public enum DigitalIdentity: Sendable, Hashable {
    /// `X509Certificate`.
    case certificate(Certificate)
    /// `X509Certificate` that swift-certificates cannot read (kept as DER, matched byte for byte).
    case unreadableCertificate([UInt8])
    /// `X509SKI`: the subject key identifier.
    case subjectKeyIdentifier([UInt8])
    /// `X509SubjectName`, as written in the list.
    case subjectName(String)
    /// `KeyValue` or `Other`: kept only as its element name.
    case other(String)
}
