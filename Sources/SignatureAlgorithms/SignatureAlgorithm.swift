import Crypto
import Foundation

/// The hash functions Podpis signs with: one enum for the token (which
/// mechanism, which DigestInfo), the formats (which URI or OID; extensions in
/// XAdES and Signing) and the configuration (its raw values are the names
/// users write: "SHA-256").
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

    /// The hash of `bytes`.
    public func digest(_ bytes: some DataProtocol) -> [UInt8] {
        switch self {
        case .sha256: return Array(SHA256.hash(data: bytes))
        case .sha384: return Array(SHA384.hash(data: bytes))
        case .sha512: return Array(SHA512.hash(data: bytes))
        }
    }

    /// An incremental hasher for streaming large inputs in constant memory.
    public func hasher() -> StreamingHasher { StreamingHasher(self) }
}

/// Hashes data given piece by piece.
public struct StreamingHasher {
    private var sha256 = SHA256()
    private var sha384 = SHA384()
    private var sha512 = SHA512()
    public let algorithm: HashAlgorithm

    init(_ algorithm: HashAlgorithm) { self.algorithm = algorithm }

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        switch algorithm {
        case .sha256: sha256.update(bufferPointer: bytes)
        case .sha384: sha384.update(bufferPointer: bytes)
        case .sha512: sha512.update(bufferPointer: bytes)
        }
    }

    public func finalize() -> [UInt8] {
        switch algorithm {
        case .sha256: return Array(sha256.finalize())
        case .sha384: return Array(sha384.finalize())
        case .sha512: return Array(sha512.finalize())
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

    public var description: String {
        switch self {
        case .rsaPKCS1v15(let h): return "RSA PKCS#1 v1.5 \(h.rawValue)"
        case .rsaPSS(let h): return "RSA-PSS \(h.rawValue)"
        case .ecdsa(let h): return "ECDSA \(h.rawValue)"
        }
    }
}
