import CMS
import SwiftASN1
import X509

/// A signed reference to the signing certificate: CAdES' ESSCertID /
/// ESSCertIDv2 (signing-certificate / signing-certificate-v2 attributes) or
/// XAdES' SigningCertificate / SigningCertificateV2 Cert: a digest of the
/// certificate and, optionally, its issuer and serial number.
public struct SigningCertificateReference: Sendable {
    public var digestAlgorithm: DigestAlgorithm?
    /// The algorithm as written, for a report when it is unknown.
    public var digestAlgorithmName: String
    public var digest: [UInt8]
    public var issuer: DistinguishedName?
    public var serialNumber: [UInt8]?

    public init(digestAlgorithm: DigestAlgorithm?, digestAlgorithmName: String, digest: [UInt8], issuer: DistinguishedName?, serialNumber: [UInt8]?) {
        self.digestAlgorithm = digestAlgorithm
        self.digestAlgorithmName = digestAlgorithmName
        self.digest = digest
        self.issuer = issuer
        self.serialNumber = serialNumber
    }

    public func digestMatches(_ certificate: CertificateRecord) -> Bool {
        guard let digestAlgorithm else { return false }
        return digestAlgorithm.digest(certificate.der) == digest
    }

    public func issuerSerialMatches(_ certificate: CertificateRecord) -> Bool {
        if let serialNumber, Self.integer(serialNumber) != Self.integer(certificate.serialNumber) { return false }
        if let issuer, issuer != certificate.issuer, !Self.sameName(issuer, certificate.issuer) { return false }
        return true
    }

    /// The candidate this reference names, by digest.
    public func match(in candidates: [CertificateRecord]) -> CertificateRecord? {
        candidates.first { digestMatches($0) && issuerSerialMatches($0) }
    }

    /// How this reference relates to the certificate the signature names
    /// otherwise (`named`: by SID or KeyInfo), or to the candidates at hand.
    public func check(against named: CertificateRecord?, candidates: [CertificateRecord]) -> SigningCertificateReferenceCheck {
        if digestAlgorithm == nil { return .digestMismatch("digest algorithm \(digestAlgorithmName)") }
        if let named {
            if !digestMatches(named) { return .digestMismatch("the digest does not match \(named.subject)") }
            if !issuerSerialMatches(named) { return .issuerSerialMismatch("issuer/serial do not match \(named.subject)") }
            return .matches
        }
        if let found = candidates.first(where: { digestMatches($0) }) {
            return issuerSerialMatches(found) ? .matches : .issuerSerialMismatch("issuer/serial do not match \(found.subject)")
        }
        return .certificateNotFound("no certificate at hand has the referenced digest")
    }

    /// Names compared as RFC 5280 §7.1 allows: the same attributes with the
    /// same values, whatever string type encodes them (UTF8String or
    /// PrintableString), case and spacing aside.
    static func sameName(_ a: DistinguishedName, _ b: DistinguishedName) -> Bool {
        func fold(_ name: DistinguishedName) -> String {
            name.description.lowercased().split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        }
        return fold(a) == fold(b)
    }

    /// Leading zero octets aside, serials compare as integers.
    static func integer(_ bytes: [UInt8]) -> [UInt8] { Array(bytes.drop(while: { $0 == 0 })) }

    /// The first ESSCertID(v2) of a SignerInfo's signing-certificate(-v2) attribute.
    public static func read(from signer: SignerInfo) -> SigningCertificateReference? {
        if let value = signer.signedAttribute(CMSOID.signingCertificateV2) { return parse(value, v2: true) }
        if let value = signer.signedAttribute(CMSOID.signingCertificate) { return parse(value, v2: false) }
        return nil
    }

    /// Whether the SignerInfo carries a signing-certificate attribute at all
    /// (even one that does not parse).
    public static func isPresent(in signer: SignerInfo) -> Bool {
        signer.signedAttribute(CMSOID.signingCertificateV2) != nil || signer.signedAttribute(CMSOID.signingCertificate) != nil
    }

    static func parse(_ value: ASN1Any, v2: Bool) -> SigningCertificateReference? {
        var coder = DER.Serializer()
        guard (try? coder.serialize(value)) != nil, let root = try? DER.parse(coder.serializedBytes) else { return nil }
        return try? DER.sequence(root, identifier: .sequence) { outer -> SigningCertificateReference? in
            guard let certs = outer.next() else { return nil }
            while outer.next() != nil {}  // policies: not read (DER.sequence wants every element consumed)
            return try DER.sequence(certs, identifier: .sequence) { list -> SigningCertificateReference? in
                guard let first = list.next() else { return nil }
                while list.next() != nil {}  // further ESSCertIDs name other certificates of the path
                return try DER.sequence(first, identifier: .sequence) { id -> SigningCertificateReference? in
                    var algorithm: DigestAlgorithm? = v2 ? .sha256 : .sha1
                    var name = v2 ? "SHA-256" : "SHA-1"
                    var node = id.next()
                    if v2, let candidate = node, candidate.identifier == .sequence {
                        let identifier = try AlgorithmIdentifier(derEncoded: candidate)
                        algorithm = DigestAlgorithm(oid: identifier.algorithm)
                        name = algorithm?.rawValue ?? identifier.algorithm.description
                        node = id.next()
                    }
                    guard let hashNode = node else { return nil }
                    let hash = try ASN1OctetString(derEncoded: hashNode)
                    var issuer: DistinguishedName? = nil
                    var serial: [UInt8]? = nil
                    if let issuerSerialNode = id.next(), let parsed = try? IssuerSerial(derEncoded: issuerSerialNode) {
                        issuer = parsed.issuer
                        serial = Array(parsed.serialNumber)
                    }
                    while id.next() != nil {}
                    return SigningCertificateReference(
                        digestAlgorithm: algorithm, digestAlgorithmName: name, digest: Array(hash.bytes), issuer: issuer, serialNumber: serial)
                }
            }
        }
    }
}
