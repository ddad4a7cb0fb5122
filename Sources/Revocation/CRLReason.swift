import SwiftASN1

/// `CRLReason ::= ENUMERATED` (RFC 5280 §5.3.1), used by CRL entries and OCSP's RevokedInfo.
public enum CRLReason: Int, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case unspecified = 0
    case keyCompromise = 1
    case caCompromise = 2
    case affiliationChanged = 3
    case superseded = 4
    case cessationOfOperation = 5
    /// A suspension: the certificate may come back (reported as suspended, not revoked).
    case certificateHold = 6
    /// Only in a delta CRL: the hold listed in the base CRL is lifted.
    case removeFromCRL = 8
    case privilegeWithdrawn = 9
    case aaCompromise = 10

    /// Reads an ENUMERATED value (an unknown value is malformed).
    init(enumerated node: ASN1Node) throws {
        let value = try Int(derEncoded: node, withIdentifier: .enumerated)
        guard let reason = CRLReason(rawValue: value) else {
            throw ASN1Error.invalidASN1Object(reason: "CRLReason \(value)")
        }
        self = reason
    }

    /// The RFC 5280 name (as openssl prints it, e.g. "keyCompromise").
    public var description: String {
        switch self {
        case .unspecified: "unspecified"
        case .keyCompromise: "keyCompromise"
        case .caCompromise: "cACompromise"
        case .affiliationChanged: "affiliationChanged"
        case .superseded: "superseded"
        case .cessationOfOperation: "cessationOfOperation"
        case .certificateHold: "certificateHold"
        case .removeFromCRL: "removeFromCRL"
        case .privilegeWithdrawn: "privilegeWithdrawn"
        case .aaCompromise: "aACompromise"
        }
    }
}
