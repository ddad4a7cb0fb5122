import CMS
import SwiftASN1

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
