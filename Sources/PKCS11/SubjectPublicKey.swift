import SignatureAlgorithms
import SwiftASN1
import X509

/// The public key in a certificate, reduced to what pairing with a token key needs.
enum SubjectPublicKey: Hashable {
    case rsa(modulus: [UInt8])
    case ec(point: [UInt8])
    case other

    init?(certificateDER: [UInt8]) {
        guard let certificate = try? Certificate(derEncoded: certificateDER) else { return nil }
        let spki = Array(certificate.publicKey.subjectPublicKeyInfoBytes)
        guard let root = try? DER.parse(spki), case .constructed(let nodes) = root.content else { return nil }
        var iterator = nodes.makeIterator()
        guard let algorithm = iterator.next(), let key = iterator.next(),
            case .constructed(let algorithmNodes) = algorithm.content,
            let oidNode = first(algorithmNodes),
            let oid = try? ASN1ObjectIdentifier(derEncoded: oidNode),
            let bits = try? ASN1BitString(derEncoded: key)
        else { return nil }
        switch oid {
        case ASN1ObjectIdentifier("1.2.840.113549.1.1.1"):
            guard let rsa = try? DER.parse(Array(bits.bytes)), case .constructed(let parts) = rsa.content,
                let modulusNode = first(parts),
                let modulus = try? ArraySlice<UInt8>(derEncoded: modulusNode)
            else { return nil }
            self = .rsa(modulus: stripLeadingZeros(Array(modulus)))
        case ASN1ObjectIdentifier("1.2.840.10045.2.1"):
            self = .ec(point: Array(bits.bytes))
        default:
            self = .other
        }
    }
}

private func first(_ nodes: ASN1NodeCollection) -> ASN1Node? {
    var iterator = nodes.makeIterator()
    return iterator.next()
}
