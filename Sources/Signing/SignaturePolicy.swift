import SignatureAlgorithms
import SwiftASN1

/// An explicit signature policy (EPES): its identifier and the hash of the
/// policy document. CAdES writes the OID; XAdES writes it as `urn:oid:…`.
public struct SignaturePolicy: Sendable, Hashable {
    public let id: ASN1ObjectIdentifier
    public let hashAlgorithm: HashAlgorithm
    public let hash: [UInt8]

    public init(id: ASN1ObjectIdentifier, hashAlgorithm: HashAlgorithm, hash: [UInt8]) {
        self.id = id
        self.hashAlgorithm = hashAlgorithm
        self.hash = hash
    }
}
