import Crypto
import CryptoExtras
import Foundation
import SignatureAlgorithms
import SwiftASN1
import X509

/// A signature algorithm as a signature names it (XML-DSig URI or CMS OID),
/// and the one place signature values made by others are checked.
public struct SignatureScheme: Sendable, Hashable {
    public enum Kind: String, Sendable { case rsaPKCS1 = "RSA", rsaPSS = "RSA-PSS", ecdsa = "ECDSA", ed25519 = "Ed25519" }
    public let kind: Kind
    public let digest: DigestAlgorithm

    public init(kind: Kind, digest: DigestAlgorithm) {
        self.kind = kind
        self.digest = digest
    }

    /// "RSA SHA-256", "ECDSA SHA-384".
    public var name: String { kind == .ed25519 ? "Ed25519" : "\(kind.rawValue) \(digest.rawValue)" }

    /// From an XML-DSig SignatureMethod URI.
    public init?(uri: String) {
        let table: [String: (Kind, DigestAlgorithm)] = [
            "http://www.w3.org/2000/09/xmldsig#rsa-sha1": (.rsaPKCS1, .sha1),
            "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256": (.rsaPKCS1, .sha256),
            "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384": (.rsaPKCS1, .sha384),
            "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512": (.rsaPKCS1, .sha512),
            "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha1": (.ecdsa, .sha1),
            "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256": (.ecdsa, .sha256),
            "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384": (.ecdsa, .sha384),
            "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512": (.ecdsa, .sha512),
            "http://www.w3.org/2007/05/xmldsig-more#sha256-rsa-MGF1": (.rsaPSS, .sha256),
            "http://www.w3.org/2007/05/xmldsig-more#sha384-rsa-MGF1": (.rsaPSS, .sha384),
            "http://www.w3.org/2007/05/xmldsig-more#sha512-rsa-MGF1": (.rsaPSS, .sha512),
            "http://www.w3.org/2021/04/xmldsig-more#eddsa-ed25519": (.ed25519, .sha512),
        ]
        guard let (kind, digest) = table[uri] else { return nil }
        self.init(kind: kind, digest: digest)
    }

    /// From a CMS / X.509 signature algorithm: `sha256WithRSAEncryption`,
    /// `rsaEncryption` with the SignerInfo's digest algorithm, ECDSA, RSASSA-PSS
    /// (its hash from the parameters).
    public init?(oid: ASN1ObjectIdentifier, parameters: ASN1Any?, digest: DigestAlgorithm?) {
        let table: [ASN1ObjectIdentifier: (Kind, DigestAlgorithm)] = [
            [1, 2, 840, 113549, 1, 1, 5]: (.rsaPKCS1, .sha1),
            [1, 2, 840, 113549, 1, 1, 11]: (.rsaPKCS1, .sha256),
            [1, 2, 840, 113549, 1, 1, 12]: (.rsaPKCS1, .sha384),
            [1, 2, 840, 113549, 1, 1, 13]: (.rsaPKCS1, .sha512),
            [2, 16, 840, 1, 101, 3, 4, 3, 14]: (.rsaPKCS1, .sha3_256),
            [2, 16, 840, 1, 101, 3, 4, 3, 15]: (.rsaPKCS1, .sha3_384),
            [2, 16, 840, 1, 101, 3, 4, 3, 16]: (.rsaPKCS1, .sha3_512),
            [1, 2, 840, 10045, 4, 1]: (.ecdsa, .sha1),
            [1, 2, 840, 10045, 4, 3, 2]: (.ecdsa, .sha256),
            [1, 2, 840, 10045, 4, 3, 3]: (.ecdsa, .sha384),
            [1, 2, 840, 10045, 4, 3, 4]: (.ecdsa, .sha512),
            [1, 3, 101, 112]: (.ed25519, .sha512),
        ]
        if let (kind, hash) = table[oid] {
            self.init(kind: kind, digest: hash)
        } else if oid == [1, 2, 840, 113549, 1, 1, 1], let digest {
            self.init(kind: .rsaPKCS1, digest: digest)
        } else if oid == [1, 2, 840, 10045, 2, 1], let digest {
            self.init(kind: .ecdsa, digest: digest)
        } else if oid == [1, 2, 840, 113549, 1, 1, 10] {
            guard let hash = Self.pssHash(parameters) else { return nil }
            self.init(kind: .rsaPSS, digest: hash)
        } else {
            return nil
        }
    }

    /// RSASSA-PSS-params' hashAlgorithm ([0] EXPLICIT, SHA-1 when absent).
    static func pssHash(_ parameters: ASN1Any?) -> DigestAlgorithm? {
        guard let parameters else { return .sha1 }
        var coder = DER.Serializer()
        guard (try? coder.serialize(parameters)) != nil, let root = try? DER.parse(coder.serializedBytes) else { return nil }
        return try? DER.sequence(root, identifier: .sequence) { nodes -> DigestAlgorithm? in
            guard let first = nodes.next(), first.identifier == ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific) else {
                return .sha1
            }
            return try DER.explicitlyTagged(first, tagNumber: 0, tagClass: .contextSpecific) { inner in
                try DER.sequence(inner, identifier: .sequence) { algorithm in
                    DigestAlgorithm(oid: try ASN1ObjectIdentifier(derEncoded: &algorithm))
                }
            }
        }
    }

    /// Checks `signature` over `data` with the key in `subjectPublicKeyInfo`
    /// (DER). ECDSA values may be DER (CMS) or raw r‖s (XML-DSig): both are
    /// tried. RSA keys of 1024 bits are checked too (old signatures have
    /// them); whether such a key is still acceptable is the policy's call.
    public func verify(signature: [UInt8], over data: [UInt8], subjectPublicKeyInfo: [UInt8]) -> SignatureValueCheck {
        switch kind {
        case .rsaPKCS1, .rsaPSS:
            guard let key = Self.rsaKey(subjectPublicKeyInfo) else { return .unsupported("RSA key") }
            let value = _RSA.Signing.RSASignature(rawRepresentation: signature)
            let padding: _RSA.Signing.Padding = kind == .rsaPSS ? .PSS : .insecurePKCS1v1_5
            let ok: Bool
            switch digest {
            case .sha1: ok = key.isValidSignature(value, for: Insecure.SHA1.hash(data: data), padding: padding)
            case .sha256: ok = key.isValidSignature(value, for: SHA256.hash(data: data), padding: padding)
            case .sha384: ok = key.isValidSignature(value, for: SHA384.hash(data: data), padding: padding)
            case .sha512: ok = key.isValidSignature(value, for: SHA512.hash(data: data), padding: padding)
            case .sha3_256, .sha3_384, .sha3_512: return .unsupported("\(name)")
            }
            return ok ? .intact : .broken("\(name)")
        case .ecdsa, .ed25519:
            guard let key = try? Certificate.PublicKey(derEncoded: subjectPublicKeyInfo) else {
                return .unsupported("\(kind.rawValue) key (curve)")
            }
            let algorithm: Certificate.SignatureAlgorithm
            switch (kind, digest) {
            case (.ed25519, _): algorithm = .ed25519
            case (.ecdsa, .sha256): algorithm = .ecdsaWithSHA256
            case (.ecdsa, .sha384): algorithm = .ecdsaWithSHA384
            case (.ecdsa, .sha512): algorithm = .ecdsaWithSHA512
            default: return .unsupported(name)
            }
            if key.isValidSignature(signature, for: data, signatureAlgorithm: algorithm) { return .intact }
            if kind == .ecdsa, let der = try? ECDSASignature.der(fromRaw: signature),
                key.isValidSignature(der, for: data, signatureAlgorithm: algorithm)
            {
                return .intact
            }
            return .broken(name)
        }
    }

    static func rsaKey(_ spki: [UInt8]) -> _RSA.Signing.PublicKey? {
        (try? _RSA.Signing.PublicKey(derRepresentation: spki)) ?? (try? _RSA.Signing.PublicKey(unsafeDERRepresentation: spki))
    }
}
