import SignatureAlgorithms
import Foundation
import Signing
import Timestamping

/// What kind of CAdES signature to make.
public struct CAdESOptions: Sendable {
    /// ETSI EN 319 122-1 baseline level.
    public typealias Level = BaselineLevel

    public var level: Level
    public var digest: HashAlgorithm
    public var signingTime: Date
    public var commitment: CommitmentType?
    public var claimedRole: String?
    public var policy: SignaturePolicy?
    /// Also put the chain (CA certificates given to the signer) in the signature.
    public var includeChain: Bool
    /// For B-T and above: the time-stamp client (B-LTA: the archive time-stamp's too).
    public var timeStampClient: TimeStampClient?
    /// For B-LT and B-LTA: where the validation data comes from.
    public var validationData: (any ValidationDataSupplier)?
    /// Attached signatures embed the document: larger documents are refused.
    public var maximumAttachedSize: Int

    public init(
        level: Level = .bb, digest: HashAlgorithm = .sha256, signingTime: Date = Date(),
        commitment: CommitmentType? = nil, claimedRole: String? = nil, policy: SignaturePolicy? = nil,
        includeChain: Bool = false, timeStampClient: TimeStampClient? = nil, maximumAttachedSize: Int = 256 << 20
    ) {
        self.level = level
        self.digest = digest
        self.signingTime = signingTime
        self.commitment = commitment
        self.claimedRole = claimedRole
        self.policy = policy
        self.includeChain = includeChain
        self.timeStampClient = timeStampClient
        self.maximumAttachedSize = maximumAttachedSize
    }
}
