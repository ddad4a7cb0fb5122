import Crypto
import SwiftASN1
import X509

/// What qualification reads of a certificate: its policies, key usage bits,
/// key identifiers and QCStatements (read from the raw extensions, so that
/// an odd extension never stops the determination).
struct CertificateTraits: Sendable {
    let policies: Set<String>
    let keyUsage: Set<String>
    let subjectKeyIdentifier: [UInt8]
    let authorityKeyIdentifier: [UInt8]?
    let statements: Set<String>
    let qcTypes: Set<String>

    static let qcCompliance = "0.4.0.1862.1.1"
    static let qcSSCD = "0.4.0.1862.1.4"
    static let qcType = "0.4.0.1862.1.6"
    static let qcTypeESign = "0.4.0.1862.1.6.1"
    static let qcTypeESeal = "0.4.0.1862.1.6.2"
    static let qcTypeWeb = "0.4.0.1862.1.6.3"

    init(_ certificate: Certificate) { self.init(IssuedCertificate(certificate)) }

    init(_ certificate: IssuedCertificate) {
        var policies: Set<String> = []
        if let ext = certificate.extensions[oid: [2, 5, 29, 32]], let root = try? DER.parse(ext.value) {
            _ = try? DER.sequence(root, identifier: .sequence) { nodes in
                while let info = nodes.next() {
                    _ = try? DER.sequence(info, identifier: .sequence) { inner in
                        if let oid = try? ASN1ObjectIdentifier(derEncoded: &inner) { policies.insert(oid.description) }
                        while inner.next() != nil {}
                    }
                }
            }
        }
        self.policies = policies
        var bits: Set<String> = []
        if let usage = try? certificate.extensions.keyUsage {
            let named: [(String, Bool)] = [
                ("digitalSignature", usage.digitalSignature), ("nonRepudiation", usage.nonRepudiation),
                ("keyEncipherment", usage.keyEncipherment), ("dataEncipherment", usage.dataEncipherment),
                ("keyAgreement", usage.keyAgreement), ("keyCertSign", usage.keyCertSign), ("crlSign", usage.cRLSign),
                ("encipherOnly", usage.encipherOnly), ("decipherOnly", usage.decipherOnly),
            ]
            for (name, set) in named where set { bits.insert(name) }
            if usage.nonRepudiation { bits.insert("contentCommitment") }
        }
        self.keyUsage = bits
        if let ski = try? certificate.extensions.subjectKeyIdentifier {
            subjectKeyIdentifier = Array(ski.keyIdentifier)
        } else {
            subjectKeyIdentifier = Array(Insecure.SHA1.hash(data: Self.subjectPublicKeyBits(certificate)))
        }
        authorityKeyIdentifier = (try? certificate.extensions.authorityKeyIdentifier)?.keyIdentifier.map { Array($0) }
        var statements: Set<String> = []
        var types: Set<String> = []
        if let ext = certificate.extensions[oid: [1, 3, 6, 1, 5, 5, 7, 1, 3]], let root = try? DER.parse(ext.value) {
            _ = try? DER.sequence(root, identifier: .sequence) { nodes in
                while let statement = nodes.next() {
                    _ = try? DER.sequence(statement, identifier: .sequence) { inner in
                        guard let id = try? ASN1ObjectIdentifier(derEncoded: &inner) else { return }
                        statements.insert(id.description)
                        if id.description == Self.qcType, let info = inner.next() {
                            _ = try? DER.sequence(info, identifier: .sequence) { list in
                                while let node = list.next() {
                                    if let type = try? ASN1ObjectIdentifier(derEncoded: node) { types.insert(type.description) }
                                }
                            }
                        }
                        while inner.next() != nil {}
                    }
                }
            }
        }
        self.statements = statements
        self.qcTypes = types
    }

    /// The BIT STRING content of the subject public key (RFC 5280 §4.2.1.2 method 1).
    static func subjectPublicKeyBits(_ certificate: IssuedCertificate) -> [UInt8] {
        let spki = certificate.subjectPublicKeyInfo
        guard let root = try? DER.parse(spki),
            let bits = try? DER.sequence(root, identifier: .sequence, { nodes -> ASN1BitString in
                _ = nodes.next()
                return try ASN1BitString(derEncoded: &nodes)
            })
        else { return spki }
        return Array(bits.bytes)
    }
}
