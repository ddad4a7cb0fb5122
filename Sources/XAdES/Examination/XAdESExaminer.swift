import CLibXML2
import CMS
import Evidence
import Foundation
import SignatureAlgorithms
import SwiftASN1
import X509

/// Reads every XML signature of a document made by anyone and checks what
/// can be checked without trust: each reference (resolved only through Ids
/// that occur once, only inside this document or among the files given),
/// the signature value, the signing certificate reference, the time-stamps.
/// The XAdES properties are read only from the SignedProperties a signed
/// reference covers, and only where EN 319 132-1 puts them: a second,
/// unsigned copy elsewhere is how signature wrapping fools verifiers.
public enum XAdESExaminer {
    static let maximumSignatures = 1_000
    static let maximumReferences = 1_000
    static let etsiNamespaces = ["http://uri.etsi.org/01903/v1.3.2#", "http://uri.etsi.org/01903/v1.1.1#"]
    static let xades141 = "http://uri.etsi.org/01903/v1.4.1#"

    /// The signatures of `document`, counter-signatures nested in their parents'.
    public static func examine(_ document: XMLDocument, detached: [DetachedData]) -> [ExaminedSignature] {
        guard let root = document.root else { return [] }
        let index = IdentifierIndex(root)
        let all = root.descendants { $0.isElement("Signature", in: XMLName.dsig) }
        let topLevel = all.filter { signature in !signature.hasAncestor { $0.isElement("CounterSignature", in: XMLName.xades) } }
        return topLevel.prefix(maximumSignatures).enumerated().map { number, signature in
            examine(signature, number: number + 1, parent: nil, document: document, index: index, detached: detached)
        }
    }

    static func examine(
        _ signature: xmlNodePtr, number: Int, parent: (id: String, signatureValue: xmlNodePtr)?, document: XMLDocument,
        index: IdentifierIndex, detached: [DetachedData]
    ) -> ExaminedSignature {
        let id = signature.attribute("Id") ?? (parent.map { "\($0.id)-C\(number)" } ?? "S-\(number)")
        let signedInfo = signature.child("SignedInfo", in: XMLName.dsig)
        let methodURI = signedInfo?.child("SignatureMethod", in: XMLName.dsig)?.attribute("Algorithm") ?? ""
        var result = ExaminedSignature(id: id, parentID: parent?.id, format: .xades, level: .notETSI, signatureAlgorithm: methodURI)
        guard let signedInfo else {
            result.formatProblems.append("ds:Signature without ds:SignedInfo")
            return result
        }
        let pipeline = TransformPipeline(document: document, signature: signature)

        // KeyInfo certificates.
        let keyInfo = signature.child("KeyInfo", in: XMLName.dsig)
        let keyInfoCertificates = (keyInfo?.descendants { $0.isElement("X509Certificate", in: XMLName.dsig) } ?? []).compactMap {
            decodeCertificate($0.textContent)
        }
        result.addCertificates(keyInfoCertificates)

        // QualifyingProperties: this signature's own, under one of its ds:Object children.
        let objects = signature.elementChildren.filter { $0.isElement("Object", in: XMLName.dsig) }
        let qualifying = objects.flatMap { $0.elementChildren }.filter { element in
            etsiNamespaces.contains(element.namespaceURI ?? "") && element.localName == "QualifyingProperties"
        }
        if qualifying.count > 1 { result.formatProblems.append("more than one xades:QualifyingProperties") }
        let properties = qualifying.first
        if let properties, let target = properties.attribute("Target"), target != "#\(signature.attribute("Id") ?? "")" {
            result.warnings.append("xades:QualifyingProperties Target=\(target) does not name this signature's Id exactly")
        }
        let ownSignedProperties = properties?.elementChildren.first { $0.localName == "SignedProperties" }

        // References.
        let references = signedInfo.elementChildren.filter { $0.isElement("Reference", in: XMLName.dsig) }
        if references.count > maximumReferences { result.formatProblems.append("more than \(maximumReferences) references") }
        var signedPropertiesCovered = false
        for reference in references.prefix(maximumReferences) {
            let type = reference.attribute("Type") ?? ""
            var examined = examineReference(reference, pipeline: pipeline, index: index, detached: detached, signature: signature)
            if type == XMLName.signedPropertiesType || type.hasSuffix("#SignedProperties") {
                examined.kind = .signedProperties
                if case .found(let target) = lookupTarget(reference.attribute("URI") ?? "", index: index) {
                    if let ownSignedProperties, target == ownSignedProperties {
                        signedPropertiesCovered = examined.outcome == .intact
                    } else {
                        examined.outcome = .notFound("the signed xades:SignedProperties is not the one in this signature's QualifyingProperties")
                    }
                }
            } else if type.hasSuffix("#CountersignedSignature") {
                examined.kind = .signatureElement
            } else if type == "http://www.w3.org/2000/09/xmldsig#Manifest" {
                examined.kind = .data
                if examined.outcome == .intact, case .found(let manifest) = lookupTarget(reference.attribute("URI") ?? "", index: index),
                    manifest.isElement("Manifest", in: XMLName.dsig)
                {
                    for entry in manifest.elementChildren.filter({ $0.isElement("Reference", in: XMLName.dsig) }).prefix(maximumReferences) {
                        var item = examineReference(entry, pipeline: pipeline, index: index, detached: detached, signature: signature)
                        item.kind = .manifestEntry
                        result.references.append(item)
                    }
                } else if examined.outcome == .intact {
                    examined.outcome = .notFound("Type=Manifest does not point at a ds:Manifest")
                }
            }
            result.references.append(examined)
        }
        if references.isEmpty { result.formatProblems.append("ds:SignedInfo without ds:Reference") }

        // The signed properties, read only when a signed reference covers them.
        var reference: SigningCertificateReference? = nil
        var referenceWritten = false
        if let signed = ownSignedProperties, signedPropertiesCovered {
            let signatureProperties = signed.elementChildren.first { $0.localName == "SignedSignatureProperties" }
            if let time = signatureProperties?.elementChildren.first(where: { $0.localName == "SigningTime" })?.textContent {
                result.claimedSigningTime = parseXMLDateTime(time)
            }
            if let certificate = signatureProperties?.elementChildren.first(where: { $0.localName == "SigningCertificateV2" || $0.localName == "SigningCertificate" }) {
                referenceWritten = true
                reference = readSigningCertificate(certificate)
            }
            let hasPolicy = signatureProperties?.elementChildren.contains { $0.localName == "SignaturePolicyIdentifier" } ?? false
            result.level = hasPolicy ? .epes : .bes
            if referenceWritten, result.claimedSigningTime != nil, !hasPolicy { result.level = .baselineB }
        } else if ownSignedProperties != nil {
            // Not an AdES then: the properties are not signed, so not read.
            result.warnings.append("xades:SignedProperties not covered by an intact signed reference: its properties are ignored")
        }

        // The signing certificate: named by the signed reference, else the KeyInfo's (XML-DSig).
        if let reference {
            result.signingCertificateReference = reference.check(against: nil, candidates: result.certificates)
            result.signingCertificate = reference.match(in: result.certificates)
            if result.signingCertificate == nil, case .issuerSerialMismatch = result.signingCertificateReference {
                result.signingCertificate = result.certificates.first { reference.digestMatches($0) }
            }
        } else if referenceWritten {
            result.signingCertificateReference = .digestMismatch("xades:SigningCertificate cannot be read")
        } else {
            result.signingCertificate = keyInfoCertificates.first
        }

        // The signature value over the canonical SignedInfo.
        let valueElement = signature.child("SignatureValue", in: XMLName.dsig)
        let value = valueElement.flatMap { $0.textContent.base64DecodedIgnoringWhitespace }
        let c14nURI = signedInfo.child("CanonicalizationMethod", in: XMLName.dsig)?.attribute("Algorithm") ?? ""
        if let value { result.signatureValueDigest = DigestAlgorithm.sha256.digest(value) }
        if value == nil {
            result.signatureValue = .broken("ds:SignatureValue is not base64")
        } else if let scheme = SignatureScheme(uri: methodURI) {
            result.digestAlgorithm = result.references.first.flatMap { _ in
                (signedInfo.child("Reference", in: XMLName.dsig)?.child("DigestMethod", in: XMLName.dsig)?.attribute("Algorithm")).flatMap(DigestAlgorithm.init(uri:))
            }
            if var method = CanonicalizationMethod(uri: c14nURI) {
                if let transform = signedInfo.child("CanonicalizationMethod", in: XMLName.dsig) { method.inclusivePrefixes = pipeline.prefixList(transform) }
                if let canonical = try? pipeline.canonicalize(.nodes(.subtree(signedInfo, comments: method.comments)), method) {
                    // Try the named certificate; failing that (XML-DSig only), every KeyInfo certificate.
                    let keys = result.signingCertificate.map { [$0] } ?? keyInfoCertificates
                    var outcome: SignatureValueCheck = .notChecked("no certificate in ds:KeyInfo")
                    for key in keys {
                        outcome = scheme.verify(signature: value!, over: canonical, subjectPublicKeyInfo: key.subjectPublicKeyInfo)
                        if outcome == .intact {
                            if result.signingCertificate == nil { result.signingCertificate = key }
                            break
                        }
                    }
                    result.signatureValue = outcome
                } else {
                    result.signatureValue = .broken("ds:SignedInfo cannot be canonicalized")
                }
            } else {
                result.formatProblems.append("CanonicalizationMethod \(c14nURI.prefix(120))")
                result.signatureValue = .unsupported("canonicalization \(c14nURI.prefix(120))")
            }
        } else {
            result.signatureValue = .unsupported("SignatureMethod \(methodURI.prefix(120))")
        }

        // Unsigned properties: time-stamps, validation data, counter-signatures.
        if let unsigned = properties?.elementChildren.first(where: { $0.localName == "UnsignedProperties" })?
            .elementChildren.first(where: { $0.localName == "UnsignedSignatureProperties" })
        {
            readUnsigned(unsigned, into: &result, signature: signature, valueElement: valueElement, pipeline: pipeline, document: document, index: index, detached: detached)
        }
        if let signed = ownSignedProperties, signedPropertiesCovered {
            for stamp in signed.descendants(where: { $0.localName == "AllDataObjectsTimeStamp" && etsiNamespaces.contains($0.namespaceURI ?? "") }) {
                if let token = encapsulated(stamp) {
                    result.timeStamps.append(ExaminedTimeStamp.examine(kind: .content, token: token, stamped: nil, extraCertificates: result.certificates))
                }
            }
        }
        return result
    }

    static func readUnsigned(
        _ unsigned: xmlNodePtr, into result: inout ExaminedSignature, signature: xmlNodePtr, valueElement: xmlNodePtr?,
        pipeline: TransformPipeline, document: XMLDocument, index: IdentifierIndex, detached: [DetachedData]
    ) {
        var hasTimeStamp = false, hasRefs = false, hasX = false, hasValues = false, hasRevocationValues = false, hasArchive = false
        var brokenArchives: [String] = []
        var counter = 0
        // Certificates and revocation values first: time-stamps may need them.
        for element in unsigned.elementChildren {
            switch element.localName {
            case "CertificateValues":
                hasValues = true
                result.addCertificates(element.elementChildren.filter { $0.localName == "EncapsulatedX509Certificate" }.compactMap { decodeCertificate($0.textContent) })
            case "RevocationValues":
                hasRevocationValues = true
                result.ocspResponses += element.descendants { $0.localName == "EncapsulatedOCSPValue" }.compactMap { decodeBase64($0.textContent) }
                result.crls += element.descendants { $0.localName == "EncapsulatedCRLValue" }.compactMap { decodeBase64($0.textContent) }
            case "TimeStampValidationData" where element.namespaceURI == xades141:
                result.addCertificates(element.descendants { $0.localName == "EncapsulatedX509Certificate" }.compactMap { decodeCertificate($0.textContent) })
                result.ocspResponses += element.descendants { $0.localName == "EncapsulatedOCSPValue" }.compactMap { decodeBase64($0.textContent) }
                result.crls += element.descendants { $0.localName == "EncapsulatedCRLValue" }.compactMap { decodeBase64($0.textContent) }
            default: break
            }
        }
        for element in unsigned.elementChildren {
            switch element.localName {
            case "SignatureTimeStamp":
                hasTimeStamp = true
                let stamped = valueElement.flatMap { value in
                    try? pipeline.canonicalize(.nodes(.subtree(value, comments: false)), timeStampMethod(element))
                }
                if let token = encapsulated(element) {
                    result.timeStamps.append(ExaminedTimeStamp.examine(kind: .signature, token: token, stamped: stamped, extraCertificates: result.certificates))
                } else {
                    result.formatProblems.append("SignatureTimeStamp without a readable EncapsulatedTimeStamp")
                }
            case "CompleteCertificateRefs", "CompleteRevocationRefs", "CompleteCertificateRefsV2":
                hasRefs = true
            case "SigAndRefsTimeStamp", "RefsOnlyTimeStamp", "SigAndRefsTimeStampV2", "RefsOnlyTimeStampV2":
                hasX = true
                if let token = encapsulated(element) {
                    let kind: ExaminedTimeStamp.Kind = element.localName.hasPrefix("Refs") ? .validationDataReferencesOnly : .validationData
                    result.timeStamps.append(ExaminedTimeStamp.examine(kind: kind, token: token, stamped: nil, extraCertificates: result.certificates))
                }
            case "ArchiveTimeStamp":
                hasArchive = true
                if let token = encapsulated(element) {
                    let input = ArchiveTimeStampInput(
                        signature: signature, pipeline: pipeline, index: index, detached: detached, unsignedProperties: unsigned, stamp: element)
                    let stamp = ExaminedTimeStamp.examine(kind: .archive, token: token, stampedInto: { input.feed(&$0) }, extraCertificates: result.certificates)
                    result.timeStamps.append(stamp)
                    // Data the time-stamp covers changed (or a detached file not given): it holds nothing.
                    if stamp.imprintMatches != true {
                        let name = element.attribute("Id").map { "ArchiveTimeStamp Id=\($0)" } ?? "ArchiveTimeStamp"
                        brokenArchives.append(stamp.imprintMatches == false
                            ? "\(name): what it covers changed after it was made"
                            : "\(name): what it covers cannot be rebuilt")
                    }
                } else {
                    result.formatProblems.append("ArchiveTimeStamp without a readable EncapsulatedTimeStamp")
                }
            case "CounterSignature":
                for nested in element.elementChildren where nested.isElement("Signature", in: XMLName.dsig) {
                    counter += 1
                    if let valueElement {
                        result.counterSignatures.append(
                            examine(nested, number: counter, parent: (result.id, valueElement), document: document, index: index, detached: detached))
                    }
                }
            default: break
            }
        }
        // As for CAdES: an archive time-stamp that does not hold is not counted in the level.
        result.level = level(
            result.level, timeStamp: hasTimeStamp, refs: hasRefs, x: hasX, values: hasValues && hasRevocationValues,
            archive: hasArchive && brokenArchives.isEmpty)
        result.warnArchiveTimeStampsNotCounted(brokenArchives)
    }

    /// The format level from the properties present (EN 319 132-1 baseline
    /// names when the signature is baseline-shaped, TS 101 903 names otherwise).
    static func level(_ base: FormatLevel, timeStamp: Bool, refs: Bool, x: Bool, values: Bool, archive: Bool) -> FormatLevel {
        guard base != .notETSI else { return .notETSI }
        if base == .baselineB && !refs && !x {
            if timeStamp && values && archive { return .baselineLTA }
            if timeStamp && values { return .baselineLT }
            if timeStamp { return .baselineT }
            return .baselineB
        }
        if archive { return .a }
        if x && values { return .xl }
        if x { return .x }
        if refs { return .c }
        if timeStamp { return .t }
        return base
    }

    static func timeStampMethod(_ element: xmlNodePtr) -> CanonicalizationMethod {
        element.child("CanonicalizationMethod", in: XMLName.dsig).flatMap { $0.attribute("Algorithm") }.flatMap(CanonicalizationMethod.init(uri:))
            ?? .implicit
    }

    static func encapsulated(_ element: xmlNodePtr) -> [UInt8]? {
        element.elementChildren.first { $0.localName == "EncapsulatedTimeStamp" }.flatMap { decodeBase64($0.textContent) }
    }

    static func decodeBase64(_ text: String) -> [UInt8]? {
        text.base64DecodedIgnoringWhitespace
    }

    static func decodeCertificate(_ text: String) -> CertificateRecord? {
        decodeBase64(text).flatMap { try? CertificateRecord(der: $0) }
    }

    /// xades:SigningCertificate(V2)'s first Cert: CertDigest and IssuerSerial(V2).
    static func readSigningCertificate(_ element: xmlNodePtr) -> SigningCertificateReference? {
        guard let cert = element.elementChildren.first(where: { $0.localName == "Cert" }),
            let digestElement = cert.elementChildren.first(where: { $0.localName == "CertDigest" })
        else { return nil }
        let algorithmURI = digestElement.child("DigestMethod", in: XMLName.dsig)?.attribute("Algorithm") ?? ""
        guard let digest = digestElement.child("DigestValue", in: XMLName.dsig).flatMap({ decodeBase64($0.textContent) }) else { return nil }
        var issuer: DistinguishedName? = nil
        var serial: [UInt8]? = nil
        if let v2 = cert.elementChildren.first(where: { $0.localName == "IssuerSerialV2" }) {
            if let der = decodeBase64(v2.textContent), let node = try? DER.parse(der), let parsed = try? IssuerSerial(derEncoded: node) {
                issuer = parsed.issuer
                serial = Array(parsed.serialNumber)
            }
        } else if let v1 = cert.elementChildren.first(where: { $0.localName == "IssuerSerial" }) {
            // X509IssuerName is RFC 4514 text, written differently by each
            // producer: the serial number and the certificate digest decide.
            serial = (v1.child("X509SerialNumber", in: XMLName.dsig)?.textContent).flatMap(decimalToBytes)
        }
        return SigningCertificateReference(
            digestAlgorithm: DigestAlgorithm(uri: algorithmURI), digestAlgorithmName: algorithmURI, digest: digest, issuer: issuer, serialNumber: serial)
    }

    /// A decimal serial number (X509SerialNumber) as big-endian bytes.
    static func decimalToBytes(_ text: String) -> [UInt8]? {
        let digits = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !digits.isEmpty, digits.count <= 200, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        var bytes: [UInt8] = [0]
        for digit in digits {
            var carry = Int(digit.asciiValue! - 48)
            for index in bytes.indices.reversed() {
                let value = Int(bytes[index]) * 10 + carry
                bytes[index] = UInt8(value & 0xFF)
                carry = value >> 8
            }
            while carry > 0 {
                bytes.insert(UInt8(carry & 0xFF), at: 0)
                carry >>= 8
            }
        }
        let trimmed = Array(bytes.drop(while: { $0 == 0 }))
        return trimmed.isEmpty ? [0] : trimmed
    }

    /// xsd:dateTime (``XSDDateTime``), surrounding whitespace allowed.
    static func parseXMLDateTime(_ text: String) -> Date? {
        XSDDateTime.parse(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}

extension UnsafeMutablePointer where Pointee == xmlNode {
    func hasAncestor(_ match: (xmlNodePtr) -> Bool) -> Bool {
        var node = pointee.parent
        while let current = node, current.pointee.type == XML_ELEMENT_NODE {
            if match(current) { return true }
            node = current.pointee.parent
        }
        return false
    }
}
