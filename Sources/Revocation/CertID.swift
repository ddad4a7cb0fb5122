import CMS
import Crypto
import Foundation
import SwiftASN1
import X509

/// `CertID ::= SEQUENCE { hashAlgorithm, issuerNameHash, issuerKeyHash, serialNumber }`
/// (RFC 6960 §4.1.1): which certificate an OCSP request asks about and a
/// SingleResponse answers for.
public struct CertID: DERImplicitlyTaggable, Hashable, Sendable {
    public static var defaultIdentifier: ASN1Identifier { .sequence }

    /// The hash functions a CertID may use here.
    public enum Hash: String, Sendable, Hashable, CaseIterable {
        case sha1, sha256, sha384, sha512

        public var oid: ASN1ObjectIdentifier {
            switch self {
            case .sha1: RevocationOID.sha1
            case .sha256: RevocationOID.sha256
            case .sha384: RevocationOID.sha384
            case .sha512: RevocationOID.sha512
            }
        }

        public init?(oid: ASN1ObjectIdentifier) {
            guard let hash = Hash.allCases.first(where: { $0.oid == oid }) else { return nil }
            self = hash
        }

        func digest(_ bytes: some DataProtocol) -> [UInt8] {
            switch self {
            case .sha1: Array(Insecure.SHA1.hash(data: bytes))
            case .sha256: Array(SHA256.hash(data: bytes))
            case .sha384: Array(SHA384.hash(data: bytes))
            case .sha512: Array(SHA512.hash(data: bytes))
            }
        }
    }

    public var hashAlgorithm: AlgorithmIdentifier
    public var issuerNameHash: [UInt8]
    public var issuerKeyHash: [UInt8]
    /// The INTEGER's content bytes, as encoded.
    public var serialNumber: ArraySlice<UInt8>

    public init(hashAlgorithm: AlgorithmIdentifier, issuerNameHash: [UInt8], issuerKeyHash: [UInt8], serialNumber: ArraySlice<UInt8>) {
        self.hashAlgorithm = hashAlgorithm
        self.issuerNameHash = issuerNameHash
        self.issuerKeyHash = issuerKeyHash
        self.serialNumber = serialNumber
    }

    /// The CertID of `certificate` issued by `issuer`, hashed with `hash`
    /// (the AlgorithmIdentifier with NULL parameters, as openssl writes it).
    public init(certificate: Certificate, issuer: Certificate, hash: Hash = .sha1) {
        let null = try? ASN1Any(erasing: ASN1Null())
        self.init(
            hashAlgorithm: AlgorithmIdentifier(algorithm: hash.oid, parameters: null),
            issuerNameHash: hash.digest(SignatureCheck.der(issuer.subject)),
            issuerKeyHash: hash.digest(SignatureCheck.publicKeyBits(issuer)),
            serialNumber: ArraySlice(certificate.serialNumber.bytes))
    }

    /// The hash this CertID uses, if supported.
    public var hash: Hash? { Hash(oid: hashAlgorithm.algorithm) }

    /// Whether this CertID names `certificate` issued by `issuer`: same
    /// serial, and the issuer's name and key hash with the CertID's own hash.
    public func matches(certificate: Certificate, issuer: Certificate) -> Bool {
        guard let hash else { return false }
        return SignatureCheck.normalised(serialNumber) == SignatureCheck.normalised(ArraySlice(certificate.serialNumber.bytes))
            && issuerNameHash == hash.digest(SignatureCheck.der(issuer.subject))
            && issuerKeyHash == hash.digest(SignatureCheck.publicKeyBits(issuer))
    }

    public init(derEncoded node: ASN1Node, withIdentifier identifier: ASN1Identifier) throws {
        self = try DER.sequence(node, identifier: identifier) { nodes in
            let algorithm = try AlgorithmIdentifier(derEncoded: &nodes)
            let name = try ASN1OctetString(derEncoded: &nodes)
            let key = try ASN1OctetString(derEncoded: &nodes)
            let serial = try ArraySlice<UInt8>(derEncoded: &nodes)
            return CertID(hashAlgorithm: algorithm, issuerNameHash: Array(name.bytes), issuerKeyHash: Array(key.bytes), serialNumber: serial)
        }
    }

    public func serialize(into coder: inout DER.Serializer, withIdentifier identifier: ASN1Identifier) throws {
        try coder.appendConstructedNode(identifier: identifier) { coder in
            try coder.serialize(hashAlgorithm)
            try coder.serialize(ASN1OctetString(contentBytes: ArraySlice(issuerNameHash)))
            try coder.serialize(ASN1OctetString(contentBytes: ArraySlice(issuerKeyHash)))
            try coder.serialize(serialNumber)
        }
    }
}
