import CMS
import SignatureAlgorithms
import Signing
import SwiftASN1

extension Signer {
    /// The signatureAlgorithm field of the SignerInfo.
    func signatureAlgorithmIdentifier() throws -> AlgorithmIdentifier {
        do {
            switch algorithm {
            case .rsaPKCS1v15(let hash):
                let oid: ASN1ObjectIdentifier
                switch hash {
                case .sha256: oid = CMSOID.sha256WithRSA
                case .sha384: oid = CMSOID.sha384WithRSA
                case .sha512: oid = CMSOID.sha512WithRSA
                }
                return AlgorithmIdentifier(algorithm: oid, parameters: try ASN1Any(erasing: ASN1Null()))
            case .rsaPSS(let hash):
                let parameters = RSASSAPSSParameters(hashAlgorithm: hash.identifier, saltLength: hash.length)
                return AlgorithmIdentifier(algorithm: CMSOID.rsassaPSS, parameters: try ASN1Any(erasing: parameters))
            case .ecdsa(let hash):
                switch hash {
                case .sha256: return AlgorithmIdentifier(algorithm: CMSOID.ecdsaWithSHA256)
                case .sha384: return AlgorithmIdentifier(algorithm: CMSOID.ecdsaWithSHA384)
                case .sha512: return AlgorithmIdentifier(algorithm: CMSOID.ecdsaWithSHA512)
                }
            }
        }
    }

    /// The signature value as CMS wants it (ECDSA in DER).
    func signatureValue(over digest: [UInt8]) async throws -> [UInt8] {
        let raw = try await sign(digest)
        if case .ecdsa = algorithm { return try ECDSASignature.der(fromRaw: raw) }
        return raw
    }
}
