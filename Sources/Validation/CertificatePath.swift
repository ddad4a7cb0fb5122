import Evidence
import Foundation

/// A certification path from a signer (or TSA) up to a trust anchor, built
/// from the certificates a signature carries and the anchors of the trust
/// sources. Loops (A issues B issues A) and paths longer than
/// ``maximumLength`` end the search.
public struct CertificatePath: Sendable {
    /// Leaf first; the last element is the anchor when `anchor` is set.
    public let certificates: [CertificateRecord]
    /// The anchor the path reached and the source that holds it.
    public let anchor: CertificateRecord?
    public let source: TrustSource?
    static let maximumLength = 10

    public var isTrusted: Bool { anchor != nil }

    public static func build(from leaf: CertificateRecord, pool: [CertificateRecord], sources: [TrustSource]) -> CertificatePath {
        var path = [leaf]
        var current = leaf
        while path.count <= maximumLength {
            for source in sources {
                if let anchor = source.anchors.first(where: { $0.der == current.der }) {
                    return CertificatePath(certificates: path, anchor: anchor, source: source)
                }
            }
            for source in sources {
                if let anchor = source.anchors.first(where: { current.isIssued(by: $0) }) {
                    path.append(anchor)
                    return CertificatePath(certificates: path, anchor: anchor, source: source)
                }
            }
            if current.isSelfIssued { break }
            guard let issuer = pool.first(where: { candidate in
                !path.contains(where: { $0.der == candidate.der }) && current.isIssued(by: candidate)
            }) else { break }
            path.append(issuer)
            current = issuer
        }
        return CertificatePath(certificates: path, anchor: nil, source: nil)
    }
}
