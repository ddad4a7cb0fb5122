import Foundation

/// What a list says of a service from one status change on: the current
/// `ServiceInformation` or one `ServiceHistoryInstance` (both have this shape).
public struct ServiceInformation: Sendable {
    /// `ServiceTypeIdentifier`.
    public let type: ServiceType
    /// `ServiceName`.
    public let names: [LocalizedText]
    /// `ServiceDigitalIdentity`: the certificate, SKI, subject name of the service.
    public let digitalIdentities: [DigitalIdentity]
    /// `ServiceStatus`.
    public let status: ServiceStatus
    /// `StatusStartingTime`: from when the status holds.
    public let statusStartingTime: Date
    /// `ServiceSupplyPoints` (CRL, OCSP, TSA URLs), for display.
    public let supplyPoints: [String]
    /// The `ServiceInformationExtensions` this module reads.
    public let extensions: ServiceExtensions

    /// The service's name in `language` (else English, else the first).
    public func name(_ language: String = "en") -> String { names.preferred(language) ?? "" }
}

/// The `ServiceInformationExtensions` that decide qualification.
public struct ServiceExtensions: Sendable {
    /// `Qualifications`: qualifiers by criteria.
    public let qualifications: [QualificationElement]
    /// `AdditionalServiceInformation` URIs (`…/ForeSignatures`, `…/ForeSeals`,
    /// `…/ForWebSiteAuthentication`, `…/RootCA-QC`, …).
    public let additionalServiceInformation: [String]
    /// `TakenOverBy`: the provider that took the service over, with its territory.
    public let takenOverBy: TakenOverBy?
    /// `ExpiredCertsRevocationInfo`: revocation information kept for expired certificates from this date.
    public let expiredCertsRevocationInfo: Date?
    /// Extensions marked `Critical="true"` that this module does not read (their element names).
    public let unknownCritical: [String]

    public static let empty = ServiceExtensions(
        qualifications: [], additionalServiceInformation: [], takenOverBy: nil, expiredCertsRevocationInfo: nil, unknownCritical: [])

    static let asiPrefix = "http://uri.etsi.org/TrstSvc/TrustedList/SvcInfoExt/"
    /// The additional service information URI for signatures.
    public static let forESignatures = asiPrefix + "ForeSignatures"
    /// The additional service information URI for seals.
    public static let forESeals = asiPrefix + "ForeSeals"
    /// The additional service information URI for website authentication.
    public static let forWebSiteAuthentication = asiPrefix + "ForWebSiteAuthentication"
}

/// The `TakenOverBy` extension.
public struct TakenOverBy: Sendable, Hashable {
    public let uri: String?
    public let providerNames: [LocalizedText]
    public let territory: String?
}
