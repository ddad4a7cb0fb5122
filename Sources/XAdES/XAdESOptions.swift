import SignatureAlgorithms
import Foundation
import Signing
import Timestamping

/// What kind of XAdES signature to make.
public struct XAdESOptions: Sendable {
    /// Where the signed data lives relative to the signature.
    public enum Packaging: String, Sendable, CaseIterable, Codable {
        /// The signature inside the signed XML document.
        case enveloped
        /// The data inside the signature (ds:Object), as XML or base64.
        case enveloping
        /// The data in separate files, referenced by name.
        case detached
    }

    /// How an enveloped signature leaves signatures out of the document it signs.
    public enum EnvelopedTransform: String, Sendable, CaseIterable, Codable {
        /// XPath filter `not(ancestor-or-self::ds:Signature)`: every signature
        /// is left out, so later parallel signatures keep this one valid (as
        /// Polish signing tools do). Verifiers without XPath (signxml) cannot check it.
        case parallel = "xpath"
        /// The enveloped-signature transform: only this signature is left
        /// out; any signature added later inside the document breaks it.
        case envelopedSignature = "enveloped"
    }

    /// Which signing-certificate property to write.
    public enum SigningCertificateProperty: String, Sendable, CaseIterable, Codable {
        /// SigningCertificateV2 (EN 319 132-1): the baseline default.
        case v2
        /// SigningCertificate (XAdES 1.3.2, TS 101 903) for old verifiers.
        case v1
        /// Both.
        case both
    }

    public var packaging: Packaging
    public var level: BaselineLevel
    public var digest: HashAlgorithm
    public var signingTime: Date
    public var commitment: CommitmentType?
    public var claimedRole: String?
    public var policy: SignaturePolicy?
    /// Where the policy document can be read (SPURI qualifier), if known.
    public var policyURI: String?
    public var includeChain: Bool
    public var signingCertificate: SigningCertificateProperty
    /// Canonicalization of SignedInfo (and of the time-stamped SignatureValue).
    public var signedInfoCanonicalization: Canonicalization
    /// Canonicalization transform of each XML reference (document, object, signed properties).
    public var referenceCanonicalization: Canonicalization
    public var envelopedTransform: EnvelopedTransform
    /// For B-T and above: the time-stamp client (B-LTA: the archive time-stamp's too).
    public var timeStampClient: TimeStampClient?
    /// For B-LT and B-LTA: where the validation data comes from.
    public var validationData: (any ValidationDataSupplier)?
    /// The largest file put inside an enveloping signature.
    public var maximumEmbeddedSize: Int

    public init(
        packaging: Packaging = .enveloped, level: BaselineLevel = .bb, digest: HashAlgorithm = .sha256,
        signingTime: Date = Date(), commitment: CommitmentType? = nil, claimedRole: String? = nil,
        policy: SignaturePolicy? = nil, policyURI: String? = nil, includeChain: Bool = false,
        signingCertificate: SigningCertificateProperty = .v2,
        signedInfoCanonicalization: Canonicalization = .exclusive,
        referenceCanonicalization: Canonicalization = .exclusive,
        envelopedTransform: EnvelopedTransform = .parallel,
        timeStampClient: TimeStampClient? = nil, maximumEmbeddedSize: Int = 32 << 20
    ) {
        self.packaging = packaging
        self.level = level
        self.digest = digest
        self.signingTime = signingTime
        self.commitment = commitment
        self.claimedRole = claimedRole
        self.policy = policy
        self.policyURI = policyURI
        self.includeChain = includeChain
        self.signingCertificate = signingCertificate
        self.signedInfoCanonicalization = signedInfoCanonicalization
        self.referenceCanonicalization = referenceCanonicalization
        self.envelopedTransform = envelopedTransform
        self.timeStampClient = timeStampClient
        self.maximumEmbeddedSize = maximumEmbeddedSize
    }
}
