import Crypto
import SignatureAlgorithms
import Foundation
import SwiftASN1

/// The digest algorithms signatures made by others may use: wider than
/// `HashAlgorithm` (what Podpis signs with), because old and foreign
/// signatures use SHA-1 and SHA-3. Whether an algorithm is still acceptable
/// at a time is the validation policy's question, not this type's.
public enum DigestAlgorithm: String, Sendable, Codable, CaseIterable {
    case sha1 = "SHA-1"
    case sha256 = "SHA-256"
    case sha384 = "SHA-384"
    case sha512 = "SHA-512"
    case sha3_256 = "SHA3-256"
    case sha3_384 = "SHA3-384"
    case sha3_512 = "SHA3-512"

    public var oid: ASN1ObjectIdentifier {
        switch self {
        case .sha1: return [1, 3, 14, 3, 2, 26]
        case .sha256: return [2, 16, 840, 1, 101, 3, 4, 2, 1]
        case .sha384: return [2, 16, 840, 1, 101, 3, 4, 2, 2]
        case .sha512: return [2, 16, 840, 1, 101, 3, 4, 2, 3]
        case .sha3_256: return [2, 16, 840, 1, 101, 3, 4, 2, 8]
        case .sha3_384: return [2, 16, 840, 1, 101, 3, 4, 2, 9]
        case .sha3_512: return [2, 16, 840, 1, 101, 3, 4, 2, 10]
        }
    }

    /// The XML-DSig / XML-Enc URIs naming it.
    public var uris: [String] {
        switch self {
        case .sha1: return ["http://www.w3.org/2000/09/xmldsig#sha1"]
        case .sha256: return ["http://www.w3.org/2001/04/xmlenc#sha256"]
        case .sha384: return ["http://www.w3.org/2001/04/xmldsig-more#sha384"]
        case .sha512: return ["http://www.w3.org/2001/04/xmlenc#sha512"]
        case .sha3_256: return ["http://www.w3.org/2007/05/xmldsig-more#sha3-256"]
        case .sha3_384: return ["http://www.w3.org/2007/05/xmldsig-more#sha3-384"]
        case .sha3_512: return ["http://www.w3.org/2007/05/xmldsig-more#sha3-512"]
        }
    }

    public init?(oid: ASN1ObjectIdentifier) {
        guard let match = Self.allCases.first(where: { $0.oid == oid }) else { return nil }
        self = match
    }

    public init?(uri: String) {
        guard let match = Self.allCases.first(where: { $0.uris.contains(uri) }) else { return nil }
        self = match
    }

    public func digest(_ bytes: some DataProtocol) -> [UInt8] {
        var hasher = hasher()
        hasher.update(bytes)
        return hasher.finalize()
    }

    public func hasher() -> DigestHasher { DigestHasher(self) }

    /// The same algorithm as the signing enum (``HashAlgorithm``) names it.
    public init(_ algorithm: HashAlgorithm) {
        switch algorithm {
        case .sha256: self = .sha256
        case .sha384: self = .sha384
        case .sha512: self = .sha512
        }
    }
}

/// Hashes data given piece by piece with any ``DigestAlgorithm``.
public struct DigestHasher {
    private enum Backing {
        case sha1(Insecure.SHA1), sha256(SHA256), sha384(SHA384), sha512(SHA512)
        case sha3_256(SHA3_256), sha3_384(SHA3_384), sha3_512(SHA3_512)
    }
    private var backing: Backing

    init(_ algorithm: DigestAlgorithm) {
        switch algorithm {
        case .sha1: backing = .sha1(Insecure.SHA1())
        case .sha256: backing = .sha256(SHA256())
        case .sha384: backing = .sha384(SHA384())
        case .sha512: backing = .sha512(SHA512())
        case .sha3_256: backing = .sha3_256(SHA3_256())
        case .sha3_384: backing = .sha3_384(SHA3_384())
        case .sha3_512: backing = .sha3_512(SHA3_512())
        }
    }

    public mutating func update(_ bytes: some DataProtocol) {
        switch backing {
        case .sha1(var h): h.update(data: bytes); backing = .sha1(h)
        case .sha256(var h): h.update(data: bytes); backing = .sha256(h)
        case .sha384(var h): h.update(data: bytes); backing = .sha384(h)
        case .sha512(var h): h.update(data: bytes); backing = .sha512(h)
        case .sha3_256(var h): h.update(data: bytes); backing = .sha3_256(h)
        case .sha3_384(var h): h.update(data: bytes); backing = .sha3_384(h)
        case .sha3_512(var h): h.update(data: bytes); backing = .sha3_512(h)
        }
    }

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        switch backing {
        case .sha1(var h): h.update(bufferPointer: bytes); backing = .sha1(h)
        case .sha256(var h): h.update(bufferPointer: bytes); backing = .sha256(h)
        case .sha384(var h): h.update(bufferPointer: bytes); backing = .sha384(h)
        case .sha512(var h): h.update(bufferPointer: bytes); backing = .sha512(h)
        case .sha3_256(var h): h.update(bufferPointer: bytes); backing = .sha3_256(h)
        case .sha3_384(var h): h.update(bufferPointer: bytes); backing = .sha3_384(h)
        case .sha3_512(var h): h.update(bufferPointer: bytes); backing = .sha3_512(h)
        }
    }

    public func finalize() -> [UInt8] {
        switch backing {
        case .sha1(let h): return Array(h.finalize())
        case .sha256(let h): return Array(h.finalize())
        case .sha384(let h): return Array(h.finalize())
        case .sha512(let h): return Array(h.finalize())
        case .sha3_256(let h): return Array(h.finalize())
        case .sha3_384(let h): return Array(h.finalize())
        case .sha3_512(let h): return Array(h.finalize())
        }
    }
}
