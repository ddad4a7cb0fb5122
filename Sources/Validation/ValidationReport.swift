import Foundation

/// The one report model of a validation; rendered as JSON (docs/cli-json.md,
/// docs/validation-report.schema.json), as ETSI TS 119 102-2 XML, and as
/// the clerk's text.
public struct ValidationReport: Sendable, Codable {
    public var validationTime: Date
    public var policy: String
    public var trustSources: [TrustSourceReport]
    public var document: DocumentReport
    /// The worst indication over every signature (nil when there is none).
    public var indication: Indication?
    public var signatures: [SignatureReport]

    public struct DocumentReport: Sendable, Codable {
        public var name: String
        public var sha256: String
        public var size: Int
        public var detached: [DocumentReport]?
    }

    public struct TrustSourceReport: Sendable, Codable {
        public var name: String
        public var kind: String
        public var issued: Date?
        public var nextUpdate: Date?
        /// The source is past its NextUpdate and used anyway.
        public var expired: Bool
    }
}

/// One signature's result (counter-signatures are reported as signatures of
/// their own, with `parent`).
public struct SignatureReport: Sendable, Codable {
    public var id: String
    public var parent: String?
    public var format: String
    public var level: String
    public var indication: Indication
    public var subIndication: SubIndication?
    /// The stable message key of the verdict (`verdict.TOTAL-PASSED`, `sub.HASH_FAILURE`).
    public var messageKey: String
    public var reason: String
    public var qualification: QualificationReport?
    public var signer: SignerReport?
    public var claimedSigningTime: Date?
    public var bestSignatureTime: Date
    /// "time-stamp by …" or "validation time" (no proof of existence).
    public var bestSignatureTimeSource: String
    public var signatureAlgorithm: String
    public var signedData: [SignedDataReport]
    public var certificateChain: [CertificateReport]
    public var trustAnchor: String?
    public var timeStamps: [TimeStampReport]
    public var checks: [CheckReport]
}

public struct QualificationReport: Sendable, Codable {
    /// QESig, QESeal, AdESig-QC, AdESeal-QC, AdESig, AdESeal, Indeterminate QESig, …, or N/A.
    public var value: String
    public var source: String
    public var reasons: [String]
}

public struct SignerReport: Sendable, Codable {
    public var name: String?
    public var serialNumber: String?
    /// PNOPL-… (PESEL) when the certificate carries it.
    public var personIdentifier: String?
    public var organisation: String?
    public var organisationIdentifier: String?
    public var subject: String
    public var issuer: String
}

public struct SignedDataReport: Sendable, Codable {
    public var kind: String
    public var uri: String
    public var name: String?
    public var scope: String
    /// whole-document, whole-document-without-signatures, element, file, embedded, unknown.
    public var scopeKind: String
    public var sha256: String?
    public var intact: Bool
    public var problem: String?
}

public struct CertificateReport: Sendable, Codable {
    public var subject: String
    public var issuer: String
    public var serialNumber: String
    public var notBefore: Date
    public var notAfter: Date
    public var sha256: String
    public var trustAnchor: Bool
    public var revocation: RevocationFinding?
}

public struct TimeStampReport: Sendable, Codable {
    public var kind: String
    public var genTime: Date?
    public var tsa: String?
    public var indication: Indication
    public var subIndication: SubIndication?
    public var reason: String
    public var qualified: Bool?
}

public struct CheckReport: Sendable, Codable {
    public enum Status: String, Sendable, Codable { case passed = "PASSED", failed = "FAILED", indeterminate = "INDETERMINATE", info = "INFO" }
    public var name: String
    public var status: Status
    public var detail: String
}
