import Foundation
import X509

/// What one signature shows about itself, read and checked by its format
/// module (XAdES or CAdES) before any question of trust: whether its bytes
/// are intact, which certificate it names, what it signs, its time-stamps
/// and the validation data it carries. The validation process (EN 319 102-1)
/// turns this into an indication; nothing here decides that.
public struct ExaminedSignature: Sendable {
    public enum Format: String, Sendable, Codable { case xades = "XAdES", cades = "CAdES" }

    /// The signature's Id (XML) or its position ("S-1", "S-1-C1" for CMS).
    public var id: String
    /// The signature this one counter-signs.
    public var parentID: String?
    public var format: Format
    public var level: FormatLevel
    /// The signature algorithm as written (URI or dotted OID) and its name.
    public var signatureAlgorithm: String
    /// The digest algorithm of the signed attributes / SignedInfo references.
    public var digestAlgorithm: DigestAlgorithm?

    /// Format failures (EN 319 102-1 FORMAT_FAILURE): structure that a
    /// conforming signature cannot have (a duplicate Id, a forbidden
    /// transform, a missing mandatory property).
    public var formatProblems: [String] = []
    /// What is odd but not a failure (shown in the report's checks).
    public var warnings: [String] = []
    /// The signature value over SignedInfo / the signed attributes, checked
    /// with the signing certificate's key.
    public var signatureValue: SignatureValueCheck = .notChecked("no signing certificate")
    /// What the signature covers: each reference (XAdES) or the content (CAdES).
    public var references: [ExaminedReference] = []

    /// The certificate whose key the signature names (SigningCertificate /
    /// SID), or nil when none of the certificates at hand is it.
    public var signingCertificate: CertificateRecord?
    /// The signed reference to the signing certificate and whether it matches.
    public var signingCertificateReference: SigningCertificateReferenceCheck = .absent
    /// Every certificate the signature carries (KeyInfo, SignedData,
    /// CertificateValues, time-stamp tokens), without duplicates.
    public var certificates: [CertificateRecord] = []
    /// Revocation data carried in the signature (RevocationValues, CMS crls, …), DER.
    public var ocspResponses: [[UInt8]] = []
    public var crls: [[UInt8]] = []

    /// The signing time the signer claims (not proof of anything).
    public var claimedSigningTime: Date?
    public var timeStamps: [ExaminedTimeStamp] = []
    public var counterSignatures: [ExaminedSignature] = []

    /// The digest of the signature value, the same for every format (so a
    /// report can name it).
    public var signatureValueDigest: [UInt8] = []

    public init(id: String, parentID: String? = nil, format: Format, level: FormatLevel, signatureAlgorithm: String) {
        self.id = id
        self.parentID = parentID
        self.format = format
        self.level = level
        self.signatureAlgorithm = signatureAlgorithm
    }

    /// Adds certificates not already held.
    public mutating func addCertificates(_ more: [CertificateRecord]) {
        for certificate in more where !certificates.contains(certificate) { certificates.append(certificate) }
    }

    /// One warning per archive time-stamp that does not hold (each named by
    /// `broken`): the level was named without the archive time-stamps.
    public mutating func warnArchiveTimeStampsNotCounted(_ broken: [String]) {
        for name in broken {
            let warning = "\(name): the level is named without the archive time-stamps"
            if !warnings.contains(warning) { warnings.append(warning) }
        }
    }
}

/// The outcome of checking a signature value.
public enum SignatureValueCheck: Sendable, Equatable {
    case intact
    /// The value does not verify with the key (SIG_CRYPTO_FAILURE).
    case broken(String)
    /// The algorithm or key is one Podpis cannot check (e.g. brainpool curves).
    case unsupported(String)
    /// Not checked (no key to check it with).
    case notChecked(String)
}

/// The signed reference to the signing certificate.
public enum SigningCertificateReferenceCheck: Sendable, Equatable {
    /// No signed reference at all (not an AdES).
    case absent
    /// A reference whose digest and issuer+serial match the signing certificate.
    case matches
    /// A reference whose digest does not match any certificate at hand.
    case digestMismatch(String)
    /// The digest matches but issuer+serial do not.
    case issuerSerialMismatch(String)
    /// The reference names a certificate that is not carried (NO_SIGNING_CERTIFICATE_FOUND).
    case certificateNotFound(String)
}
