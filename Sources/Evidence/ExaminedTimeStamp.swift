import SignatureAlgorithms
import CMS
import Foundation
import SwiftASN1
import Timestamping
import X509

/// A time-stamp token found in a signature, checked as a signature of its
/// own (EN 319 102-1 validates each time-stamp as a token): is its message
/// imprint the digest of what it claims to stamp, is its signature intact,
/// which certificate signed it.
public struct ExaminedTimeStamp: Sendable {
    public enum Kind: String, Sendable, Codable {
        /// Over the signature value (XAdES SignatureTimeStamp, CAdES signature-time-stamp).
        case signature = "SIGNATURE_TIMESTAMP"
        /// Over the data before signing (AllDataObjectsTimeStamp, content-time-stamp).
        case content = "CONTENT_TIMESTAMP"
        /// Over the signature and the validation data references (XAdES-X type 1 / CAdES-X).
        case validationData = "VALIDATION_DATA_TIMESTAMP"
        /// Over the references only (XAdES-X type 2).
        case validationDataReferencesOnly = "VALIDATION_DATA_REFSONLY_TIMESTAMP"
        /// Over everything before it (XAdES-A / B-LTA, CAdES archive-time-stamp).
        case archive = "ARCHIVE_TIMESTAMP"
    }

    public var kind: Kind
    /// DER of the TimeStampToken (ContentInfo).
    public var der: [UInt8]
    /// The time the TSA vouches for.
    public var genTime: Date?
    public var policy: String?
    public var serialHex: String?
    /// The message imprint matches the stamped data (else HASH_FAILURE);
    /// nil when the stamped data could not be computed (e.g. an archive
    /// time-stamp over a form Podpis does not rebuild).
    public var imprintMatches: Bool?
    /// The token's own signature.
    public var signatureValue: SignatureValueCheck = .notChecked("not read")
    /// The TSA's certificate (named by the token's SID and, when present,
    /// its ESS signing-certificate attribute).
    public var tsaCertificate: CertificateRecord?
    /// The token's ESS signing-certificate reference matches the TSA certificate.
    public var signingCertificateReference: SigningCertificateReferenceCheck = .absent
    /// Certificates the token carries.
    public var certificates: [CertificateRecord] = []
    /// Why the token could not be read at all, if it could not.
    public var problem: String?

    public init(kind: Kind, der: [UInt8]) {
        self.kind = kind
        self.der = der
    }

    /// Reads and checks a token stamping `stamped` (the bytes whose digest it
    /// must carry; nil when unknown). `extraCertificates` are certificates
    /// found elsewhere in the signature (CertificateValues), tried when the
    /// token does not carry its signer.
    public static func examine(
        kind: Kind, token der: [UInt8], stamped: [UInt8]?, extraCertificates: [CertificateRecord] = []
    ) -> ExaminedTimeStamp {
        var feed: ((inout DigestHasher) -> Bool)? = nil
        if let stamped {
            feed = { (hasher: inout DigestHasher) -> Bool in
                hasher.update(stamped)
                return true
            }
        }
        return examine(kind: kind, token: der, stampedInto: feed, extraCertificates: extraCertificates)
    }

    /// Reads and checks a token whose stamped data is too large to hold at
    /// once (an archive time-stamp covers every reference, every property):
    /// `feed` gives those bytes, piece by piece, to a hasher of the token's
    /// imprint algorithm and returns false when it could not rebuild them
    /// (``imprintMatches`` stays nil then). A nil `feed` is "unknown".
    public static func examine(
        kind: Kind, token der: [UInt8], stampedInto feed: ((inout DigestHasher) -> Bool)?, extraCertificates: [CertificateRecord] = []
    ) -> ExaminedTimeStamp {
        var result = ExaminedTimeStamp(kind: kind, der: der)
        let signed: SignedData
        do { signed = try SignedData(contentInfo: der) } catch {
            result.problem = "token: \(error.detail)"
            return result
        }
        guard signed.contentType == CMSOID.tstInfo, let content = signed.content, let info = try? TSTInfo(derEncoded: content) else {
            result.problem = "token holds no TSTInfo"
            return result
        }
        result.genTime = ASN1Time.date(info.genTime)
        result.policy = info.policy.description
        result.serialHex = info.serialNumber.hexString.uppercased()
        if let feed {
            if let algorithm = DigestAlgorithm(oid: info.messageImprint.hashAlgorithm.algorithm) {
                var hasher = algorithm.hasher()
                if feed(&hasher) { result.imprintMatches = hasher.finalize() == Array(info.messageImprint.hashedMessage) }
            } else {
                result.problem = "message imprint algorithm \(info.messageImprint.hashAlgorithm.algorithm)"
            }
        }
        result.certificates = signed.certificates.compactMap { try? CertificateRecord(der: $0.bytes) }
        guard let signer = signed.parsedSignerInfos().first else {
            result.signatureValue = .notChecked("no SignerInfo")
            return result
        }
        let candidates = result.certificates + extraCertificates
        let check = SignerCheck.check(signer, content: content, candidates: candidates)
        result.tsaCertificate = check.certificate
        result.signatureValue = check.signatureValue
        result.signingCertificateReference = check.reference
        return result
    }
}
