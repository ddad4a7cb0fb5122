import CMS
import Foundation
import SwiftASN1
import X509

/// A CRL (`CertificateList`, RFC 5280 §5.1), parsed once and indexed by
/// serial number: real CRLs reach tens of MB, so the revoked entries are
/// walked element by element (``DERScanner``), each parsed on its own bytes,
/// and looked up in a dictionary keyed by the serial's bytes. The TBS bytes
/// are kept for the signature check.
public struct CertificateRevocationList: Sendable {
    /// The default upper bound for a CRL's size (64 MiB).
    public static let defaultMaximumSize = 64 << 20

    /// The whole DER.
    public let der: [UInt8]
    /// The TBSCertList's bytes within `der` (what the signature covers).
    public let tbsRange: Range<Int>
    /// 1 for v2 (the only version with extensions), 0 for v1.
    public let version: Int
    public let issuer: DistinguishedName
    public let thisUpdate: Date
    public let nextUpdate: Date?
    public let signatureAlgorithm: AlgorithmIdentifier
    public let signature: ASN1BitString
    /// The CRL extensions, as in the CRL.
    public let extensions: [Certificate.Extension]
    /// cRLNumber's content bytes, if present.
    public let crlNumber: ArraySlice<UInt8>?
    /// deltaCRLIndicator's BaseCRLNumber, if this is a delta CRL.
    public let deltaBaseCRLNumber: ArraySlice<UInt8>?
    public let issuingDistributionPoint: IssuingDistributionPoint?
    /// The revoked entries in CRL order.
    public let entries: [RevokedCertificate]
    /// Whether some entry carries certificateIssuer (an indirect CRL).
    public let hasIndirectEntries: Bool
    /// Normalised serial bytes → index in `entries`.
    private let index: [ArraySlice<UInt8>: Int]

    /// The TBSCertList's bytes.
    public var tbsBytes: ArraySlice<UInt8> { der[tbsRange] }
    /// Whether this is a delta CRL (carries deltaCRLIndicator).
    public var isDelta: Bool { deltaBaseCRLNumber != nil }

    /// Parses a DER CRL of at most `maximumSize` bytes (`revocation-crl-too-large`
    /// beyond); anything that is not one is `revocation-crl-malformed`.
    public init(der: [UInt8], maximumSize: Int = CertificateRevocationList.defaultMaximumSize) throws(RevocationError) {
        guard der.count <= maximumSize else { throw RevocationError(.crlTooLarge, "\(der.count) bytes, at most \(maximumSize)") }
        do {
            self = try Self.parse(der)
        } catch let error as RevocationError {
            throw error
        } catch {
            throw RevocationError(.crlMalformed, parseFailure(error))
        }
    }

    private init(
        der: [UInt8], tbsRange: Range<Int>, version: Int, issuer: DistinguishedName, thisUpdate: Date, nextUpdate: Date?,
        signatureAlgorithm: AlgorithmIdentifier, signature: ASN1BitString, extensions: [Certificate.Extension],
        crlNumber: ArraySlice<UInt8>?, deltaBaseCRLNumber: ArraySlice<UInt8>?, issuingDistributionPoint: IssuingDistributionPoint?,
        entries: [RevokedCertificate], hasIndirectEntries: Bool, index: [ArraySlice<UInt8>: Int]
    ) {
        self.der = der
        self.tbsRange = tbsRange
        self.version = version
        self.issuer = issuer
        self.thisUpdate = thisUpdate
        self.nextUpdate = nextUpdate
        self.signatureAlgorithm = signatureAlgorithm
        self.signature = signature
        self.extensions = extensions
        self.crlNumber = crlNumber
        self.deltaBaseCRLNumber = deltaBaseCRLNumber
        self.issuingDistributionPoint = issuingDistributionPoint
        self.entries = entries
        self.hasIndirectEntries = hasIndirectEntries
        self.index = index
    }

    /// The entry for a serial number (INTEGER content bytes; leading zeros ignored), if listed.
    public func entry(serialNumber: some Collection<UInt8>) -> RevokedCertificate? {
        index[SignatureCheck.normalised(ArraySlice(serialNumber))].map { entries[$0] }
    }

    /// The entry for a certificate, if listed.
    public func entry(for certificate: Certificate) -> RevokedCertificate? {
        entry(serialNumber: certificate.serialNumber.bytes)
    }

    private static func parse(_ der: [UInt8]) throws -> CertificateRevocationList {
        var outer = DERScanner(der, range: 0..<der.count)
        let list = try outer.expect(0x30, "CertificateList")
        guard outer.atEnd else { throw DERScanner.Malformed(description: "bytes after the CertificateList") }
        var parts = DERScanner(der, range: list.content)
        let tbs = try parts.expect(0x30, "tbsCertList")
        let outerAlgorithm = try parts.expect(0x30, "signatureAlgorithm")
        let signatureElement = try parts.expect(0x03, "signatureValue")
        guard parts.atEnd else { throw DERScanner.Malformed(description: "extra fields in CertificateList") }
        let signatureAlgorithm = try AlgorithmIdentifier(derEncoded: der[outerAlgorithm.whole])
        let signature = try ASN1BitString(derEncoded: der[signatureElement.whole])

        var fields = DERScanner(der, range: tbs.content)
        var version = 0
        if fields.peekTag() == 0x02 {
            let element = try fields.expect(0x02, "version")
            version = try Int(derEncoded: der[element.whole])
            guard version == 1 else { throw DERScanner.Malformed(description: "version \(version)") }
        }
        let innerAlgorithm = try AlgorithmIdentifier(derEncoded: der[try fields.expect(0x30, "signature").whole])
        guard innerAlgorithm == signatureAlgorithm else {
            throw DERScanner.Malformed(description: "the two signature algorithms differ")
        }
        let issuer = try DistinguishedName(derEncoded: DER.parse(der[try fields.expect(0x30, "issuer").whole]))
        guard let thisElement = try fields.next() else { throw DERScanner.Malformed(description: "thisUpdate missing") }
        let thisUpdate = try ASN1Time.date(node: DER.parse(der[thisElement.whole]))
        var nextUpdate: Date?
        if let tag = fields.peekTag(), tag == 0x17 || tag == 0x18, let element = try fields.next() {
            nextUpdate = try ASN1Time.date(node: DER.parse(der[element.whole]))
        }
        var entries: [RevokedCertificate] = []
        var index: [ArraySlice<UInt8>: Int] = [:]
        var indirect = false
        if fields.peekTag() == 0x30 {
            let list = try fields.expect(0x30, "revokedCertificates")
            var scanner = DERScanner(der, range: list.content)
            while let element = try scanner.next() {
                guard element.tag == 0x30 else { throw DERScanner.Malformed(description: "revoked entry at \(element.start)") }
                let entry = try RevokedCertificate(der: der, element: element)
                let key = SignatureCheck.normalised(entry.serialNumber)
                indirect = indirect || entry.hasCertificateIssuer
                if index[key] == nil { index[key] = entries.count }
                entries.append(entry)
            }
        }
        var extensions: [Certificate.Extension] = []
        if fields.peekTag() == 0xA0 {
            let element = try fields.expect(0xA0, "crlExtensions")
            extensions = try DER.explicitlyTagged(DER.parse(der[element.whole]), tagNumber: 0, tagClass: .contextSpecific) {
                try DER.sequence(of: Certificate.Extension.self, identifier: .sequence, rootNode: $0)
            }
        }
        guard fields.atEnd else { throw DERScanner.Malformed(description: "extra fields in tbsCertList") }

        var crlNumber: ArraySlice<UInt8>?
        var base: ArraySlice<UInt8>?
        var idp: IssuingDistributionPoint?
        var seen = Set<ASN1ObjectIdentifier>()
        for ext in extensions {
            guard seen.insert(ext.oid).inserted else { throw DERScanner.Malformed(description: "extension \(ext.oid) twice") }
            switch ext.oid {
            case RevocationOID.crlNumber: crlNumber = try ArraySlice<UInt8>(derEncoded: ext.value)
            case RevocationOID.deltaCRLIndicator: base = try ArraySlice<UInt8>(derEncoded: ext.value)
            case RevocationOID.issuingDistributionPoint: idp = try IssuingDistributionPoint(derEncoded: ext.value)
            default: break
            }
        }
        return CertificateRevocationList(
            der: der, tbsRange: tbs.whole, version: version, issuer: issuer, thisUpdate: thisUpdate, nextUpdate: nextUpdate,
            signatureAlgorithm: signatureAlgorithm, signature: signature, extensions: extensions, crlNumber: crlNumber,
            deltaBaseCRLNumber: base, issuingDistributionPoint: idp, entries: entries, hasIndirectEntries: indirect, index: index)
    }
}
