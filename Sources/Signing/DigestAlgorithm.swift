import CMS
import Crypto
import Foundation
import PKCS11
import SwiftASN1

/// The digest algorithms CAdES signs with, tied to PKCS#11's hash choice.
public enum DigestAlgorithm: String, Sendable, CaseIterable, Codable {
    case sha256 = "SHA-256"
    case sha384 = "SHA-384"
    case sha512 = "SHA-512"

    public init(_ hash: HashAlgorithm) {
        switch hash {
        case .sha256: self = .sha256
        case .sha384: self = .sha384
        case .sha512: self = .sha512
        }
    }

    public var pkcs11: HashAlgorithm {
        switch self {
        case .sha256: return .sha256
        case .sha384: return .sha384
        case .sha512: return .sha512
        }
    }

    public var oid: ASN1ObjectIdentifier {
        switch self {
        case .sha256: return CMSOID.sha256
        case .sha384: return CMSOID.sha384
        case .sha512: return CMSOID.sha512
        }
    }

    public var identifier: AlgorithmIdentifier { AlgorithmIdentifier(algorithm: oid) }

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
    let algorithm: DigestAlgorithm

    init(_ algorithm: DigestAlgorithm) { self.algorithm = algorithm }

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
