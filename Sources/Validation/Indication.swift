/// The main status of a validation (ETSI EN 319 102-1 §5.1.3), named exactly as the standard names it.
public enum Indication: String, Sendable, Codable, CaseIterable, Comparable {
    case totalPassed = "TOTAL-PASSED"
    case indeterminate = "INDETERMINATE"
    case totalFailed = "TOTAL-FAILED"

    /// Worse is greater: PASSED < INDETERMINATE < FAILED.
    public static func < (lhs: Indication, rhs: Indication) -> Bool { lhs.rank < rhs.rank }
    var rank: Int { self == .totalPassed ? 0 : self == .indeterminate ? 1 : 2 }
}

/// The sub-indications of EN 319 102-1 §5.1.3 (tables 5 and 6), named exactly as the standard names them.
public enum SubIndication: String, Sendable, Codable, CaseIterable {
    // TOTAL-FAILED
    case formatFailure = "FORMAT_FAILURE"
    case hashFailure = "HASH_FAILURE"
    case sigCryptoFailure = "SIG_CRYPTO_FAILURE"
    case revoked = "REVOKED"
    case expired = "EXPIRED"
    case notYetValid = "NOT_YET_VALID"
    // INDETERMINATE
    case sigConstraintsFailure = "SIG_CONSTRAINTS_FAILURE"
    case chainConstraintsFailure = "CHAIN_CONSTRAINTS_FAILURE"
    case certificateChainGeneralFailure = "CERTIFICATE_CHAIN_GENERAL_FAILURE"
    case cryptoConstraintsFailure = "CRYPTO_CONSTRAINTS_FAILURE"
    case policyProcessingError = "POLICY_PROCESSING_ERROR"
    case signaturePolicyNotAvailable = "SIGNATURE_POLICY_NOT_AVAILABLE"
    case timestampOrderFailure = "TIMESTAMP_ORDER_FAILURE"
    case noSigningCertificateFound = "NO_SIGNING_CERTIFICATE_FOUND"
    case noCertificateChainFound = "NO_CERTIFICATE_CHAIN_FOUND"
    case revokedNoPOE = "REVOKED_NO_POE"
    case revokedCANoPOE = "REVOKED_CA_NO_POE"
    case outOfBoundsNoPOE = "OUT_OF_BOUNDS_NO_POE"
    case outOfBoundsNotRevoked = "OUT_OF_BOUNDS_NOT_REVOKED"
    case revocationOutOfBoundsNoPOE = "REVOCATION_OUT_OF_BOUNDS_NO_POE"
    case cryptoConstraintsFailureNoPOE = "CRYPTO_CONSTRAINTS_FAILURE_NO_POE"
    case noPOE = "NO_POE"
    case tryLater = "TRY_LATER"
    case signedDataNotFound = "SIGNED_DATA_NOT_FOUND"
    case genericFailure = "GENERIC"
}
