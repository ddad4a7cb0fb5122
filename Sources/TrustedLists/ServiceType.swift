/// A `ServiceTypeIdentifier` URI (TS 119 612 §5.5.1).
public struct ServiceType: Sendable, Hashable, CustomStringConvertible {
    public let uri: String
    public init(uri: String) { self.uri = uri }
    public var description: String { uri }

    static let prefix = "http://uri.etsi.org/TrstSvc/Svctype/"
    /// A CA issuing qualified certificates.
    public static let caQC = ServiceType(uri: prefix + "CA/QC")
    /// A CA issuing non-qualified certificates.
    public static let caPKC = ServiceType(uri: prefix + "CA/PKC")
    /// A national root CA for qualified certificates: not itself a grant.
    public static let nationalRootCAQC = ServiceType(uri: prefix + "NationalRootCA-QC")
    /// A qualified time-stamping service.
    public static let tsaQTST = ServiceType(uri: prefix + "TSA/QTST")
    /// A time-stamping service (not qualified).
    public static let tsa = ServiceType(uri: prefix + "TSA")
    /// A time-stamping service of a QES-supporting scheme (pre-eIDAS).
    public static let tsaTSSQC = ServiceType(uri: prefix + "TSA/TSS-QC")
    /// A time-stamping service whose time-stamps support advanced signatures (pre-eIDAS).
    public static let tsaTSSAdESQCandQES = ServiceType(uri: prefix + "TSA/TSS-AdESQCandQES")

    /// The last path element (`QC`, `QTST`, `Q`), for short displays.
    public var shortName: String { uri.hasPrefix(Self.prefix) ? String(uri.dropFirst(Self.prefix.count)) : uri }

    /// A qualified service type: CA/QC, TSA/QTST or any `…/Q` (EDS/Q, QESValidation/Q, …).
    public var isQualified: Bool { self == .caQC || self == .tsaQTST || uri.hasSuffix("/Q") }

    /// A time-stamping service of any kind.
    public var isTimeStamping: Bool { uri.hasPrefix(Self.prefix + "TSA") }
}
