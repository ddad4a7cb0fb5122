import SignatureAlgorithms
import CLibXML2
import CMS
import Foundation
import Signing
import X509

/// xades:QualifyingProperties of one signature: the signed properties of
/// EN 319 132-1 B-B, and the unsigned SignatureTimeStamp of B-T.
struct QualifyingProperties {
    let signatureID: String
    let propertiesID: String
    let signer: Signer
    let options: XAdESOptions
    /// Each data reference's Id and media type, for DataObjectFormat.
    let dataObjects: [(id: String, mimeType: String)]

    final class Built {
        let element: xmlNodePtr
        let signedProperties: xmlNodePtr
        let xades: xmlNsPtr
        init(element: xmlNodePtr, signedProperties: xmlNodePtr, xades: xmlNsPtr) {
            self.element = element
            self.signedProperties = signedProperties
            self.xades = xades
        }

        /// Adds UnsignedProperties with the SignatureTimeStamp; returns its UnsignedSignatureProperties.
        @discardableResult
        func addSignatureTimeStamp(_ token: [UInt8], id: String, canonicalization: Canonicalization, ds: xmlNsPtr) -> xmlNodePtr {
            let unsigned = element.add("UnsignedProperties", xades)
            let signatureProperties = unsigned.add("UnsignedSignatureProperties", xades)
            let timeStamp = signatureProperties.add("SignatureTimeStamp", xades)
            timeStamp.set("Id", id)
            timeStamp.add("CanonicalizationMethod", ds).set("Algorithm", canonicalization.uri)
            timeStamp.add("EncapsulatedTimeStamp", xades, text: Data(token).base64EncodedString())
            return signatureProperties
        }
    }

    func build(in object: xmlNodePtr, ds: xmlNsPtr) throws -> Built {
        let root = xmlNewChild(object, nil, "QualifyingProperties", nil)!
        let xades = xmlNewNs(root, XMLName.xades, "xades")!
        xmlSetNs(root, xades)
        root.set("Target", "#" + signatureID)
        let signed = root.add("SignedProperties", xades)
        signed.set("Id", propertiesID)

        let signatureProperties = signed.add("SignedSignatureProperties", xades)
        signatureProperties.add("SigningTime", xades, text: Self.dateTime(options.signingTime))
        let hash = options.digest
        let certificateDigest = signer.memo.value("digest-base64-\(hash.rawValue)") { Data(hash.digest(signer.certificateDER)).base64EncodedString() }
        if options.signingCertificate != .v2 {
            let cert = signatureProperties.add("SigningCertificate", xades).add("Cert", xades)
            addDigest(certificateDigest, to: cert.add("CertDigest", xades), ds: ds)
            let issuerSerial = cert.add("IssuerSerial", xades)
            issuerSerial.add("X509IssuerName", ds, text: signer.memo.value("issuer-name") { String(describing: signer.certificate.issuer) })
            issuerSerial.add("X509SerialNumber", ds, text: signer.memo.value("serial-decimal") { Self.decimal(signer.certificate.serialNumber.bytes) })
        }
        if options.signingCertificate != .v1 {
            let cert = signatureProperties.add("SigningCertificateV2", xades).add("Cert", xades)
            addDigest(certificateDigest, to: cert.add("CertDigest", xades), ds: ds)
            let issuerSerial = try signer.memo.value("issuer-serial-v2-base64") {
                Data(try IssuerSerial(of: signer.certificate).derBytes()).base64EncodedString()
            }
            cert.add("IssuerSerialV2", xades, text: issuerSerial)
        }
        if let policy = options.policy {
            let id = signatureProperties.add("SignaturePolicyIdentifier", xades).add("SignaturePolicyId", xades)
            id.add("SigPolicyId", xades).add("Identifier", xades, text: "urn:oid:\(policy.id.dotted)").set("Qualifier", "OIDAsURN")
            addDigest(Data(policy.hash).base64EncodedString(), to: id.add("SigPolicyHash", xades), ds: ds, algorithm: policy.hashAlgorithm)
            if let uri = options.policyURI {
                id.add("SigPolicyQualifiers", xades).add("SigPolicyQualifier", xades).add("SPURI", xades, text: uri)
            }
        }
        if let role = options.claimedRole {
            signatureProperties.add("SignerRoleV2", xades).add("ClaimedRoles", xades).add("ClaimedRole", xades, text: role)
        }

        let dataProperties = signed.add("SignedDataObjectProperties", xades)
        for object in dataObjects {
            let format = dataProperties.add("DataObjectFormat", xades)
            format.set("ObjectReference", "#" + object.id)
            format.add("MimeType", xades, text: object.mimeType)
        }
        if let commitment = options.commitment {
            let indication = dataProperties.add("CommitmentTypeIndication", xades)
            indication.add("CommitmentTypeId", xades).add("Identifier", xades, text: commitment.uri)
            indication.add("AllSignedDataObjects", xades)
        }
        return Built(element: root, signedProperties: signed, xades: xades)
    }

    private func addDigest(_ value: String, to parent: xmlNodePtr, ds: xmlNsPtr, algorithm: HashAlgorithm? = nil) {
        parent.add("DigestMethod", ds).set("Algorithm", AlgorithmURI.digest(algorithm ?? options.digest))
        parent.add("DigestValue", ds, text: value)
    }

    /// xsd:dateTime in UTC, whole seconds.
    /// (gmtime_r: ISO8601DateFormatter costs ~100 µs a call, too much when
    /// sealing thousands of documents.)
    static func dateTime(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
    }

    /// A big-endian unsigned integer in decimal (X509SerialNumber).
    static func decimal(_ bytes: ArraySlice<UInt8>) -> String {
        var number = Array(bytes.drop { $0 == 0 })
        if number.isEmpty { return "0" }
        var digits: [UInt8] = []
        while !number.isEmpty {
            var remainder = 0
            var quotient: [UInt8] = []
            for byte in number {
                let value = remainder << 8 | Int(byte)
                let q = value / 10
                remainder = value % 10
                if !(quotient.isEmpty && q == 0) { quotient.append(UInt8(q)) }
            }
            digits.append(UInt8(remainder))
            number = quotient
        }
        return String(digits.reversed().map { Character(String($0)) })
    }
}
