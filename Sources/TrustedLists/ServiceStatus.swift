import Foundation

/// A `ServiceStatus` URI (TS 119 612 §5.5.4), including the statuses of
/// Directive 1999/93/EC lists kept in service histories.
public struct ServiceStatus: Sendable, Hashable, CustomStringConvertible {
    public let uri: String
    public init(uri: String) { self.uri = uri }
    public var description: String { shortName }

    static let prefix = "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/"
    public static let granted = ServiceStatus(uri: prefix + "granted")
    public static let withdrawn = ServiceStatus(uri: prefix + "withdrawn")
    public static let recognisedAtNationalLevel = ServiceStatus(uri: prefix + "recognisedatnationallevel")
    public static let deprecatedAtNationalLevel = ServiceStatus(uri: prefix + "deprecatedatnationallevel")
    // Before 1 July 2016 (Directive 1999/93/EC):
    public static let underSupervision = ServiceStatus(uri: prefix + "undersupervision")
    public static let supervisionInCessation = ServiceStatus(uri: prefix + "supervisionincessation")
    public static let supervisionCeased = ServiceStatus(uri: prefix + "supervisionceased")
    public static let supervisionRevoked = ServiceStatus(uri: prefix + "supervisionrevoked")
    public static let accredited = ServiceStatus(uri: prefix + "accredited")
    public static let accreditationCeased = ServiceStatus(uri: prefix + "accreditationceased")
    public static let accreditationRevoked = ServiceStatus(uri: prefix + "accreditationrevoked")

    /// The last path element (`granted`, `withdrawn`).
    public var shortName: String { uri.hasPrefix(Self.prefix) ? String(uri.dropFirst(Self.prefix.count)) : uri }

    /// A positive status (TS 119 615 §4.1): granted, or one of the
    /// Directive's positive statuses (under supervision, in cessation, accredited).
    public var isGranted: Bool {
        [Self.granted, .underSupervision, .supervisionInCessation, .accredited].contains(self)
    }
}
