import Evidence
import Foundation
import Revocation
import X509

/// Revocation data for a certificate, from the sources EN 319 102-1 allows,
/// in order: what the signature carries, the local cache, and the network
/// only when allowed (`--online`, the daemon's configuration). Every answer
/// is checked (responder authorised by the CA, CRL signed by it and in
/// scope) before it counts; refused answers are named.
public struct RevocationSources: RevocationChecking {
    public let cache: RevocationCache?
    /// Nil: offline.
    public let fetcher: RevocationFetcher?
    /// OCSP responses and CRLs the user gave (`--revocation FILE`), DER.
    public let given: [[UInt8]]

    public init(cache: RevocationCache? = nil, fetcher: RevocationFetcher? = nil, given: [[UInt8]] = []) {
        self.cache = cache
        self.fetcher = fetcher
        self.given = given
    }

    public func findings(
        for certificate: CertificateRecord, issuer: CertificateRecord, embeddedOCSP: [[UInt8]], embeddedCRLs: [[UInt8]], at time: Date
    ) async -> (findings: [RevocationFinding], refusals: [String]) {
        guard let subject = certificate.certificate, let issuing = issuer.certificate else {
            return ([], ["the certificate or its issuer cannot be read for a revocation check"])
        }
        var findings: [RevocationFinding] = []
        var refusals: [String] = []
        func ocsp(_ der: [UInt8], origin: String) {
            let answer = Self.ocspAnswers.value(MemoKey(der, certificate.der, issuer.der)) {
                Self.read(der, of: subject, issuer: issuing)
            }
            switch answer {
            case .success(let status): findings.append(Self.finding(status, origin: origin))
            case .failure(let refusal): refusals.append("OCSP (\(origin)): \(refusal)")
            }
        }
        func crl(_ der: [UInt8], origin: String) {
            do {
                let list = try CertificateRevocationList(der: der)
                guard list.issuer == subject.issuer else { return }  // another CA's list carried alongside
                let status = try list.status(of: subject, issuer: issuing, at: list.thisUpdate)
                findings.append(Self.finding(status, origin: origin))
            } catch {
                refusals.append("CRL (\(origin)): \(error.code) \(error.detail)")
            }
        }
        for der in embeddedOCSP { ocsp(der, origin: "signature") }
        for der in embeddedCRLs { crl(der, origin: "signature") }
        for der in given {
            if (try? OCSPResponse.parse(der)) != nil { ocsp(der, origin: "file") } else { crl(der, origin: "file") }
        }
        let urls = RevocationURLs(of: subject)
        if let cache {
            let request = Self.requestKeys.value(MemoKey(certificate.der, issuer.der)) {
                OCSPRequest(certificate: subject, issuer: issuing, nonce: false).cacheKey
            }
            for url in urls.ocsp { if let der = cache.load(url: url, request: request) { ocsp(der, origin: "cache") } }
            for url in urls.crl { if let der = cache.load(url: url) { crl(der, origin: "cache") } }
        }
        if let fetcher, !findings.contains(where: { $0.issued >= time.addingTimeInterval(-60) }) {
            do {
                let fetched = try await fetcher.ocsp(for: subject, issuer: issuing)
                ocsp(fetched.der, origin: "network")
            } catch {
                refusals.append("OCSP (network): \(error.code) \(error.detail)")
                do {
                    let list = try await fetcher.crl(for: subject)
                    crl(list.der, origin: "network")
                } catch {
                    refusals.append("CRL (network): \(error.code) \(error.detail)")
                }
            }
        }
        findings.sort { $0.issued > $1.issued }
        return (findings, refusals)
    }

    /// Of `given` (OCSP responses and CRLs, DER), those that answer for
    /// `certificate`: an OCSP response about it whose responder checks out,
    /// a CRL of its issuer that is signed by the issuer. For collecting the
    /// validation data a signature will carry.
    public static func answering(_ given: [[UInt8]], for certificate: CertificateRecord, issuer: CertificateRecord) -> (ocsp: [[UInt8]], crls: [[UInt8]]) {
        guard let subject = certificate.certificate, let issuing = issuer.certificate else { return ([], []) }
        var ocsp: [[UInt8]] = [], crls: [[UInt8]] = []
        for der in given {
            if (try? OCSPResponse.parse(der)) != nil {
                if case .success = read(der, of: subject, issuer: issuing) { ocsp.append(der) }
            } else if let list = try? CertificateRevocationList(der: der), list.issuer == subject.issuer,
                (try? list.status(of: subject, issuer: issuing, at: list.thisUpdate)) != nil
            {
                crls.append(der)
            }
        }
        return (ocsp, crls)
    }

    /// An OCSP answer read and checked for one certificate (keyed by the
    /// answer's, the certificate's and the issuer's DER): a pure function
    /// of the three (the answer is judged at its own producedAt),
    /// so the same cached answer is parsed and its signature checked once
    /// per process, not once per document.
    static let ocspAnswers = Memo<MemoKey, Result<RevocationStatus, OCSPRefusal>>(limit: 1024)
    /// The cache's key of the OCSP request for (certificate, issuer).
    static let requestKeys = Memo<MemoKey, [UInt8]>(limit: 1024)

    struct OCSPRefusal: Error, Sendable, CustomStringConvertible {
        let description: String
    }

    static func read(_ der: [UInt8], of subject: Certificate, issuer: Certificate) -> Result<RevocationStatus, OCSPRefusal> {
        do {
            let response = try OCSPResponse.parse(der)
            guard let basic = response.basic else { return .failure(OCSPRefusal(description: "\(response.status)")) }
            return .success(try basic.status(of: subject, issuer: issuer, at: basic.responseData.producedAt))
        } catch {
            return .failure(OCSPRefusal(description: "\(error.code) \(error.detail)"))
        }
    }

    static func finding(_ status: RevocationStatus, origin: String) -> RevocationFinding {
        let kind = status.source == .ocsp ? "OCSP" : "CRL"
        let issued = status.producedAt ?? status.thisUpdate
        switch status.state {
        case .good:
            return RevocationFinding(status: .good, kind: kind, origin: origin, issued: issued, nextUpdate: status.nextUpdate)
        case .revoked(let at, let reason):
            return RevocationFinding(status: .revoked, revocationTime: at, reason: reason.map { "\($0)" }, kind: kind, origin: origin, issued: issued, nextUpdate: status.nextUpdate)
        case .suspended(let since):
            return RevocationFinding(status: .suspended, revocationTime: since, reason: "certificateHold", kind: kind, origin: origin, issued: issued, nextUpdate: status.nextUpdate)
        case .unknown:
            return RevocationFinding(status: .unknown, kind: kind, origin: origin, issued: issued, nextUpdate: status.nextUpdate)
        }
    }
}
