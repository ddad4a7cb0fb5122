import CPKCS11

/// Hash functions Podpis signs with.
public enum HashAlgorithm: String, Sendable, Hashable, Codable, CaseIterable {
    case sha256 = "SHA-256"
    case sha384 = "SHA-384"
    case sha512 = "SHA-512"

    public var length: Int {
        switch self {
        case .sha256: return 32
        case .sha384: return 48
        case .sha512: return 64
        }
    }

    var mechanism: UInt {
        switch self {
        case .sha256: return UInt(CKM_SHA256)
        case .sha384: return UInt(CKM_SHA384)
        case .sha512: return UInt(CKM_SHA512)
        }
    }

    var mgf: UInt {
        switch self {
        case .sha256: return UInt(CKG_MGF1_SHA256)
        case .sha384: return UInt(CKG_MGF1_SHA384)
        case .sha512: return UInt(CKG_MGF1_SHA512)
        }
    }

    /// DER of DigestInfo up to the digest (RFC 8017 §9.2, note 1).
    public var digestInfoPrefix: [UInt8] {
        switch self {
        case .sha256:
            return [0x30, 0x31, 0x30, 0x0D, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20]
        case .sha384:
            return [0x30, 0x41, 0x30, 0x0D, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00, 0x04, 0x30]
        case .sha512:
            return [0x30, 0x51, 0x30, 0x0D, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00, 0x04, 0x40]
        }
    }
}

/// A signature scheme and its hash.
public enum SignatureAlgorithm: Sendable, Hashable, CustomStringConvertible {
    /// RSASSA-PKCS1-v1_5: `CKM_RSA_PKCS` over a DigestInfo (what cards support).
    case rsaPKCS1v15(HashAlgorithm)
    /// RSASSA-PSS with MGF1 of the same hash and a salt as long as the hash.
    case rsaPSS(HashAlgorithm)
    /// ECDSA over the digest (`CKM_ECDSA`).
    case ecdsa(HashAlgorithm)

    public var hash: HashAlgorithm {
        switch self {
        case .rsaPKCS1v15(let h), .rsaPSS(let h), .ecdsa(let h): return h
        }
    }

    var mechanism: UInt {
        switch self {
        case .rsaPKCS1v15: return UInt(CKM_RSA_PKCS)
        case .rsaPSS: return UInt(CKM_RSA_PKCS_PSS)
        case .ecdsa: return UInt(CKM_ECDSA)
        }
    }

    public var description: String {
        switch self {
        case .rsaPKCS1v15(let h): return "RSA PKCS#1 v1.5 \(h.rawValue)"
        case .rsaPSS(let h): return "RSA-PSS \(h.rawValue)"
        case .ecdsa(let h): return "ECDSA \(h.rawValue)"
        }
    }
}
