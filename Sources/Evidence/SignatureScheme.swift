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
            case .sha3_256, .sha3_384, .sha3_512:
                // swift-crypto's RSA takes SHA-1/SHA-2 digests only: PKCS#1 v1.5 with SHA-3 is checked here.
                guard kind == .rsaPKCS1 else { return .unsupported("\(name)") }
                ok = RSAPublicOperation.verifyPKCS1(signature: signature, digest: digest.digest(data), digestOID: digest.oid, subjectPublicKeyInfo: subjectPublicKeyInfo)
            }
            if !ok, kind == .rsaPKCS1,
                RSAPublicOperation.verifyPKCS1(
                    signature: signature, digest: digest.digest(data), digestOID: digest.oid, subjectPublicKeyInfo: subjectPublicKeyInfo,
                    nullParameters: false)
            {
                // A DigestInfo whose AlgorithmIdentifier omits the NULL parameters
                // (RFC 5754 §2: accepted as well as NULL; DSS/BouncyCastle accept it).
                return .intact
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

/// The RSA public operation (s^e mod n, Montgomery multiplication) and the
/// EMSA-PKCS1-v1_5 comparison (RFC 8017 §8.2.2), for the digests swift-crypto's
/// RSA does not take (SHA-3). Verification only: no secret is involved, so
/// constant time does not matter here.
enum RSAPublicOperation {
    static func verifyPKCS1(
        signature: [UInt8], digest: [UInt8], digestOID: ASN1ObjectIdentifier, subjectPublicKeyInfo: [UInt8], nullParameters: Bool = true
    ) -> Bool {
        guard let (modulus, exponent) = publicKey(subjectPublicKeyInfo) else { return false }
        let k = modulus.count
        guard signature.count == k, k >= 64, k <= 2048 else { return false }
        guard let message = power(signature, exponent, modulus) else { return false }
        // DigestInfo ::= SEQUENCE { AlgorithmIdentifier { oid, NULL }, OCTET STRING digest }
        var coder = DER.Serializer()
        guard (try? coder.appendConstructedNode(identifier: .sequence, { coder in
            try coder.appendConstructedNode(identifier: .sequence) { coder in
                try coder.serialize(digestOID)
                if nullParameters { try coder.serialize(ASN1Null()) }
            }
            try coder.serialize(ASN1OctetString(contentBytes: ArraySlice(digest)))
        })) != nil else { return false }
        let info = coder.serializedBytes
        guard k >= info.count + 11 else { return false }
        let expected = [0x00, 0x01] + [UInt8](repeating: 0xFF, count: k - info.count - 3) + [0x00] + info
        return message == expected
    }

    /// Modulus (big-endian, no leading zero) and public exponent of an RSA SubjectPublicKeyInfo.
    static func publicKey(_ spki: [UInt8]) -> ([UInt8], [UInt8])? {
        guard let root = try? DER.parse(spki) else { return nil }
        return try? DER.sequence(root, identifier: .sequence) { nodes -> ([UInt8], [UInt8])? in
            _ = nodes.next()  // algorithm
            let bits = try ASN1BitString(derEncoded: &nodes)
            let key = try DER.parse(bits.bytes)
            return try DER.sequence(key, identifier: .sequence) { fields in
                let n = Array(try ArraySlice<UInt8>(derEncoded: &fields).drop { $0 == 0 })
                let e = Array(try ArraySlice<UInt8>(derEncoded: &fields).drop { $0 == 0 })
                return (n, e)
            }
        }
    }

    /// base^exponent mod modulus, as big-endian bytes of the modulus' length; nil unless base < modulus and the modulus is odd.
    static func power(_ base: [UInt8], _ exponent: [UInt8], _ modulus: [UInt8]) -> [UInt8]? {
        let n = limbs(modulus, count: (modulus.count + 3) / 4)
        let k = n.count
        guard n[0] & 1 == 1, !exponent.isEmpty, exponent.count <= 512 else { return nil }
        let s = limbs(base, count: k)
        guard compare(s, n) < 0 else { return nil }
        // -n^-1 mod 2^32 (Newton's iteration).
        var inverse: UInt32 = 1
        for _ in 0..<5 { inverse = inverse &* (2 &- n[0] &* inverse) }
        let n0 = 0 &- inverse
        // R^2 mod n, R = 2^(32k), by doubling 1 modulo n 64k times.
        var r2 = [UInt32](repeating: 0, count: k)
        r2[0] = 1
        for _ in 0..<(64 * k) {
            var carry: UInt32 = 0
            for i in 0..<k {
                let next = r2[i] >> 31
                r2[i] = r2[i] << 1 | carry
                carry = next
            }
            if carry == 1 || compare(r2, n) >= 0 { subtract(&r2, n) }
        }
        let x = multiply(s, r2, n, n0)
        var accumulator = x
        var started = false
        for byte in exponent {
            for bit in (0..<8).reversed() {
                if started { accumulator = multiply(accumulator, accumulator, n, n0) }
                if byte >> bit & 1 == 1 {
                    if started { accumulator = multiply(accumulator, x, n, n0) } else { started = true }
                }
            }
        }
        var one = [UInt32](repeating: 0, count: k)
        one[0] = 1
        let result = multiply(accumulator, one, n, n0)
        var bytes: [UInt8] = []
        for limb in result.reversed() { bytes += [UInt8(limb >> 24), UInt8(limb >> 16 & 0xFF), UInt8(limb >> 8 & 0xFF), UInt8(limb & 0xFF)] }
        return Array(bytes.suffix(modulus.count))
    }

    /// Montgomery product a·b·R^-1 mod n (CIOS), a and b < n.
    static func multiply(_ a: [UInt32], _ b: [UInt32], _ n: [UInt32], _ n0: UInt32) -> [UInt32] {
        let k = n.count
        var t = [UInt32](repeating: 0, count: k + 2)
        for i in 0..<k {
            var carry: UInt64 = 0
            let ai = UInt64(a[i])
            for j in 0..<k {
                let sum = UInt64(t[j]) + ai * UInt64(b[j]) + carry
                t[j] = UInt32(truncatingIfNeeded: sum)
                carry = sum >> 32
            }
            var sum = UInt64(t[k]) + carry
            t[k] = UInt32(truncatingIfNeeded: sum)
            t[k + 1] = UInt32(sum >> 32)
            let m = UInt64(t[0] &* n0)
            sum = UInt64(t[0]) + m * UInt64(n[0])
            carry = sum >> 32
            for j in 1..<k {
                sum = UInt64(t[j]) + m * UInt64(n[j]) + carry
                t[j - 1] = UInt32(truncatingIfNeeded: sum)
                carry = sum >> 32
            }
            sum = UInt64(t[k]) + carry
            t[k - 1] = UInt32(truncatingIfNeeded: sum)
            t[k] = t[k + 1] &+ UInt32(sum >> 32)
            t[k + 1] = 0
        }
        var result = Array(t[0..<k])
        if t[k] != 0 || compare(result, n) >= 0 { subtract(&result, n) }
        return result
    }

    /// Big-endian bytes as `count` little-endian 32-bit limbs.
    static func limbs(_ bytes: [UInt8], count: Int) -> [UInt32] {
        var out = [UInt32](repeating: 0, count: max(count, (bytes.count + 3) / 4))
        for (index, byte) in bytes.reversed().enumerated() { out[index / 4] |= UInt32(byte) << (8 * UInt32(index % 4)) }
        return out
    }

    static func compare(_ a: [UInt32], _ b: [UInt32]) -> Int {
        for i in stride(from: max(a.count, b.count) - 1, through: 0, by: -1) {
            let x = i < a.count ? a[i] : 0, y = i < b.count ? b[i] : 0
            if x != y { return x < y ? -1 : 1 }
        }
        return 0
    }

    /// a -= b (mod 2^(32·count)).
    static func subtract(_ a: inout [UInt32], _ b: [UInt32]) {
        var borrow: UInt64 = 0
        for i in a.indices {
            let difference = UInt64(a[i]) &- UInt64(i < b.count ? b[i] : 0) &- borrow
            a[i] = UInt32(truncatingIfNeeded: difference)
            borrow = difference >> 63
        }
    }
}
