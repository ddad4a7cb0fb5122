import CMS
import SwiftASN1

/// An explicit signature policy (EPES): its identifier and the hash of the policy document.
public struct SignaturePolicy: Sendable, Hashable {
    public let id: ASN1ObjectIdentifier
    public let hashAlgorithm: DigestAlgorithm
    public let hash: [UInt8]

    public init(id: ASN1ObjectIdentifier, hashAlgorithm: DigestAlgorithm, hash: [UInt8]) {
        self.id = id
        self.hashAlgorithm = hashAlgorithm
        self.hash = hash
    }
}

/// `SignaturePolicyIdentifier ::= CHOICE { signaturePolicyId SignaturePolicyId, … }`
/// with `SignaturePolicyId ::= SEQUENCE { sigPolicyId OID, sigPolicyHash OtherHashAlgAndValue }`.
struct SignaturePolicyIdentifier: DERImplicitlyTaggable {
    static var defaultIdentifier: ASN1Identifier { .sequence }
    let policy: SignaturePolicy

    init(_ policy: SignaturePolicy) { self.policy = policy }

    init(derEncoded node: ASN1Node, withIdentifier identifier: ASN1Identifier) throws {
        throw ASN1Error.invalidASN1Object(reason: "parsing SignaturePolicyIdentifier is not needed")
    }

    func serialize(into coder: inout DER.Serializer, withIdentifier identifier: ASN1Identifier) throws {
        try coder.appendConstructedNode(identifier: identifier) { coder in
            try coder.serialize(policy.id)
            try coder.appendConstructedNode(identifier: .sequence) { coder in
                try coder.serialize(policy.hashAlgorithm.identifier)
                try coder.serialize(ASN1OctetString(contentBytes: ArraySlice(policy.hash)))
            }
        }
    }
}

/// `SignerAttributeV2 ::= SEQUENCE { claimedAttributes [0] ClaimedAttributes OPTIONAL, … }`
/// (ETSI EN 319 122-1 §5.2.6.1) with one claimed role as an X.520 role attribute in UTF-8.
struct SignerAttributesV2: DERImplicitlyTaggable {
    static var defaultIdentifier: ASN1Identifier { .sequence }
    let roles: [String]

    init(roles: [String]) { self.roles = roles }

    init(derEncoded node: ASN1Node, withIdentifier identifier: ASN1Identifier) throws {
        throw ASN1Error.invalidASN1Object(reason: "parsing SignerAttributesV2 is not needed")
    }

    func serialize(into coder: inout DER.Serializer, withIdentifier identifier: ASN1Identifier) throws {
        try coder.appendConstructedNode(identifier: identifier) { coder in
            try coder.appendConstructedNode(identifier: ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific)) { coder in
                for role in roles {
                    try coder.serialize(CMSAttribute(type: CMSOID.role, value: ASN1UTF8String(role)))
                }
            }
        }
    }
}
