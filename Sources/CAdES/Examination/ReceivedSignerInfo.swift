import CMS
import Evidence
import SwiftASN1
import X509

/// A SignerInfo as another producer wrote it, read into CMS's `SignerInfo`
/// (which reads DER, version 1): a version-3 SignerInfo (its SID a
/// subjectKeyIdentifier) is read with a placeholder issuer and serial that
/// ``identify(in:)`` replaces by the certificate with that key identifier;
/// BER, and signed attributes stored out of DER order, are read through a
/// DER copy while `receivedSignedAttributes` keeps them as they came (the
/// signature is over those bytes).
struct ReceivedSignerInfo {
    var info: SignerInfo
    /// The SID of a version-3 SignerInfo.
    var subjectKeyIdentifier: [UInt8]?

    static let contextZero = ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific)
    static let contextOne = ASN1Identifier(tagWithNumber: 1, tagClass: .contextSpecific)

    init(_ bytes: [UInt8]) throws {
        if let node = try? DER.parse(bytes), let info = try? SignerInfo(derEncoded: node) {
            self.info = info
            return
        }
        let root = try BER.parse(bytes)
        guard root.identifier == .sequence, case .constructed(let children) = root.content else {
            throw CMSError(.malformed, "SignerInfo is not a SEQUENCE")
        }
        let nodes = Array(children)
        guard nodes.count >= 5 else { throw CMSError(.malformed, "SignerInfo has \(nodes.count) fields") }
        let version = try Int(berEncoded: nodes[0])
        guard version == 1 || version == 3 else { throw CMSError(.unsupported, "SignerInfo version \(version)") }
        var keyIdentifier: [UInt8]? = nil
        var received: [UInt8]? = nil
        var coder = DER.Serializer()
        try coder.appendConstructedNode(identifier: .sequence) { coder in
            coder.serializeRawBytes([0x02, 0x01, 0x01])  // version 1: the SID below is issuerAndSerialNumber
            for (index, node) in nodes.enumerated() where index > 0 {
                if index == 1, node.identifier == Self.contextZero {
                    guard case .primitive(let identifier) = node.content else { throw CMSError(.malformed, "subjectKeyIdentifier") }
                    keyIdentifier = Array(identifier)
                    coder.serializeRawBytes([0x30, 0x05, 0x30, 0x00, 0x02, 0x01, 0x00])  // placeholder: empty issuer, serial 0
                } else if index == 3, node.identifier == Self.contextZero {
                    received = [0x31] + Array(node.encodedBytes.dropFirst())
                    try Self.sortedSet(node, into: &coder)
                } else if node.identifier == Self.contextOne {
                    try Self.sortedSet(node, into: &coder)
                } else {
                    coder.serializeRawBytes(try Self.der(node))
                }
            }
        }
        var info = try SignerInfo(derEncoded: try DER.parse(coder.serializedBytes))
        if let received { info.receivedSignedAttributes = received }
        self.info = info
        self.subjectKeyIdentifier = keyIdentifier
    }

    /// Why `bytes` is no SignerInfo, for the report.
    static func failure(_ bytes: [UInt8]) -> String {
        do {
            _ = try ReceivedSignerInfo(bytes)
            return "SignerInfo unreadable"
        } catch let error as CMSError {
            return "SignerInfo: \(error.detail)"
        } catch {
            return "SignerInfo: \(error)"
        }
    }

    /// A version-3 SID names its certificate by key identifier: the SID is
    /// set to that certificate's issuer and serial so the checks find it.
    mutating func identify(in candidates: [CertificateRecord]) {
        guard let subjectKeyIdentifier else { return }
        let match = candidates.first { candidate in
            guard let extensionValue = try? candidate.extensions.subjectKeyIdentifier else { return false }
            return Array(extensionValue.keyIdentifier) == subjectKeyIdentifier
        }
        guard let match, let issuer = try? ASN1Any(erasing: match.issuer) else { return }
        info.issuer = issuer
        info.serialNumber = ArraySlice(match.serialNumber)
    }

    /// An implicitly tagged SET OF written as DER: members in DER order.
    private static func sortedSet(_ node: ASN1Node, into coder: inout DER.Serializer) throws {
        guard case .constructed(let members) = node.content else { throw CMSError(.malformed, "attributes") }
        let encoded = try members.map { try der($0) }.sorted { $0.lexicographicallyPrecedes($1) }
        coder.appendConstructedNode(identifier: node.identifier) { coder in
            for member in encoded { coder.serializeRawBytes(member) }
        }
    }

    /// A node as DER (BER lengths and constructed strings rewritten).
    private static func der(_ node: ASN1Node) throws -> [UInt8] {
        var coder = DER.Serializer()
        try coder.serialize(try ASN1Any(berEncoded: node))
        return coder.serializedBytes
    }
}
