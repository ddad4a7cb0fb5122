import Evidence
import Foundation
import Revocation
import Signing
import Validation
import X509

/// What a B-LT signature must carry (EN 319 122-1 §5.5.3, EN 319 132-1
/// §5.5.1): every certificate of the signer's path and of each time-stamp
/// authority's path (anchors included), the certificates responders sent
/// with their answers, and revocation data for every certificate of those
/// paths but the anchors — an OCSP answer where the certificate names a
/// responder and one can be had, its CA's CRL otherwise. What cannot be had
/// is named in `missing`, never left out silently.
public struct LongTermData: Sendable, Equatable {
    /// The certificates, OCSP responses and CRLs (DER), each once.
    public var values = ValidationValues()
    /// One sentence per certificate without a path to an anchor or without revocation data.
    public var missing: [String] = []

    public var certificates: [[UInt8]] { values.certificates }
    public var ocspResponses: [[UInt8]] { values.ocspResponses }
    public var crls: [[UInt8]] { values.crls }

    public init() {}

    mutating func add(certificate der: [UInt8]) { if !values.certificates.contains(der) { values.certificates.append(der) } }
    mutating func add(ocspResponse der: [UInt8]) { if !values.ocspResponses.contains(der) { values.ocspResponses.append(der) } }
    mutating func add(crl der: [UInt8]) { if !values.crls.contains(der) { values.crls.append(der) } }

    /// What `other` holds, added (each value once).
    mutating func merge(_ other: LongTermData) {
        other.certificates.forEach { add(certificate: $0) }
        other.ocspResponses.forEach { add(ocspResponse: $0) }
        other.crls.forEach { add(crl: $0) }
        missing += other.missing
    }
}

/// Gathers ``LongTermData`` for one examined signature from the trust
/// sources (for the paths), the revocation cache (offline) and, when given,
/// the verification layer's fetcher (same limits, same refusal of private
/// addresses; what it fetches lands in the cache).
public struct ValidationDataCollector: Sendable {
    public let sources: [TrustSource]
    public let cache: RevocationCache?
    /// Nil: offline, the cache only.
    public let fetcher: RevocationFetcher?
    /// OCSP responses and CRLs the user gave (`--revocation FILE`: kept by an
    /// archive, say), DER; taken before the cache and the network.
    public let given: [[UInt8]]

    public init(sources: [TrustSource], cache: RevocationCache?, fetcher: RevocationFetcher?, given: [[UInt8]] = []) {
        self.sources = sources
        self.cache = cache
        self.fetcher = fetcher
        self.given = given
    }

    /// The collector over the same sources a validation uses: its cache, fetcher and the user's files.
    public init(sources: [TrustSource], revocation: RevocationSources) {
        self.init(sources: sources, cache: revocation.cache, fetcher: revocation.fetcher, given: revocation.given)
    }

    /// With `freshAfter` (the signature's latest time-stamp: its signature
    /// time-stamp, or its last archive time-stamp when renewing), revocation
    /// data older than that time is not taken from the cache, and an OCSP
    /// answer fetched older than it (answers carry whole seconds; a
    /// time-stamp may carry fractions) is asked again once the second has
    /// passed: validation accepts only revocation data issued after the
    /// time it proves the signature existed at.
    public func collect(for signature: ExaminedSignature, freshAfter: Date? = nil) async -> LongTermData {
        var data = LongTermData()
        // The paths exactly as validation builds them.
        let built = Paths(signature: signature, sources: sources)
        var paths: [CertificatePath] = []
        if let signer = signature.signingCertificate {
            paths.append(built.signer(signer))
        } else {
            data.missing.append("the signing certificate is not in the signature")
        }
        for (index, stamp) in signature.timeStamps.enumerated() {
            guard let tsa = stamp.tsaCertificate else { continue }
            paths.append(built.timeStamp(index, stamp, tsa: tsa))
        }
        var checked = Set<[UInt8]>()
        for path in paths {
            if !path.isTrusted, let leaf = path.certificates.first {
                data.missing.append("no path from \(leaf.subjectText) to a trust anchor")
            }
            for certificate in path.certificates { data.add(certificate: certificate.der) }
            for (index, certificate) in path.certificates.enumerated() where index + 1 < path.certificates.count {
                guard certificate.der != path.anchor?.der, checked.insert(certificate.der).inserted else { continue }
                // Freshness is asked of the leaf's data (the signer's, a TSA's), as validation asks it;
                // a CA's CRL published before the time-stamp still says the CA was not revoked.
                await addRevocation(
                    for: certificate, issuer: path.certificates[index + 1], freshAfter: index == 0 ? freshAfter : nil,
                    carried: signature.ocspResponses + signature.crls, into: &data)
            }
        }
        return data
    }

    /// What the signature carries and what the user gave first (OCSP, then
    /// CRL); then OCSP (cache, then network), the CRL otherwise (cache,
    /// then network).
    func addRevocation(
        for record: CertificateRecord, issuer: CertificateRecord, freshAfter: Date?, carried: [[UInt8]] = [], into data: inout LongTermData
    ) async {
        guard let certificate = record.certificate, let issuing = issuer.certificate else {
            data.missing.append("\(record.subjectText): the certificate or its issuer cannot be read for a revocation check")
            return
        }
        // What the signature carries already (an LT made by another tool), then what the user gave.
        let offered = RevocationSources.answering(carried + given, for: record, issuer: issuer)
        if let der = offered.ocsp.first(where: { Self.isFresh(ocsp: $0, after: freshAfter) }) { return addOCSP(der, into: &data) }
        if let der = offered.crls.first(where: { Self.isFresh(crl: $0, after: freshAfter) }) { return data.add(crl: der) }
        let urls = RevocationURLs(of: certificate)
        var problems: [String] = []
        if !urls.ocsp.isEmpty {
            let key = OCSPRequest(certificate: certificate, issuer: issuing, nonce: false).cacheKey
            if let cache, let der = urls.ocsp.lazy.compactMap({ cache.load(url: $0, request: key) }).first(where: { Self.isFresh(ocsp: $0, after: freshAfter) }) {
                return addOCSP(der, into: &data)
            }
            if let fetcher {
                do {
                    var der = try await fetcher.ocsp(for: certificate, issuer: issuing, nonce: false).der
                    if !Self.isFresh(ocsp: der, after: freshAfter) {
                        try? await Task.sleep(for: .milliseconds(1_100))
                        der = try await fetcher.ocsp(for: certificate, issuer: issuing, nonce: false).der
                    }
                    return addOCSP(der, into: &data)
                } catch {
                    problems.append("OCSP: \(error.code) \(error.detail)")
                }
            }
        }
        if !urls.crl.isEmpty {
            if let cache, let der = urls.crl.lazy.compactMap({ cache.load(url: $0) }).first(where: { Self.isFresh(crl: $0, after: freshAfter) }) {
                return data.add(crl: der)
            }
            if let fetcher {
                do {
                    return data.add(crl: try await fetcher.crl(for: certificate).der)
                } catch {
                    problems.append("CRL: \(error.code) \(error.detail)")
                }
            }
        }
        if urls.ocsp.isEmpty && urls.crl.isEmpty { problems.append("the certificate names no OCSP responder and no CRL") }
        if fetcher == nil { problems.append("nothing in the revocation cache, and fetching is off") }
        data.missing.append("no revocation data for \(record.subjectText): " + problems.joined(separator: "; "))
    }

    /// When an OCSP answer was produced (producedAt); nil when it cannot be read.
    static func issued(ocsp der: [UInt8]) -> Date? { (try? OCSPResponse.parse(der))?.basic?.responseData.producedAt }

    /// When a CRL was issued (thisUpdate); nil when it cannot be read.
    static func issued(crl der: [UInt8]) -> Date? { (try? CertificateRevocationList(der: der))?.thisUpdate }

    static func isFresh(ocsp der: [UInt8], after time: Date?) -> Bool {
        guard let time else { return true }
        return issued(ocsp: der).map { $0 >= time } ?? false
    }

    static func isFresh(crl der: [UInt8], after time: Date?) -> Bool {
        guard let time else { return true }
        return issued(crl: der).map { $0 >= time } ?? false
    }

    /// An OCSP answer and the certificates its responder sent.
    func addOCSP(_ der: [UInt8], into data: inout LongTermData) {
        data.add(ocspResponse: der)
        guard let basic = (try? OCSPResponse.parse(der))?.basic else { return }
        for certificate in basic.certificates {
            if let record = try? CertificateRecord(certificate) { data.add(certificate: record.der) }
        }
    }
}
