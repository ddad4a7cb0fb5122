import Foundation

/// Yes, no, or cannot be told (a list refused, services disagreeing).
public enum Determination: String, Sendable, Hashable, Codable {
    case yes, no, indeterminate
}

/// What a qualified certificate is for.
public enum QualifiedCertificateType: String, Sendable, Hashable, Codable {
    /// Electronic signatures (natural persons).
    case eSig
    /// Electronic seals (legal persons).
    case eSeal
    /// Website authentication.
    case web
}

/// Why a determination came out as it did; raw values are stable keys for
/// the report's sentences.
public enum QualificationNote: String, Sendable, Hashable, Codable {
    /// No service of the lists identifies the issuing CA.
    case noMatchingService = "no-matching-service"
    /// A list that could have named the CA was refused.
    case listRefused = "trusted-list-refused"
    /// The CA is listed, but its service is not a CA/QC at that time.
    case serviceNotCAQC = "service-not-ca-qc"
    /// The CA is listed only as a NationalRootCA-QC: not a grant.
    case nationalRootNotGrant = "national-root-ca-not-a-grant"
    /// The CA/QC service's status at that time is not granted (withdrawn, ceased, …).
    case serviceNotGranted = "service-not-granted"
    /// The service had no status yet at that time.
    case serviceNotYetListed = "service-not-yet-listed"
    /// Several services granted at that time disagree.
    case servicesDisagree = "services-disagree"
    /// The list's `NotQualified` qualifier applies.
    case listSaysNotQualified = "qualifier-not-qualified"
    /// The list's `QCStatement` qualifier makes it qualified.
    case listSaysQualified = "qualifier-qc-statement"
    /// The certificate's own QcCompliance statement makes it qualified.
    case certificateSaysQualified = "certificate-qc-compliance"
    /// Neither the list nor the certificate says it is qualified.
    case notQualifiedByCertificate = "certificate-not-qc"
    /// The type comes from a QCForESig/QCForESeal/QCForWSA qualifier.
    case typeFromList = "type-from-qualifier"
    /// The type comes from the certificate's QcType statement.
    case typeFromCertificate = "type-from-certificate"
    /// Issued under Directive 1999/93/EC: qualified certificates were for signatures only.
    case typeBeforeEIDAS = "type-directive-esig"
    /// No type given anywhere: EN 319 412-5 reads that as eSig.
    case typeDefault = "type-default-esig"
    /// Several types are claimed.
    case typeConflict = "type-conflict"
    /// The service's AdditionalServiceInformation does not cover the certificate's type.
    case typeNotInService = "type-not-in-service"
    /// The QSCD answer comes from a QCWithQSCD/QCNoQSCD qualifier.
    case qscdFromList = "qscd-from-qualifier"
    /// The QSCD answer comes from the certificate's QcSSCD statement.
    case qscdFromCertificate = "qscd-from-certificate"
    /// The private key is on a QSCD managed by a QTSP on the signer's behalf.
    case qscdManagedOnBehalf = "qscd-managed-on-behalf"
    /// The list gives conflicting QSCD qualifiers.
    case qscdConflict = "qscd-conflict"
    /// A criteria list holds criteria this module does not evaluate.
    case unsupportedCriteria = "criteria-unsupported"
    /// The qualifications differ between issuance and signing time.
    case changedSinceIssuance = "changed-since-issuance"
}

/// Which service of which list a determination used.
public struct ServiceReference: Sendable, Hashable {
    public let territory: String
    public let listSequenceNumber: Int
    public let providerName: String
    public let serviceName: String
    public let type: ServiceType
    /// The status at the time asked, and since when it held.
    public let status: ServiceStatus
    public let statusStartingTime: Date
}

/// TS 119 615 §4.3 determination at one moment (issuance or signing).
public struct QualificationAtTime: Sendable, Hashable {
    public let time: Date
    /// The CA/QC service whose status at `time` was used (nil: none found or none granted).
    public let service: ServiceReference?
    /// Was a matching CA/QC service granted at `time`?
    public let serviceGranted: Bool
    /// The qualifiers whose criteria the certificate met.
    public let qualifiers: [Qualifier]
    public let qualified: Determination
    public let type: QualifiedCertificateType?
    public let qscd: Determination
    public let notes: [QualificationNote]
}

/// TS 119 615 §4.4-style facts for an end-entity certificate: at its
/// issuance (notBefore) and at the signing time, with the reasons; the
/// trusted list overrules the certificate's own QCStatements where it says so.
public struct QualificationFacts: Sendable, Hashable {
    public let atIssuance: QualificationAtTime
    public let atSigning: QualificationAtTime?
    /// Qualified at issuance and (when given) at signing time.
    public let qualified: Determination
    public let type: QualifiedCertificateType?
    /// QSCD at signing time (at issuance when no signing time is given).
    public let qscd: Determination
    public let notes: [QualificationNote]

    /// A qualified certificate for electronic signatures.
    public var isQCForESig: Bool { qualified == .yes && type == .eSig }
    /// A qualified certificate for electronic seals.
    public var isQCForESeal: Bool { qualified == .yes && type == .eSeal }
    /// A qualified certificate for website authentication.
    public var isQCForWeb: Bool { qualified == .yes && type == .web }
}

/// What the lists say of a time-stamping authority at a time.
public struct TimeStampAuthorityFacts: Sendable, Hashable {
    /// Qualified (TSA/QTST, or a Directive-era TSA/TSS service, granted at the time)?
    public let qualified: Determination
    /// The service found (nil: the TSA is in no list).
    public let service: ServiceReference?
}
