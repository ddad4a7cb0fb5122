import CMS
import Evidence
import SwiftASN1

/// The certificates and revocation data a CMS signature carries: in
/// SignedData (certificates, crls — CRLs and RFC 5940 OCSP responses) and in
/// the CAdES certificate-values / revocation-values attributes. Every OCSP
/// answer is kept as an OCSPResponse (DER), the form SignedData and XAdES
/// carry: revocation-values' BasicOCSPResponses are wrapped as successful
/// responses, their bytes unchanged inside.
struct CarriedValidationData {
    var certificates: [CertificateRecord] = []
    var ocspResponses: [[UInt8]] = []
    var crls: [[UInt8]] = []

    mutating func add(_ other: CarriedValidationData) {
        addCertificates(other.certificates)
        for response in other.ocspResponses where !ocspResponses.contains(response) { ocspResponses.append(response) }
        for crl in other.crls where !crls.contains(crl) { crls.append(crl) }
    }

    mutating func addCertificates(_ more: [CertificateRecord]) {
        for certificate in more where !certificates.contains(certificate) { certificates.append(certificate) }
    }

    /// SignedData.certificates: the `certificate` choice (other choices are skipped).
    mutating func addSignedDataCertificates(_ elements: [CMSElement]) {
        addCertificates(elements.compactMap { element in
            guard element.bytes.first == 0x30 else { return nil }
            return try? CertificateRecord(der: element.bytes)
        })
    }

    /// SignedData.crls: CRLs, and OCSP responses as `other` (id-ri-ocsp-response,
    /// or id-pkix-ocsp-basic with a BasicOCSPResponse).
    mutating func addSignedDataRevocation(_ elements: [CMSElement]) {
        for element in elements {
            guard let node = try? element.node() else { continue }
            if node.identifier == .sequence {
                addCRL(Array(node.encodedBytes))
            } else if node.identifier == ASN1Identifier(tagWithNumber: 1, tagClass: .contextSpecific), case .constructed(let parts) = node.content {
                var iterator = parts.makeIterator()
                guard let typeNode = iterator.next(), let type = try? ASN1ObjectIdentifier(berEncoded: typeNode), let value = iterator.next()
                else { continue }
                if type == CAdESAttributeOID.ocspResponseRevocationInfo {
                    addOCSPResponse(Array(value.encodedBytes))
                } else if type == CAdESAttributeOID.ocspBasic, let response = Self.ocspResponse(wrapping: Array(value.encodedBytes)) {
                    // The older ETSI form: a BasicOCSPResponse named by id-pkix-ocsp-basic.
                    addOCSPResponse(response)
                }
            }
        }
    }

    /// certificate-values: `SEQUENCE OF Certificate`.
    mutating func addCertificateValues(_ value: ASN1Any) {
        guard let node = ExaminationDER.node(value), node.identifier == .sequence, case .constructed(let items) = node.content else { return }
        addCertificates(items.compactMap { try? CertificateRecord(der: Array($0.encodedBytes)) })
    }

    /// revocation-values: `SEQUENCE { crlVals [0] SEQUENCE OF CertificateList OPTIONAL,
    /// ocspVals [1] SEQUENCE OF BasicOCSPResponse OPTIONAL, otherRevVals [2] OPTIONAL }`.
    mutating func addRevocationValues(_ value: ASN1Any) {
        guard let node = ExaminationDER.node(value), node.identifier == .sequence, case .constructed(let fields) = node.content else { return }
        for field in fields {
            guard field.identifier.tagClass == .contextSpecific, case .constructed(let wrapped) = field.content,
                let list = wrapped.first(where: { _ in true }), list.identifier == .sequence, case .constructed(let items) = list.content
            else { continue }
            for item in items {
                switch field.identifier.tagNumber {
                case 0: addCRL(Array(item.encodedBytes))
                case 1: if let response = Self.ocspResponse(wrapping: Array(item.encodedBytes)) { addOCSPResponse(response) }
                default: break
                }
            }
        }
    }

    private mutating func addCRL(_ der: [UInt8]) {
        if !crls.contains(der) { crls.append(der) }
    }

    private mutating func addOCSPResponse(_ der: [UInt8]) {
        if !ocspResponses.contains(der) { ocspResponses.append(der) }
    }

    /// `OCSPResponse { successful, responseBytes [0] { id-pkix-ocsp-basic, OCTET STRING basic } }`.
    static func ocspResponse(wrapping basic: [UInt8]) -> [UInt8]? {
        var coder = DER.Serializer()
        do {
            try coder.appendConstructedNode(identifier: .sequence) { coder in
                coder.serializeRawBytes([0x0A, 0x01, 0x00])  // responseStatus ENUMERATED successful (0)
                try coder.appendConstructedNode(identifier: ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific)) { coder in
                    try coder.appendConstructedNode(identifier: .sequence) { coder in
                        try coder.serialize(CAdESAttributeOID.ocspBasic)
                        try coder.serialize(ASN1OctetString(contentBytes: ArraySlice(basic)))
                    }
                }
            }
        } catch { return nil }
        return coder.serializedBytes
    }
}
