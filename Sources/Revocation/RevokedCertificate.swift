import Foundation
import SwiftASN1
import X509

/// One entry of a CRL's revokedCertificates (RFC 5280 §5.1.2.6, §5.3):
/// serial, revocation date and the entry extensions that matter.
public struct RevokedCertificate: Sendable, Hashable {
    /// The serial's INTEGER content bytes, as encoded.
    public let serialNumber: ArraySlice<UInt8>
    public let revocationDate: Date
    /// reasonCode, if present (certificateHold: suspended; removeFromCRL: in delta CRLs).
    public let reason: CRLReason?
    public let invalidityDate: Date?
    /// Whether the entry carries a certificateIssuer extension (indirect CRLs only).
    public let hasCertificateIssuer: Bool

    public init(serialNumber: ArraySlice<UInt8>, revocationDate: Date, reason: CRLReason?, invalidityDate: Date?, hasCertificateIssuer: Bool = false) {
        self.serialNumber = serialNumber
        self.revocationDate = revocationDate
        self.reason = reason
        self.invalidityDate = invalidityDate
        self.hasCertificateIssuer = hasCertificateIssuer
    }

    /// Parses one entry `SEQUENCE { userCertificate, revocationDate, crlEntryExtensions OPTIONAL }`.
    init(der: ArraySlice<UInt8>) throws {
        self = try DER.sequence(DER.parse(der), identifier: .sequence) { nodes in
            let serial = try ArraySlice<UInt8>(derEncoded: &nodes)
            guard let dateNode = nodes.next() else { throw ASN1Error.invalidASN1Object(reason: "CRL entry: no revocationDate") }
            let date = try ASN1Time.date(node: dateNode)
            var reason: CRLReason?
            var invalidity: Date?
            var certificateIssuer = false
            if let extensionsNode = nodes.next() {
                let extensions = try DER.sequence(of: Certificate.Extension.self, identifier: .sequence, rootNode: extensionsNode)
                for ext in extensions {
                    switch ext.oid {
                    case RevocationOID.reasonCode: reason = try CRLReason(enumerated: DER.parse(ext.value))
                    case RevocationOID.invalidityDate: invalidity = ASN1Time.date(try GeneralizedTime(derEncoded: ext.value))
                    case RevocationOID.certificateIssuer: certificateIssuer = true
                    default:
                        if ext.critical { throw ASN1Error.invalidASN1Object(reason: "CRL entry: unknown critical extension \(ext.oid)") }
                    }
                }
            }
            return RevokedCertificate(
                serialNumber: serial, revocationDate: date, reason: reason, invalidityDate: invalidity, hasCertificateIssuer: certificateIssuer)
        }
    }
}
