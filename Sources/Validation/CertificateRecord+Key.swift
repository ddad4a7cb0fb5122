import Evidence
import SwiftASN1

extension CertificateRecord {
    /// The RSA modulus length in bits, nil for other keys.
    var rsaModulusBits: Int? {
        guard let root = try? DER.parse(subjectPublicKeyInfo) else { return nil }
        return try? DER.sequence(root, identifier: .sequence) { nodes -> Int? in
            guard let algorithmNode = nodes.next() else { return nil }
            let oid = try DER.sequence(algorithmNode, identifier: .sequence) { parts -> ASN1ObjectIdentifier in
                let oid = try ASN1ObjectIdentifier(derEncoded: &parts)
                while parts.next() != nil {}  // the parameters (NULL for RSA)
                return oid
            }
            guard oid == [1, 2, 840, 113549, 1, 1, 1] || oid == [1, 2, 840, 113549, 1, 1, 10] else { return nil }
            let bits = try ASN1BitString(derEncoded: &nodes)
            let key = try DER.parse(Array(bits.bytes))
            return try DER.sequence(key, identifier: .sequence) { parts -> Int? in
                let modulus = try ArraySlice<UInt8>(derEncoded: &parts)
                while parts.next() != nil {}  // the public exponent
                let trimmed = modulus.drop(while: { $0 == 0 })
                guard let first = trimmed.first else { return 0 }
                return (trimmed.count - 1) * 8 + (8 - first.leadingZeroBitCount)
            }
        }
    }

    /// Whether the certificate allows time-stamping (extended key usage id-kp-timeStamping).
    var allowsTimeStamping: Bool {
        guard let ext = extensions[oid: [2, 5, 29, 37]], let root = try? DER.parse(ext.value) else { return false }
        let usages = (try? DER.sequence(of: ASN1ObjectIdentifier.self, identifier: .sequence, rootNode: root)) ?? []
        return usages.contains([1, 3, 6, 1, 5, 5, 7, 3, 8])
    }
}
