import CMS
import Crypto
import Foundation
import SwiftASN1
import X509

/// Verifying an OCSP or CRL signature (an AlgorithmIdentifier and a BIT
/// STRING over some TBS bytes) with a certificate's key, and the hashes that
/// name a key or a name in OCSP.
enum SignatureCheck {
    /// The swift-certificates algorithm for a signature AlgorithmIdentifier, or nil if unsupported.
    static func algorithm(_ identifier: AlgorithmIdentifier) -> Certificate.SignatureAlgorithm? {
        switch identifier.algorithm {
        case [1, 2, 840, 113549, 1, 1, 5]: .sha1WithRSAEncryption
        case [1, 2, 840, 113549, 1, 1, 11]: .sha256WithRSAEncryption
        case [1, 2, 840, 113549, 1, 1, 12]: .sha384WithRSAEncryption
        case [1, 2, 840, 113549, 1, 1, 13]: .sha512WithRSAEncryption
        case [1, 2, 840, 10045, 4, 3, 2]: .ecdsaWithSHA256
        case [1, 2, 840, 10045, 4, 3, 3]: .ecdsaWithSHA384
        case [1, 2, 840, 10045, 4, 3, 4]: .ecdsaWithSHA512
        case [1, 3, 101, 112]: .ed25519
        default: nil
        }
    }

    enum Outcome { case valid, invalid, unsupported }

    static func verify(
        signature: ASN1BitString, algorithm identifier: AlgorithmIdentifier, over bytes: ArraySlice<UInt8>, key: Certificate.PublicKey
    ) -> Outcome {
        guard let algorithm = algorithm(identifier) else { return .unsupported }
        guard signature.paddingBits == 0 else { return .invalid }
        return key.isValidSignature(signature.bytes, for: bytes, signatureAlgorithm: algorithm) ? .valid : .invalid
    }

    /// The subjectPublicKey BIT STRING's bytes (what OCSP's key hashes cover).
    static func publicKeyBits(_ certificate: Certificate) -> ArraySlice<UInt8> {
        certificate.publicKey.subjectPublicKeyInfoBytes
    }

    /// The DER of a name.
    static func der(_ name: DistinguishedName) -> [UInt8] {
        var coder = DER.Serializer()
        do { try coder.serialize(name) } catch { return [] }
        return coder.serializedBytes
    }

    static func sha1(_ bytes: some DataProtocol) -> [UInt8] { Array(Insecure.SHA1.hash(data: bytes)) }

    /// Strips the leading zero bytes of an INTEGER's content (serial numbers compared by value).
    static func normalised(_ serial: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        let trimmed = serial.drop(while: { $0 == 0 })
        return trimmed.isEmpty ? serial.suffix(1) : trimmed
    }
}
