import CMS
import Evidence
import SwiftASN1

/// The hash index an archive-time-stamp-v3 token carries in its own unsigned
/// attributes (EN 319 122-1 §5.5.2), or its predecessor of TS 101 733 v2.2.1:
///
///     ATSHashIndexV3 ::= SEQUENCE {
///         hashIndAlgorithm            AlgorithmIdentifier DEFAULT {algorithm id-sha256},
///         certificatesHashIndex       SEQUENCE OF OCTET STRING,
///         crlsHashIndex               SEQUENCE OF OCTET STRING,
///         unsignedAttrValuesHashIndex SEQUENCE OF OCTET STRING }
///
/// Each entry is the hash of one element as encoded in the file: a
/// CertificateChoices of SignedData.certificates, a RevocationInfoChoice of
/// SignedData.crls, and, for version 3, one value of an unsigned attribute
/// of the signer together with its type (the encoded attrType followed by
/// the encoded AttributeValue). The TS 101 733 ATSHashIndex has the same
/// shape; its third list hashes each unsigned attribute whole.
struct ATSHashIndex: DERImplicitlyTaggable, Equatable {
    static var defaultIdentifier: ASN1Identifier { .sequence }

    var hashAlgorithm: AlgorithmIdentifier
    var certificates: [[UInt8]]
    var crls: [[UInt8]]
    /// Version 3: one entry per unsigned attribute value; the older index: one per attribute.
    var unsignedAttributes: [[UInt8]]

    init(hashAlgorithm: AlgorithmIdentifier, certificates: [[UInt8]], crls: [[UInt8]], unsignedAttributes: [[UInt8]]) {
        self.hashAlgorithm = hashAlgorithm
        self.certificates = certificates
        self.crls = crls
        self.unsignedAttributes = unsignedAttributes
    }

    /// The version-3 index of what `signed` and `signer` hold now, hashed with `algorithm`.
    init(of signed: SignedData, signer: EncodedSignerInfo, algorithm: DigestAlgorithm) {
        self.init(
            hashAlgorithm: AlgorithmIdentifier(algorithm: algorithm.oid),
            certificates: signed.certificates.map { algorithm.digest($0.bytes) },
            crls: signed.crls.map { algorithm.digest($0.bytes) },
            unsignedAttributes: signer.unsignedAttributes.flatMap { attribute in
                attribute.values.map { algorithm.digest(attribute.typeBytes + $0) }
            })
    }

    init(derEncoded node: ASN1Node, withIdentifier identifier: ASN1Identifier) throws {
        self = try DER.sequence(node, identifier: identifier) { nodes in
            var fields: [ASN1Node] = []
            while let field = nodes.next() { fields.append(field) }
            guard fields.count == 3 || fields.count == 4 else { throw CMSError(.malformed, "ATSHashIndex has \(fields.count) fields") }
            let algorithm = fields.count == 4 ? try AlgorithmIdentifier(derEncoded: fields.removeFirst()) : AlgorithmIdentifier(algorithm: CMSOID.sha256)
            let lists = try fields.map { field in
                try DER.sequence(of: ASN1OctetString.self, identifier: .sequence, rootNode: field).map { Array($0.bytes) }
            }
            return ATSHashIndex(hashAlgorithm: algorithm, certificates: lists[0], crls: lists[1], unsignedAttributes: lists[2])
        }
    }

    /// DER; hashIndAlgorithm is left out when it is SHA-256 (its DEFAULT).
    func serialize(into coder: inout DER.Serializer, withIdentifier identifier: ASN1Identifier) throws {
        try coder.appendConstructedNode(identifier: identifier) { coder in
            if hashAlgorithm.algorithm != CMSOID.sha256 { try coder.serialize(hashAlgorithm) }
            for list in [certificates, crls, unsignedAttributes] {
                try coder.serializeSequenceOf(list.map { ASN1OctetString(contentBytes: ArraySlice($0)) })
            }
        }
    }
}
