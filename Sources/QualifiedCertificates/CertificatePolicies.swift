import SwiftASN1

/// The certificate policies extension (RFC 5280 §4.2.1.4), reduced to the
/// policy identifiers, which is what decides qualified status.
public struct CertificatePolicies: Sendable, Hashable, DERParseable {
    public static let extensionOID: ASN1ObjectIdentifier = [2, 5, 29, 32]

    public let policies: [ASN1ObjectIdentifier]

    public init(derEncoded node: ASN1Node) throws {
        policies = try DER.sequence(of: PolicyInformation.self, identifier: .sequence, rootNode: node).map(\.id)
    }

    private struct PolicyInformation: DERParseable {
        let id: ASN1ObjectIdentifier
        init(derEncoded node: ASN1Node) throws {
            id = try DER.sequence(node, identifier: .sequence) { nodes in
                let id = try ASN1ObjectIdentifier(derEncoded: &nodes)
                while nodes.next() != nil {}
                return id
            }
        }
    }

    /// Names of the ETSI EN 319 411-2 qualified policies.
    public static let knownNames: [ASN1ObjectIdentifier: String] = [
        [0, 4, 0, 194112, 1, 0]: "QCP-n",
        [0, 4, 0, 194112, 1, 1]: "QCP-l",
        [0, 4, 0, 194112, 1, 2]: "QCP-n-qscd",
        [0, 4, 0, 194112, 1, 3]: "QCP-l-qscd",
        [0, 4, 0, 194112, 1, 4]: "QCP-w",
    ]
}
