import CMS
import Signing
import SwiftASN1

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
