import Foundation
import X509

/// What revocation data says about one certificate, after every check
/// passed (a refusal is a ``RevocationError`` instead): the state, when the
/// data was issued and valid, and who signed it.
public struct RevocationStatus: Sendable, Hashable {
    /// The certificate's state according to the data.
    public enum State: Sendable, Hashable {
        case good
        /// Revoked at that time (permanently).
        case revoked(at: Date, reason: CRLReason?)
        /// On hold (certificateHold) since that time: may be released later.
        case suspended(since: Date)
        /// The responder does not know the certificate (OCSP only).
        case unknown
    }

    /// Where the answer came from.
    public enum Source: String, Sendable, Hashable {
        case ocsp, crl
    }

    public let state: State
    public let source: Source
    /// OCSP producedAt; nil for a CRL.
    public let producedAt: Date?
    public let thisUpdate: Date
    public let nextUpdate: Date?
    /// The certificate whose key verified the data: the issuing CA, or its delegated OCSP responder.
    public let signer: Certificate
    /// True when `signer` is a delegated OCSP responder rather than the CA itself.
    public let delegatedResponder: Bool
    /// The CRL entry's invalidity date (when the key is believed compromised), if given.
    public let invalidityDate: Date?

    public init(
        state: State, source: Source, producedAt: Date?, thisUpdate: Date, nextUpdate: Date?, signer: Certificate,
        delegatedResponder: Bool = false, invalidityDate: Date? = nil
    ) {
        self.state = state
        self.source = source
        self.producedAt = producedAt
        self.thisUpdate = thisUpdate
        self.nextUpdate = nextUpdate
        self.signer = signer
        self.delegatedResponder = delegatedResponder
        self.invalidityDate = invalidityDate
    }

    /// Who signed the data (the signer's subject).
    public var issuedBy: DistinguishedName { signer.subject }
}
