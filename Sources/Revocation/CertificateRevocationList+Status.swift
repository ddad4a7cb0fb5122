import Foundation
import SwiftASN1
import X509

extension CertificateRevocationList {
    /// CRL extensions this module understands; another one marked critical refuses the CRL.
    static let knownExtensions: Set<ASN1ObjectIdentifier> = [
        RevocationOID.crlNumber, RevocationOID.deltaCRLIndicator, RevocationOID.issuingDistributionPoint,
        RevocationOID.authorityKeyIdentifier, RevocationOID.issuerAltName, RevocationOID.freshestCRL, RevocationOID.expiredCertsOnCRL,
    ]

    /// The status of `certificate` (issued by `issuer`) at `time` according
    /// to this (complete, direct) CRL and optionally a `delta` CRL over it:
    /// - the CRL's issuer is the certificate's issuer and `issuer`'s subject (`revocation-crl-wrong-issuer`);
    /// - `issuer` may sign CRLs (key usage cRLSign, when it has key usage) and its key verifies the signature;
    /// - scope: onlyContainsCACerts does not cover an end-entity, onlyContainsUserCerts does not cover a CA,
    ///   onlyContainsAttributeCerts covers no public-key certificate (`revocation-crl-out-of-scope`);
    ///   indirect CRLs (`revocation-crl-indirect-unsupported`) and onlySomeReasons (`revocation-crl-partial-reasons`) refused;
    ///   no unknown critical extension; a delta CRL on its own is refused (`revocation-crl-delta-mismatch`);
    /// - thisUpdate ≤ time ≤ nextUpdate (`revocation-crl-not-yet-valid`, `revocation-crl-stale`).
    /// An entry with reason certificateHold is suspended; a delta's removeFromCRL entry lifts the base's hold.
    public func status(of certificate: Certificate, issuer: Certificate, at time: Date, delta: CertificateRevocationList? = nil)
        throws(RevocationError) -> RevocationStatus
    {
        guard !isDelta else { throw RevocationError(.crlDeltaMismatch, "a delta CRL is not a complete CRL") }
        try check(certificate: certificate, issuer: issuer, at: time)
        var entry = self.entry(for: certificate)
        if let delta {
            guard delta.isDelta, let base = delta.deltaBaseCRLNumber, let number = crlNumber,
                Self.compare(base, number) <= 0, delta.issuer == issuer.subject
            else { throw RevocationError(.crlDeltaMismatch, "the delta CRL does not apply to this base CRL") }
            try delta.check(certificate: certificate, issuer: issuer, at: time)
            if let deltaEntry = delta.entry(for: certificate) {
                entry = deltaEntry.reason == .removeFromCRL ? nil : deltaEntry
            }
        }
        let state: RevocationStatus.State
        if let entry {
            switch entry.reason {
            case .certificateHold: state = .suspended(since: entry.revocationDate)
            // removeFromCRL belongs in delta CRLs (handled above); in a base CRL it lists nothing
            case .removeFromCRL: state = .good
            default: state = .revoked(at: entry.revocationDate, reason: entry.reason)
            }
        } else {
            state = .good
        }
        let newest = delta ?? self
        return RevocationStatus(
            state: state, source: .crl, producedAt: nil, thisUpdate: newest.thisUpdate, nextUpdate: newest.nextUpdate, signer: issuer,
            invalidityDate: entry?.invalidityDate)
    }

    /// Issuer, signature, scope and time checks shared by base and delta CRLs.
    func check(certificate: Certificate, issuer: Certificate, at time: Date) throws(RevocationError) {
        guard self.issuer == issuer.subject, certificate.issuer == issuer.subject else {
            throw RevocationError(.crlWrongIssuer, "the CRL is issued by \(self.issuer), the certificate by \(certificate.issuer)")
        }
        if let usage = (try? issuer.extensions.keyUsage).flatMap({ $0 }), !usage.cRLSign {
            throw RevocationError(.crlIssuerNotForCRLs, "\(issuer.subject) lacks key usage cRLSign")
        }
        switch SignatureCheck.verify(signature: signature, algorithm: signatureAlgorithm, over: tbsBytes, key: issuer.publicKey) {
        case .valid: break
        case .invalid: throw RevocationError(.crlBadSignature, "not signed by \(issuer.subject)")
        case .unsupported: throw RevocationError(.unsupportedAlgorithm, "\(signatureAlgorithm.algorithm)")
        }
        for ext in extensions where ext.critical && !Self.knownExtensions.contains(ext.oid) {
            throw RevocationError(.crlUnknownCriticalExtension, "\(ext.oid)")
        }
        if let idp = issuingDistributionPoint {
            if idp.indirectCRL { throw RevocationError(.crlIndirectUnsupported, "indirectCRL") }
            if idp.onlySomeReasons != nil { throw RevocationError(.crlPartialReasons, "onlySomeReasons") }
            let isCA = ((try? certificate.extensions.basicConstraints).flatMap { $0 }).map {
                if case .isCertificateAuthority = $0 { return true } else { return false }
            } ?? false
            if idp.onlyContainsAttributeCerts { throw RevocationError(.crlOutOfScope, "onlyContainsAttributeCerts") }
            if idp.onlyContainsCACerts && !isCA { throw RevocationError(.crlOutOfScope, "onlyContainsCACerts, the certificate is an end entity") }
            if idp.onlyContainsUserCerts && isCA { throw RevocationError(.crlOutOfScope, "onlyContainsUserCerts, the certificate is a CA") }
        }
        if hasIndirectEntries { throw RevocationError(.crlIndirectUnsupported, "certificateIssuer entry") }
        guard thisUpdate <= time else { throw RevocationError(.crlNotYetValid, "thisUpdate \(thisUpdate) is after \(time)") }
        if let nextUpdate, nextUpdate < time { throw RevocationError(.crlStale, "nextUpdate \(nextUpdate) is before \(time)") }
    }

    /// Compares two non-negative INTEGER contents by value.
    static func compare(_ a: ArraySlice<UInt8>, _ b: ArraySlice<UInt8>) -> Int {
        let x = SignatureCheck.normalised(a), y = SignatureCheck.normalised(b)
        if x.count != y.count { return x.count < y.count ? -1 : 1 }
        for (p, q) in zip(x, y) where p != q { return p < q ? -1 : 1 }
        return 0
    }
}
