import Evidence
import Foundation

/// What revocation data says about one certificate at one time.
public struct RevocationFinding: Sendable, Codable, Equatable {
    public enum Status: String, Sendable, Codable { case good, revoked, suspended, unknown }
    public var status: Status
    public var revocationTime: Date?
    public var reason: String?
    /// "OCSP" or "CRL", and where it came from ("signature", "cache", "network").
    public var kind: String
    public var origin: String
    /// When the data was issued (OCSP producedAt / thisUpdate, CRL thisUpdate) and until when it is current.
    public var issued: Date
    public var nextUpdate: Date?

    public init(status: Status, revocationTime: Date? = nil, reason: String? = nil, kind: String, origin: String, issued: Date, nextUpdate: Date? = nil) {
        self.status = status
        self.revocationTime = revocationTime
        self.reason = reason
        self.kind = kind
        self.origin = origin
        self.issued = issued
        self.nextUpdate = nextUpdate
    }
}

/// Finds revocation data for a certificate: in the signature, a cache, the
/// network when allowed. Returns the findings it could verify (newest
/// first); refused data (an unauthorised responder, a wrong serial) is
/// named in `refusals`.
public protocol RevocationChecking: Sendable {
    func findings(
        for certificate: CertificateRecord, issuer: CertificateRecord, embeddedOCSP: [[UInt8]], embeddedCRLs: [[UInt8]], at time: Date
    ) async -> (findings: [RevocationFinding], refusals: [String])
}

/// No revocation data beyond none: what a validation without any source gets.
public struct NoRevocationData: RevocationChecking {
    public init() {}
    public func findings(
        for certificate: CertificateRecord, issuer: CertificateRecord, embeddedOCSP: [[UInt8]], embeddedCRLs: [[UInt8]], at time: Date
    ) async -> (findings: [RevocationFinding], refusals: [String]) { ([], []) }
}
