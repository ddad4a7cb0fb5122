import CMS
import SignatureAlgorithms
import SwiftASN1

/// The CMS names of the hash functions (RFC 5754).
extension HashAlgorithm {
    public var oid: ASN1ObjectIdentifier {
        switch self {
        case .sha256: return CMSOID.sha256
        case .sha384: return CMSOID.sha384
        case .sha512: return CMSOID.sha512
        }
    }

    public var identifier: AlgorithmIdentifier { AlgorithmIdentifier(algorithm: oid) }
}
