import CLibXML2
import Foundation

/// Builds one ETSI TS 119 102-2 validation report document with libxml2
/// (``ETSIReport/xml(_:)``): elements through `xmlNewChild` /
/// `xmlNewTextChild`, attributes through `xmlNewProp`, so every name and
/// value from the signature (subjects, Ids, URIs) is escaped by libxml2 and
/// stripped of characters XML 1.0 cannot carry.
///
/// Identifiers (xs:ID) are Podpis's own: `S-n` for the n-th signature's
/// SignatureIdentifier, `C-<sha256>` for a certificate, `T-n-m` for the m-th
/// time-stamp of signature n, `D-n-m` for its m-th signed data object. The
/// signature's own Id goes in DAIdentifier (it may not be a valid xs:ID).
final class ETSIReportBuilder {
    private let report: ValidationReport
    private let document: xmlDocPtr
    private var vr: xmlNsPtr!
    private var ds: xmlNsPtr!
    private var tsl: xmlNsPtr!
    /// The validation objects, in the order first named; certificates once each.
    private var objects: [(id: String, object: Object)] = []
    private var certificateIDs: Set<String> = []

    static let sha256URI = "http://www.w3.org/2001/04/xmlenc#sha256"

    init(_ report: ValidationReport) throws {
        self.report = report
        xmlInitParser()
        guard let document = xmlNewDoc("1.0") else { throw ETSIReportError(.buildFailed, "xmlNewDoc") }
        self.document = document
    }

    deinit { xmlFreeDoc(document) }

    func build() throws -> [UInt8] {
        guard let root = xmlNewDocNode(document, nil, "ValidationReport", nil) else { throw ETSIReportError(.buildFailed, "root") }
        xmlDocSetRootElement(document, root)
        guard let vr = xmlNewNs(root, ETSIReport.namespace, "vr"),
            let ds = xmlNewNs(root, "http://www.w3.org/2000/09/xmldsig#", "ds"),
            let tsl = xmlNewNs(root, "http://uri.etsi.org/02231/v2#", "tsl")
        else { throw ETSIReportError(.buildFailed, "namespaces") }
        xmlSetNs(root, vr)
        (self.vr, self.ds, self.tsl) = (vr, ds, tsl)

        for (index, signature) in report.signatures.enumerated() {
            try signatureReport(signature, number: index + 1, in: root)
        }
        if !objects.isEmpty {
            let list = try child(root, "SignatureValidationObjects")
            for object in objects {
                let node = try child(list, "ValidationObject")
                try set(node, "id", object.id)
                try write(object.object, into: node)
            }
        }
        let validator = try child(root, "SignatureValidator")
        let digitalID = try child(validator, "DigitalId")
        try child(digitalID, "Other", tsl, text: "Podpis")
        return try serialized()
    }

    // MARK: One signature

    private func signatureReport(_ signature: SignatureReport, number: Int, in root: xmlNodePtr) throws {
        let node = try child(root, "SignatureValidationReport")
        let identifier = try child(node, "SignatureIdentifier")
        try set(identifier, "id", Self.signatureID(number))
        try child(identifier, "HashOnly", text: "false")
        try child(identifier, "DocHashOnly", text: "false")
        if !signature.id.isEmpty { try child(identifier, "DAIdentifier", text: signature.id) }

        // The objects this signature names.
        let chainIDs = signature.certificateChain.map { certificateObject($0) }
        let stampIDs = signature.timeStamps.indices.map { "T-\(number)-\($0 + 1)" }
        for (stamp, id) in zip(signature.timeStamps, stampIDs) { timeStampObject(stamp, id: id) }
        let documents = signature.signedData.filter { $0.kind == "data" || $0.kind == "manifestEntry" }
        let dataIDs = documents.indices.map { "D-\(number)-\($0 + 1)" }
        for (data, id) in zip(documents, dataIDs) { signedDataObject(data, id: id) }

        // When: the validation time and the best signature time, proved by a time-stamp or by the validation itself.
        let timeInfo = try child(node, "ValidationTimeInfo")
        try child(timeInfo, "ValidationTime", text: Self.time(report.validationTime))
        let best = try child(timeInfo, "BestSignatureTime")
        try child(best, "POETime", text: Self.time(signature.bestSignatureTime))
        try child(best, "TypeOfProof", text: ETSIReport.proofByValidation)
        if signature.bestSignatureTimeSource != "validation-time",
            let index = signature.timeStamps.firstIndex(where: {
                $0.indication == .totalPassed && $0.genTime == signature.bestSignatureTime && $0.kind != "CONTENT_TIMESTAMP"
            })
        {
            try reference(best, "POEObject", [stampIDs[index]])
        }

        // What was signed.
        if !documents.isEmpty {
            let signers = try child(node, "SignersDocument")
            if documents.count == 1, let digest = documents[0].sha256.flatMap(Self.bytes) {
                try digestAlgAndValue(signers, "DigestAlgAndValue", digest)
            }
            try reference(signers, "SignersDocumentRepresentation", dataIDs)
        }

        // The signature's attributes: the claimed signing time, its time-stamps, its counter-signatures.
        let counters = report.signatures.enumerated().filter { !signature.id.isEmpty && $0.element.parent == signature.id }
        let stampAttributes = zip(signature.timeStamps, stampIDs).filter { ETSIReport.attributeName($0.0.kind) != nil && $0.0.genTime != nil }
        if signature.claimedSigningTime != nil || !stampAttributes.isEmpty || !counters.isEmpty {
            let attributes = try child(node, "SignatureAttributes")
            if let claimed = signature.claimedSigningTime {
                let signingTime = try child(attributes, "SigningTime")
                try child(signingTime, "Time", text: Self.time(claimed))
            }
            for (stamp, id) in stampAttributes {
                let attribute = try child(attributes, ETSIReport.attributeName(stamp.kind)!)
                try reference(attribute, "AttributeObject", [id])
                try child(attribute, "TimeStampValue", text: Self.time(stamp.genTime!))
            }
            for (index, counter) in counters {
                let attribute = try child(attributes, "CounterSignature")
                try reference(attribute, "AttributeObject", [Self.signatureID(index + 1)])
                let pointer = try child(attribute, "CounterSignature")
                if counter.format.lowercased().contains("xades"), !counter.id.contains("'") {
                    let ptr = try child(pointer, "XAdESSignaturePtr")
                    try set(ptr, "XPath", "//*[@Id='\(counter.id)']")
                }
            }
        }

        // Who.
        if let signerID = chainIDs.first {
            let information = try child(node, "SignerInformation")
            try reference(information, "SignerCertificate", [signerID])
            if let signer = signature.signer { try child(information, "Signer", text: signer.name ?? signer.subject) }
        }

        if let value = signature.qualification?.value, let uri = ETSIReport.qualityURI(value) {
            let quality = try child(node, "SignatureQuality")
            try child(quality, "SignatureQualityInformation", text: uri)
        }

        // The verdict, and what it rests on.
        let status = try child(node, "SignatureValidationStatus")
        try child(status, "MainIndication", text: ETSIReport.uri(signature.indication))
        if let sub = signature.subIndication { try child(status, "SubIndication", text: ETSIReport.uri(sub)) }
        let data = try child(status, "AssociatedValidationReportData")
        let anchorIndex = signature.certificateChain.firstIndex(where: \.trustAnchor)
        if let anchorIndex { try reference(data, "TrustAnchor", [chainIDs[anchorIndex]]) }
        if let signerID = chainIDs.first {
            let chain = try child(data, "CertificateChain")
            try reference(chain, "SigningCertificate", [signerID])
            for (index, id) in chainIDs.enumerated().dropFirst() where index != anchorIndex {
                try reference(chain, "IntermediateCertificate", [id])
            }
            if let anchorIndex, anchorIndex > 0 { try reference(chain, "TrustAnchor", [chainIDs[anchorIndex]]) }
        }
        for id in stampIDs + dataIDs { try reference(data, "RelatedValidationObject", [id]) }
        if let revocation = signature.certificateChain.first?.revocation, revocation.status == .revoked, let signerID = chainIDs.first {
            let information = try child(data, "RevocationStatusInformation")
            try reference(information, "ValidationObjectId", [signerID])
            try child(information, "RevocationTime", text: Self.time(revocation.revocationTime ?? revocation.issued))
            if let reason = revocation.reason, Self.revocationReasons.contains(reason) {
                try child(information, "RevocationReason", text: "urn:etsi:019102:revocationReason:" + reason)
            }
        }
        // The algorithm's verdict only where the process judged it: refused, or past the path (the constraints check follows it).
        let weak: Set<SubIndication> = [.cryptoConstraintsFailure, .cryptoConstraintsFailureNoPOE]
        let refused = signature.subIndication.map { weak.contains($0) } ?? false
        let judged = refused || signature.checks.contains { $0.name == "certificate-chain" && $0.status == .passed }
        if !signature.signatureAlgorithm.isEmpty, judged {
            let crypto = try child(data, "CryptoInformation")
            try reference(crypto, "ValidationObjectId", [Self.signatureID(number)])
            try child(crypto, "Algorithm", text: Self.algorithmURI(signature.signatureAlgorithm))
            try child(crypto, "SecureAlgorithm", text: refused ? "false" : "true")
        }
    }

    // MARK: Validation objects

    /// What a SignatureValidationObjects entry stands for.
    private enum Object {
        case certificate(CertificateReport)
        case timeStamp(TimeStampReport)
        case signedData(SignedDataReport)
    }

    /// Registers a certificate once (by its SHA-256) and returns its id.
    private func certificateObject(_ certificate: CertificateReport) -> String {
        let id = "C-" + String(certificate.sha256.lowercased().filter(\.isHexDigit).prefix(64))
        if certificateIDs.insert(id).inserted { objects.append((id, .certificate(certificate))) }
        return id
    }

    private func timeStampObject(_ stamp: TimeStampReport, id: String) { objects.append((id, .timeStamp(stamp))) }

    private func signedDataObject(_ data: SignedDataReport, id: String) { objects.append((id, .signedData(data))) }

    private func write(_ object: Object, into node: xmlNodePtr) throws {
        switch object {
        case .certificate(let certificate):
            // By its SHA-256: the report model does not keep the certificate's bytes.
            try child(node, "ObjectType", text: ETSIReport.ObjectType.certificate.rawValue)
            let representation = try child(node, "ValidationObjectRepresentation")
            if let digest = Self.bytes(certificate.sha256) {
                try digestAlgAndValue(representation, "DigestAlgAndValue", digest)
            } else {
                try child(representation, "direct", text: certificate.subject)
            }
        case .timeStamp(let stamp):
            // Its time as proof of existence and its own validation status (the model keeps no digest of the token).
            try child(node, "ObjectType", text: ETSIReport.ObjectType.timeStamp.rawValue)
            let representation = try child(node, "ValidationObjectRepresentation")
            try child(representation, "direct", text: [stamp.kind, stamp.tsa].compactMap { $0 }.joined(separator: ", "))
            if let time = stamp.genTime {
                let poe = try child(node, "POE")
                try child(poe, "POETime", text: Self.time(time))
                try child(poe, "TypeOfProof", text: ETSIReport.proofByValidation)
            }
            let status = try child(try child(node, "ValidationReport"), "SignatureValidationStatus")
            try child(status, "MainIndication", text: ETSIReport.uri(stamp.indication))
            if let sub = stamp.subIndication { try child(status, "SubIndication", text: ETSIReport.uri(sub)) }
        case .signedData(let data):
            // The SHA-256 of what the reference covers, else where it points.
            try child(node, "ObjectType", text: ETSIReport.ObjectType.signedData.rawValue)
            let representation = try child(node, "ValidationObjectRepresentation")
            if let digest = data.sha256.flatMap(Self.bytes) {
                try digestAlgAndValue(representation, "DigestAlgAndValue", digest)
            } else {
                try child(representation, "direct", text: data.uri.isEmpty ? data.scope : data.uri)
            }
        }
    }

    // MARK: libxml2

    @discardableResult
    private func child(_ parent: xmlNodePtr, _ name: String, _ namespace: xmlNsPtr? = nil, text: String? = nil) throws -> xmlNodePtr {
        let node: xmlNodePtr?
        if let text {
            node = xmlNewTextChild(parent, namespace ?? vr, name, Self.xmlSafe(text))
        } else {
            node = xmlNewChild(parent, namespace ?? vr, name, nil)
        }
        guard let node else { throw ETSIReportError(.buildFailed, name) }
        return node
    }

    private func set(_ node: xmlNodePtr, _ name: String, _ value: String) throws {
        guard xmlNewProp(node, name, Self.xmlSafe(value)) != nil else { throw ETSIReportError(.buildFailed, name) }
    }

    /// A VOReferenceType element pointing at validation objects (xs:IDREFS).
    private func reference(_ parent: xmlNodePtr, _ name: String, _ ids: [String]) throws {
        try set(try child(parent, name), "VOReference", ids.joined(separator: " "))
    }

    private func digestAlgAndValue(_ parent: xmlNodePtr, _ name: String, _ digest: [UInt8]) throws {
        let node = try child(parent, name)
        let method = try child(node, "DigestMethod", ds)
        try set(method, "Algorithm", Self.sha256URI)
        try child(node, "DigestValue", ds, text: Data(digest).base64EncodedString())
    }

    private func serialized() throws -> [UInt8] {
        var memory: UnsafeMutablePointer<xmlChar>? = nil
        var size: Int32 = 0
        xmlDocDumpFormatMemoryEnc(document, &memory, &size, "UTF-8", 1)
        defer { podpis_xml_free(memory) }
        guard let memory, size > 0 else { throw ETSIReportError(.buildFailed, "serialization") }
        return Array(UnsafeBufferPointer(start: memory, count: Int(size)))
    }

    // MARK: Values

    static func signatureID(_ number: Int) -> String { "S-\(number)" }

    static func time(_ date: Date) -> String { date.ISO8601Format() }

    /// Hex (either case) to bytes; nil unless it is a whole SHA-256.
    static func bytes(_ hex: String) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count == 64 else { return nil }
        var result: [UInt8] = []
        result.reserveCapacity(32)
        for index in stride(from: 0, to: 64, by: 2) {
            guard let byte = UInt8(String(decoding: digits[index...index + 1], as: UTF8.self), radix: 16) else { return nil }
            result.append(byte)
        }
        return result
    }

    /// A signature algorithm as a URI: XML-DSig URIs as they are, dotted OIDs as `urn:oid:`.
    static func algorithmURI(_ algorithm: String) -> String {
        let isOID = !algorithm.isEmpty && algorithm.allSatisfy { $0.isASCII && ($0.isNumber || $0 == ".") }
        return isOID ? "urn:oid:" + algorithm : algorithm
    }

    /// RFC 5280 reason names that TS 119 102-2 turns into `urn:etsi:019102:revocationReason:NAME`.
    static let revocationReasons: Set<String> = [
        "unspecified", "keyCompromise", "cACompromise", "affiliationChanged", "superseded", "cessationOfOperation",
        "certificateHold", "removeFromCRL", "privilegeWithdrawn", "aACompromise",
    ]

    /// The text with every character XML 1.0 cannot carry (C0 controls but
    /// tab, LF, CR; U+FFFE, U+FFFF) replaced by U+FFFD.
    static func xmlSafe(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            let value = scalar.value
            let allowed = value == 0x9 || value == 0xA || value == 0xD || (value >= 0x20 && value != 0xFFFE && value != 0xFFFF)
            scalars.append(allowed ? scalar : "\u{FFFD}")
        }
        return String(scalars)
    }
}
