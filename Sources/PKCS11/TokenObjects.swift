import CPKCS11
import SignatureAlgorithms

/// The kind of a key on a token.
public enum KeyType: String, Sendable, Hashable, Codable {
    case rsa = "RSA"
    case ec = "EC"
    case other
}

/// A certificate object on a token.
public struct CertificateObject: Sendable, Hashable {
    let handle: UInt
    /// CKA_ID, shared with the matching key by convention.
    public let id: [UInt8]
    public let label: String
    /// The DER of the certificate (CKA_VALUE).
    public let der: [UInt8]
}

/// A private key object on a token. Its secret never leaves the token.
public struct PrivateKeyObject: Sendable, Hashable {
    let handle: UInt
    public let id: [UInt8]
    public let label: String
    public let keyType: KeyType
    /// CKA_ALWAYS_AUTHENTICATE: a PIN is needed before every signature.
    public let alwaysAuthenticate: Bool
    /// CKA_SIGN.
    public let canSign: Bool
    /// RSA modulus, when the token shows it (for pairing by public key).
    public let modulus: [UInt8]?
    /// DER of the EC domain parameters (CKA_EC_PARAMS), for EC keys.
    public let ecParameters: [UInt8]?
}

/// A public key object on a token (used to pair EC keys with certificates).
public struct PublicKeyObject: Sendable, Hashable {
    public let id: [UInt8]
    public let modulus: [UInt8]?
    /// The EC point, unwrapped from its DER OCTET STRING.
    public let ecPoint: [UInt8]?
}

/// A certificate and the private key that belongs to it, if the token has it.
public struct CertificateWithKey: Sendable, Hashable {
    public let certificate: CertificateObject
    public let key: PrivateKeyObject?
    /// How the pair was found.
    public let pairedBy: Pairing?
    /// No private key is visible, but a public key with the certificate's
    /// CKA_ID is: the token shows its private keys only after login.
    public var keyHiddenUntilLogin: Bool = false

    public enum Pairing: String, Sendable, Hashable, Codable {
        case id = "CKA_ID"
        case publicKey = "public-key"
    }
}

extension Session {
    /// The certificates on the token.
    public func certificates() throws(PKCS11Error) -> [CertificateObject] {
        let handles = try findObjects([(UInt(CKA_CLASS), ulongBytes(UInt(CKO_CERTIFICATE)))])
        var out: [CertificateObject] = []
        for h in handles {
            guard let der = try attribute(UInt(CKA_VALUE), of: h), !der.isEmpty else { continue }
            out.append(CertificateObject(
                handle: h, id: try attribute(UInt(CKA_ID), of: h) ?? [],
                label: String(decoding: try attribute(UInt(CKA_LABEL), of: h) ?? [], as: UTF8.self), der: der))
        }
        return out
    }

    /// The private keys the session can see (a token may hide them until login).
    public func privateKeys() throws(PKCS11Error) -> [PrivateKeyObject] {
        let handles = try findObjects([(UInt(CKA_CLASS), ulongBytes(UInt(CKO_PRIVATE_KEY)))])
        var out: [PrivateKeyObject] = []
        for h in handles {
            let type: KeyType
            switch try ulongAttribute(UInt(CKA_KEY_TYPE), of: h) {
            case UInt(CKK_RSA)?: type = .rsa
            case UInt(CKK_EC)?: type = .ec
            default: type = .other
            }
            out.append(PrivateKeyObject(
                handle: h, id: try attribute(UInt(CKA_ID), of: h) ?? [],
                label: String(decoding: try attribute(UInt(CKA_LABEL), of: h) ?? [], as: UTF8.self),
                keyType: type,
                alwaysAuthenticate: try boolAttribute(UInt(CKA_ALWAYS_AUTHENTICATE), of: h) ?? false,
                canSign: try boolAttribute(UInt(CKA_SIGN), of: h) ?? true,
                modulus: type == .rsa ? try attribute(UInt(CKA_MODULUS), of: h).map(stripLeadingZeros) : nil,
                ecParameters: type == .ec ? try attribute(UInt(CKA_EC_PARAMS), of: h) : nil))
        }
        return out
    }

    /// The public keys on the token.
    public func publicKeys() throws(PKCS11Error) -> [PublicKeyObject] {
        let handles = try findObjects([(UInt(CKA_CLASS), ulongBytes(UInt(CKO_PUBLIC_KEY)))])
        var out: [PublicKeyObject] = []
        for h in handles {
            let point = try attribute(UInt(CKA_EC_POINT), of: h).map { unwrapOctetString($0) ?? $0 }
            out.append(PublicKeyObject(
                id: try attribute(UInt(CKA_ID), of: h) ?? [],
                modulus: try attribute(UInt(CKA_MODULUS), of: h).map(stripLeadingZeros), ecPoint: point))
        }
        return out
    }

    /// Each certificate with the private key that belongs to it: the key with
    /// the same CKA_ID, else the key whose public half equals the
    /// certificate's (RSA modulus; EC point through the public key object).
    /// Keys are visible only after login on many tokens.
    public func certificatesWithKeys() throws(PKCS11Error) -> [CertificateWithKey] {
        let certificates = try certificates()
        let keys = try privateKeys()
        let publicKeys = try publicKeys()
        return certificates.map { certificate in
            if !certificate.id.isEmpty, let key = keys.first(where: { $0.id == certificate.id }) {
                return CertificateWithKey(certificate: certificate, key: key, pairedBy: .id)
            }
            guard let spki = SubjectPublicKey(certificateDER: certificate.der) else {
                var unpaired = CertificateWithKey(certificate: certificate, key: nil, pairedBy: nil)
                unpaired.keyHiddenUntilLogin = !certificate.id.isEmpty && publicKeys.contains { $0.id == certificate.id }
                return unpaired
            }
            switch spki {
            case .rsa(let modulus):
                if let key = keys.first(where: { $0.modulus == modulus }) {
                    return CertificateWithKey(certificate: certificate, key: key, pairedBy: .publicKey)
                }
            case .ec(let point):
                if let pub = publicKeys.first(where: { $0.ecPoint == point }),
                    let key = keys.first(where: { $0.id == pub.id && $0.keyType == .ec })
                {
                    return CertificateWithKey(certificate: certificate, key: key, pairedBy: .publicKey)
                }
            case .other:
                break
            }
            var unpaired = CertificateWithKey(certificate: certificate, key: nil, pairedBy: nil)
            unpaired.keyHiddenUntilLogin = !certificate.id.isEmpty && publicKeys.contains { $0.id == certificate.id }
            return unpaired
        }
    }
}

func ulongBytes(_ value: UInt) -> [UInt8] { withUnsafeBytes(of: value) { Array($0) } }

/// The content of a DER OCTET STRING (short or long length form), or nil.
func unwrapOctetString(_ der: [UInt8]) -> [UInt8]? {
    guard der.count >= 2, der[0] == 0x04 else { return nil }
    var length = Int(der[1])
    var offset = 2
    if der[1] & 0x80 != 0 {
        let count = Int(der[1] & 0x7F)
        guard count <= 3, der.count >= 2 + count else { return nil }
        length = der[2..<(2 + count)].reduce(0) { $0 << 8 | Int($1) }
        offset = 2 + count
    }
    guard der.count == offset + length else { return nil }
    return Array(der[offset...])
}
