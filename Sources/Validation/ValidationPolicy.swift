import Evidence
import Foundation

/// The rules a validation applies, with their defaults (docs/verification.md).
public struct ValidationPolicy: Sendable {
    public var name = "Podpis default (EN 319 102-1 basic + LTV)"
    /// The time the signature is judged at: the moment of each
    /// verification unless set (`--at`).
    public var validationTime: Date {
        get { fixedTime ?? Date() }
        set { fixedTime = newValue }
    }
    private var fixedTime: Date?
    /// Revocation data must have been issued after the best signature time
    /// (or the claimed signing time when no time-stamp proves one); older
    /// data gives TRY_LATER.
    public var revocationIssuedAfterSigning = true
    /// RSA keys shorter than this are not acceptable after `weakRSAUntil`.
    public var minimumRSABits = 1900
    public var weakRSAUntil = Date(timeIntervalSince1970: 1_388_534_399)  // 2013-12-31T23:59:59Z
    /// SHA-1 in signatures is not acceptable after this date.
    public var sha1Until = Date(timeIntervalSince1970: 1_483_228_799)  // 2016-12-31T23:59:59Z

    public init(validationTime: Date? = nil) { fixedTime = validationTime }

    /// This policy with the validation time fixed (to now if it was not set).
    func fixed() -> ValidationPolicy {
        var copy = self
        copy.fixedTime = validationTime
        return copy
    }

    /// Why a key or digest is not acceptable at `time`, or nil.
    func cryptoProblem(scheme: SignatureScheme?, key: CertificateRecord, at time: Date) -> String? {
        if let bits = key.rsaModulusBits, bits < minimumRSABits, time > weakRSAUntil {
            return "RSA-\(bits) key (acceptable only until \(Self.day(weakRSAUntil)))"
        }
        if scheme?.digest == .sha1, time > sha1Until { return "SHA-1 (acceptable only until \(Self.day(sha1Until)))" }
        return nil
    }

    static func day(_ date: Date) -> String { String(date.ISO8601Format().prefix(10)) }
}
