import SwiftASN1
import X509

/// The URLs a certificate gives for its revocation data and its issuer:
/// AuthorityInfoAccess (id-ad-ocsp, id-ad-caIssuers) and the CRL
/// distribution points' full names. Only uniformResourceIdentifier names are
/// taken; whether a URL is fetched at all is ``RevocationFetcher``'s decision
/// (http and https only, checked addresses).
public struct RevocationURLs: Sendable, Hashable {
    public var ocsp: [String]
    public var caIssuers: [String]
    public var crl: [String]

    public init(ocsp: [String] = [], caIssuers: [String] = [], crl: [String] = []) {
        self.ocsp = ocsp
        self.caIssuers = caIssuers
        self.crl = crl
    }

    /// The URLs in `certificate` (a damaged extension gives none, not an error).
    public init(of certificate: Certificate) {
        self.init()
        if let aia = (try? certificate.extensions.authorityInformationAccess).flatMap({ $0 }) {
            for description in aia {
                guard case .uniformResourceIdentifier(let url) = description.location else { continue }
                if description.method == .ocspServer { ocsp.append(url) }
                if description.method == .issuingCA { caIssuers.append(url) }
            }
        }
        if let ext = certificate.extensions[oid: RevocationOID.crlDistributionPoints] {
            crl = (try? Self.distributionPointURLs(ext.value)) ?? []
        }
    }

    /// `CRLDistributionPoints ::= SEQUENCE OF DistributionPoint`; each
    /// `distributionPoint [0] { fullName [0] GeneralNames }`'s URIs.
    static func distributionPointURLs(_ value: ArraySlice<UInt8>) throws -> [String] {
        var urls: [String] = []
        let root = try DER.parse(value)
        guard root.identifier == .sequence, case .constructed(let points) = root.content else { return [] }
        for point in points {
            guard case .constructed(let fields) = point.content else { continue }
            for field in fields where field.identifier == ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific) {
                guard case .constructed(let names) = field.content else { continue }
                for name in names where name.identifier == ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific) {
                    guard case .constructed(let generalNames) = name.content else { continue }
                    for generalName in generalNames {
                        if case .uniformResourceIdentifier(let url) = try? GeneralName(derEncoded: generalName) { urls.append(url) }
                    }
                }
            }
        }
        return urls
    }
}
