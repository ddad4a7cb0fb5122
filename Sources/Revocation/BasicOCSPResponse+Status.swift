import Foundation
import SignatureAlgorithms
import SwiftASN1
import X509

extension OCSPResponse {
    /// The status of `certificate` (issued by `issuer`) at `time`, after
    /// checking the response fully: status successful, a basic response, see
    /// ``BasicOCSPResponse/status(of:issuer:at:nonce:)``.
    public func status(of certificate: Certificate, issuer: Certificate, at time: Date, nonce: [UInt8]? = nil) throws(RevocationError)
        -> RevocationStatus
    {
        guard status == .successful else { throw RevocationError(.ocspNotSuccessful, status.description) }
        guard let basic else {
            throw RevocationError(.ocspUnsupported, "response type \(responseType.map { "\($0)" } ?? "absent")")
        }
        return try basic.status(of: certificate, issuer: issuer, at: time, nonce: nonce)
    }
}

extension BasicOCSPResponse {
    /// The status of `certificate` (issued by `issuer`) at `time`:
    /// - a SingleResponse whose CertID (SHA-1, -256, -384 or -512) names this
    ///   serial, issuer name and issuer key (else `revocation-ocsp-wrong-certificate`);
    /// - signed by an authorised responder: the issuing CA itself, or a
    ///   certificate the response carries that the CA issued, with extended key
    ///   usage id-kp-OCSPSigning, valid at producedAt (else
    ///   `revocation-ocsp-unauthorised-responder`, the detail naming why);
    /// - the signature verifies (`revocation-ocsp-bad-signature`);
    /// - thisUpdate ≤ time (`revocation-ocsp-not-yet-valid`) and time ≤ nextUpdate
    ///   when present (`revocation-ocsp-stale`);
    /// - with `nonce`, the response echoes it (`revocation-ocsp-nonce-mismatch`).
    /// "revoked" with reason certificateHold is reported as suspended.
    public func status(of certificate: Certificate, issuer: Certificate, at time: Date, nonce: [UInt8]? = nil) throws(RevocationError)
        -> RevocationStatus
    {
        guard let single = responseData.responses.first(where: { $0.certID.matches(certificate: certificate, issuer: issuer) }) else {
            let serials = responseData.responses.map { $0.certID.serialNumber.hexString.uppercased() }
            throw RevocationError(
                .ocspWrongCertificate,
                "asked about serial \(certificate.serialNumber), the answer is about \(serials.isEmpty ? "nothing" : serials.joined(separator: ", "))")
        }
        let (signer, delegated) = try responder(issuer: issuer)
        switch SignatureCheck.verify(signature: signature, algorithm: signatureAlgorithm, over: tbsResponseData, key: signer.publicKey) {
        case .valid: break
        case .invalid: throw RevocationError(.ocspBadSignature, "signature by \(signer.subject)")
        case .unsupported: throw RevocationError(.unsupportedAlgorithm, "\(signatureAlgorithm.algorithm)")
        }
        if let nonce, responseData.nonce != nonce {
            throw RevocationError(.ocspNonceMismatch, responseData.nonce == nil ? "the response carries no nonce" : "another nonce")
        }
        guard single.thisUpdate <= time else {
            throw RevocationError(.ocspNotYetValid, "thisUpdate \(single.thisUpdate) is after \(time)")
        }
        if let next = single.nextUpdate, next < time {
            throw RevocationError(.ocspStale, "nextUpdate \(next) is before \(time)")
        }
        let state: RevocationStatus.State
        switch single.certStatus {
        case .good: state = .good
        case .unknown: state = .unknown
        case .revoked(let at, let reason): state = reason == .certificateHold ? .suspended(since: at) : .revoked(at: at, reason: reason)
        }
        return RevocationStatus(
            state: state, source: .ocsp, producedAt: responseData.producedAt, thisUpdate: single.thisUpdate,
            nextUpdate: single.nextUpdate, signer: signer, delegatedResponder: delegated)
    }

    /// The certificate that must have signed the response, if it is authorised for `issuer`'s certificates.
    func responder(issuer: Certificate) throws(RevocationError) -> (Certificate, delegated: Bool) {
        let id = responseData.responderID
        if id.identifies(issuer) { return (issuer, false) }
        guard let candidate = certificates.first(where: { id.identifies($0) }) else {
            throw RevocationError(
                .ocspUnauthorisedResponder, "the responder \(id.label) is not \(issuer.subject) and its certificate is not in the response")
        }
        guard candidate.issuer == issuer.subject, issuer.publicKey.isValidSignature(candidate.signature, for: candidate) else {
            throw RevocationError(.ocspUnauthorisedResponder, "\(candidate.subject) was not issued by \(issuer.subject)")
        }
        let usages = (try? candidate.extensions.extendedKeyUsage).flatMap { $0 }.map { Array($0) } ?? []
        guard usages.contains(.ocspSigning) else {
            throw RevocationError(.ocspUnauthorisedResponder, "\(candidate.subject) lacks extended key usage id-kp-OCSPSigning")
        }
        let produced = responseData.producedAt
        guard candidate.notValidBefore <= produced, produced <= candidate.notValidAfter else {
            throw RevocationError(
                .ocspUnauthorisedResponder,
                "\(candidate.subject) was not valid at producedAt \(produced) (\(candidate.notValidBefore) – \(candidate.notValidAfter))")
        }
        return (candidate, true)
    }
}

extension ResponderID {
    var label: String {
        switch self {
        case .byName(let name): "\(name)"
        case .byKey(let hash): "key " + hash.hexString.uppercased()
        }
    }
}
