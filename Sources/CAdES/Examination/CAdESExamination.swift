import CMS
import Crypto
import Evidence
import Files
import Foundation
import SwiftASN1

/// One examination of one SignedData: what its signers share (the content,
/// the detached files and their digests, computed once per algorithm, the
/// certificates and revocation data of SignedData) and the checks of each
/// SignerInfo.
struct CAdESExamination {
    let signed: SignedData
    let name: String
    let detached: [DetachedData]
    /// SignedData.certificates and SignedData.crls.
    var carried = CarriedValidationData()
    private var detachedDigests: [[DigestAlgorithm: [UInt8]]]
    private var detachedSizes: [Int?]
    private var detachedFailures: [String?]
    private var examined = 0

    init(signed: SignedData, name: String, detached: [DetachedData]) {
        self.signed = signed
        self.name = name
        self.detached = detached
        detachedDigests = Array(repeating: [:], count: detached.count)
        detachedSizes = Array(repeating: nil, count: detached.count)
        detachedFailures = Array(repeating: nil, count: detached.count)
        carried.addSignedDataCertificates(signed.certificates)
        carried.addSignedDataRevocation(signed.crls)
    }

    /// A SignerInfo that could not be read: reported, not thrown.
    func unreadable(id: String, parentID: String?, reason: String) -> ExaminedSignature {
        var signature = ExaminedSignature(id: id, parentID: parentID, format: .cades, level: .notETSI, signatureAlgorithm: "")
        signature.formatProblems = [reason]
        signature.signatureValue = .notChecked(reason)
        return signature
    }

    /// The parent of a counter-signature: its id, signature value and the validation data known there.
    struct Parent {
        let id: String
        let signature: [UInt8]
        let carried: CarriedValidationData
    }

    mutating func examine(_ received: ReceivedSignerInfo, encoded: [UInt8], id: String, parent: Parent?, depth: Int) -> ExaminedSignature {
        examined += 1
        var received = received
        var signer = received.info
        let digest = DigestAlgorithm(oid: signer.digestAlgorithm.algorithm)
        let scheme = SignatureScheme(oid: signer.signatureAlgorithm.algorithm, parameters: signer.signatureAlgorithm.parameters, digest: digest)
        let algorithmName = signer.signatureAlgorithm.algorithm.description + (scheme.map { " (\($0.name))" } ?? "")
        var signature = ExaminedSignature(id: id, parentID: parent?.id, format: .cades, level: .notETSI, signatureAlgorithm: algorithmName)
        signature.digestAlgorithm = digest
        signature.signatureValueDigest = Array(SHA256.hash(data: signer.signature))

        // Validation data: SignedData's, the parent's, this signer's attributes.
        var known = parent?.carried ?? carried
        for attribute in signer.unsignedAttributes {
            for value in attribute.values {
                if attribute.type == CAdESAttributeOID.certificateValues { known.addCertificateValues(value) }
                if attribute.type == CAdESAttributeOID.revocationValues { known.addRevocationValues(value) }
            }
        }

        received.identify(in: known.certificates)
        signer = received.info

        signature.formatProblems += Self.attributeProblems(signer, isCounterSignature: parent != nil, contentType: signed.contentType)

        // The signing certificate and the signature value (over the signed attributes as received).
        let check = SignerCheck.check(signer, content: nil, candidates: known.certificates)
        signature.signingCertificate = check.certificate
        signature.signingCertificateReference = check.reference
        signature.signatureValue = check.signatureValue

        // What it signs: the content, a detached file, or the parent's signature value.
        let covered = coveredData(signer, digest: digest, parent: parent)
        signature.references = [covered.reference]
        if signer.signedAttributes.isEmpty {
            // No signed attributes: the signature is over the content itself (RFC 5652 §5.4).
            if let certificate = check.certificate, let scheme, let bytes = covered.bytes {
                signature.signatureValue = scheme.verify(
                    signature: signer.signature, over: bytes, subjectPublicKeyInfo: certificate.subjectPublicKeyInfo)
            } else if check.certificate != nil {
                signature.signatureValue = .notChecked("no signed attributes and the signed data is not in memory")
            }
        }

        // The claimed signing time.
        let times = signer.signedAttributes.filter { $0.type == CMSOID.signingTime }
        if times.count == 1, times[0].values.count == 1 {
            signature.claimedSigningTime = ExaminationDER.time(times[0].values[0])
            if signature.claimedSigningTime == nil { signature.formatProblems.append("signing-time is neither UTCTime nor GeneralizedTime") }
        }

        // Time-stamps.
        var timeStamps: [ExaminedTimeStamp] = []
        for attribute in signer.signedAttributes where attribute.type == CAdESAttributeOID.contentTimeStamp {
            for value in attribute.values {
                guard let token = ExaminationDER.bytes(value) else { continue }
                timeStamps.append(ExaminedTimeStamp.examine(kind: .content, token: token, stamped: covered.bytes, extraCertificates: known.certificates))
            }
        }
        var brokenArchives: [String] = []
        for attribute in signer.unsignedAttributes {
            let kind: ExaminedTimeStamp.Kind
            switch attribute.type {
            case CMSOID.signatureTimeStampToken: kind = .signature
            case CAdESAttributeOID.escTimeStamp: kind = .validationData
            case CAdESAttributeOID.certCRLTimeStamp: kind = .validationDataReferencesOnly
            case CAdESAttributeOID.archiveTimeStampV1, CAdESAttributeOID.archiveTimeStampV2, CAdESAttributeOID.archiveTimeStampV3: kind = .archive
            default: continue
            }
            for value in attribute.values {
                guard let token = ExaminationDER.bytes(value) else { continue }
                var stamped: [UInt8]? = nil
                var archive: ArchiveTimeStampV3.Examined? = nil
                if kind == .signature {
                    stamped = signer.signature
                } else if attribute.type == CAdESAttributeOID.archiveTimeStampV3 {
                    archive = archiveStamped(token: token, signerInfo: encoded, covered: covered, parent: parent)
                    stamped = archive?.stamped
                }
                var examinedToken = ExaminedTimeStamp.examine(kind: kind, token: token, stamped: stamped, extraCertificates: known.certificates)
                if attribute.type == CAdESAttributeOID.archiveTimeStampV3 {
                    // What its index lists and is no longer there, named; then what could not be rebuilt.
                    let changes = archive?.changes ?? []
                    if examinedToken.problem == nil, !changes.isEmpty {
                        examinedToken.problem = "archive-time-stamp-v3: " + changes.joined(separator: "; ")
                    } else if examinedToken.problem == nil, stamped == nil {
                        examinedToken.problem = "archive-time-stamp-v3: the stamped data could not be rebuilt"
                    }
                    if !changes.isEmpty || examinedToken.imprintMatches == false {
                        brokenArchives.append(examinedToken.problem ?? "archive-time-stamp-v3: the time-stamp does not stamp this signature")
                    }
                }
                timeStamps.append(examinedToken)
            }
        }
        signature.timeStamps = timeStamps

        signature.addCertificates(known.certificates)
        for token in timeStamps { signature.addCertificates(token.certificates) }
        signature.ocspResponses = known.ocspResponses
        signature.crls = known.crls
        signature.level = Self.level(
            signer, revocationCarried: !known.crls.isEmpty || !known.ocspResponses.isEmpty, archivesHold: brokenArchives.isEmpty)
        signature.warnArchiveTimeStampsNotCounted(brokenArchives)

        // Counter-signatures: SignerInfos over this one's signature value.
        if depth < CAdESExaminer.maximumDepth {
            var number = 0
            for attribute in signer.unsignedAttributes where attribute.type == CAdESAttributeOID.counterSignature {
                for value in attribute.values {
                    number += 1
                    guard examined < CAdESExaminer.maximumSignatures else { break }
                    let childID = "\(id)-C\(number)"
                    guard let bytes = ExaminationDER.bytes(value), let child = try? ReceivedSignerInfo(bytes) else {
                        let reason = ExaminationDER.bytes(value).map { ReceivedSignerInfo.failure($0) } ?? "counter-signature unreadable"
                        signature.counterSignatures.append(unreadable(id: childID, parentID: id, reason: reason))
                        continue
                    }
                    let me = Parent(id: id, signature: signer.signature, carried: known)
                    signature.counterSignatures.append(examine(child, encoded: bytes, id: childID, parent: me, depth: depth + 1))
                }
            }
        } else if signer.unsignedAttributes.contains(where: { $0.type == CAdESAttributeOID.counterSignature }) {
            signature.formatProblems.append("counter-signatures nested deeper than \(CAdESExaminer.maximumDepth) were not examined")
        }
        return signature
    }

    // MARK: The data signed

    /// What a SignerInfo covers, its reference, and its bytes when in memory.
    struct Covered {
        var reference: ExaminedReference
        var bytes: [UInt8]?
        /// The detached file that matched.
        var detachedIndex: Int?
    }

    private mutating func coveredData(_ signer: SignerInfo, digest: DigestAlgorithm?, parent: Parent?) -> Covered {
        let claimed = signer.signedAttribute(CMSOID.messageDigest).flatMap { try? ASN1OctetString(asn1Any: $0) }.map { Array($0.bytes) }
        func outcome(_ actual: [UInt8]?) -> ExaminedReference.Outcome {
            guard digest != nil else { return .refused("digest algorithm \(signer.digestAlgorithm.algorithm)") }
            guard !signer.signedAttributes.isEmpty else { return .intact }  // checked by the signature value itself
            guard let claimed else { return .refused("no message-digest attribute") }
            guard let actual else { return .notFound("the signed data could not be read") }
            return actual == claimed ? .intact : .digestMismatch
        }
        if let parent {
            let bytes = parent.signature
            let reference = ExaminedReference(
                kind: .signatureElement, uri: "countersignature", name: parent.id, scope: "the signature value of \(parent.id)",
                outcome: outcome(digest?.digest(bytes)), sha256: Array(SHA256.hash(data: bytes)))
            return Covered(reference: reference, bytes: bytes)
        }
        if let content = signed.content {
            var reference = ExaminedReference(
                kind: .data, uri: "eContent", name: name, scope: "\(name) (\(content.count) B)",
                outcome: outcome(digest?.digest(content)), sha256: Array(SHA256.hash(data: content)))
            reference.scopeKind = .embedded
            return Covered(reference: reference, bytes: content)
        }
        guard !detached.isEmpty else {
            let reference = ExaminedReference(
                kind: .data, uri: "detached", scope: "detached data (no file given)",
                outcome: .notFound("detached signature: the signed file was not given"))
            return Covered(reference: reference)
        }
        guard let digest else {
            return Covered(reference: ExaminedReference(
                kind: .data, uri: "detached", scope: "detached data", outcome: outcome(nil)))
        }
        var firstReadable: Int? = nil
        for index in detached.indices {
            guard let actual = detachedDigest(index, digest) else { continue }
            if firstReadable == nil { firstReadable = index }
            if claimed == nil || actual == claimed {
                return Covered(reference: detachedReference(index, outcome(actual)), detachedIndex: index)
            }
        }
        if let index = firstReadable, detached.count == 1 {
            return Covered(reference: detachedReference(index, .digestMismatch), detachedIndex: index)
        }
        if firstReadable != nil {
            let names = detached.map(\.name).joined(separator: ", ")
            return Covered(reference: ExaminedReference(
                kind: .data, uri: "detached", scope: "none of the files given (\(names))", outcome: .digestMismatch))
        }
        let reasons = detachedFailures.compactMap { $0 }.joined(separator: "; ")
        return Covered(reference: ExaminedReference(
            kind: .data, uri: "detached", scope: "detached data", outcome: .notFound(reasons)))
    }

    private mutating func detachedReference(_ index: Int, _ outcome: ExaminedReference.Outcome) -> ExaminedReference {
        let sha256 = detachedDigest(index, .sha256)
        let size = detachedSizes[index].map { " (\($0) B)" } ?? ""
        var reference = ExaminedReference(
            kind: .data, uri: "detached", name: detached[index].name, scope: "\(detached[index].name)\(size)", outcome: outcome, sha256: sha256)
        reference.scopeKind = .file
        return reference
    }

    /// A detached file's digest, computed once per algorithm (with SHA-256 in the same pass).
    private mutating func detachedDigest(_ index: Int, _ algorithm: DigestAlgorithm) -> [UInt8]? {
        if let known = detachedDigests[index][algorithm] { return known }
        if detachedFailures[index] != nil { return nil }
        do {
            let (digests, size) = try detached[index].measure([algorithm, .sha256])
            detachedDigests[index].merge(digests) { old, _ in old }
            detachedSizes[index] = size
            return digests[algorithm]
        } catch {
            detachedFailures[index] = "\(detached[index].name): \(error.detail)"
            return nil
        }
    }

    private mutating func archiveStamped(token: [UInt8], signerInfo: [UInt8], covered: Covered, parent: Parent?) -> ArchiveTimeStampV3.Examined? {
        guard parent == nil else { return nil }
        var digestOfContent: (DigestAlgorithm) -> [UInt8]?
        if let bytes = covered.bytes {
            digestOfContent = { $0.digest(bytes) }
        } else if let index = covered.detachedIndex {
            // Computed ahead for the algorithms a time-stamp may use (a closure cannot mutate self).
            var table: [DigestAlgorithm: [UInt8]] = [:]
            for algorithm in DigestAlgorithm.allCases { table[algorithm] = detachedDigest(index, algorithm) }
            digestOfContent = { table[$0] }
        } else {
            digestOfContent = { _ in nil }
        }
        return ArchiveTimeStampV3.examine(token: token, signed: signed, signerInfo: signerInfo, contentDigest: digestOfContent)
    }

    // MARK: Format

    /// Structural faults of the signed attributes (EN 319 122-1 §5.1, RFC 5652 §5.3, §11).
    static func attributeProblems(_ signer: SignerInfo, isCounterSignature: Bool, contentType: ASN1ObjectIdentifier) -> [String] {
        var problems: [String] = []
        var counts: [ASN1ObjectIdentifier: Int] = [:]
        for attribute in signer.signedAttributes { counts[attribute.type, default: 0] += 1 }
        for attribute in signer.signedAttributes where counts[attribute.type, default: 0] > 1 {
            let text = "signed attribute \(attribute.type) occurs \(counts[attribute.type] ?? 0) times"
            if !problems.contains(text) { problems.append(text) }
        }
        let singleValued = [CMSOID.contentType, CMSOID.messageDigest, CMSOID.signingTime, CMSOID.signingCertificate, CMSOID.signingCertificateV2]
        for attribute in signer.signedAttributes where singleValued.contains(attribute.type) && attribute.values.count != 1 {
            problems.append("signed attribute \(attribute.type) has \(attribute.values.count) values")
        }
        if let reference = SigningCertificateReference.read(from: signer), isSHA1InVersion2(signer, reference) {
            problems.append("signing-certificate-v2 with SHA-1 (EN 319 122-1 asks signing-certificate for SHA-1)")
        }
        if signer.signedAttributes.contains(where: { $0.type == CMSOID.signingCertificateV2 || $0.type == CMSOID.signingCertificate }),
            SigningCertificateReference.read(from: signer) == nil
        {
            problems.append("signing-certificate attribute unreadable")
        }
        guard !signer.signedAttributes.isEmpty else { return problems }
        if counts[CMSOID.messageDigest] == nil { problems.append("message-digest attribute missing") }
        let declared = signer.signedAttribute(CMSOID.contentType).flatMap { try? ASN1ObjectIdentifier(asn1Any: $0) }
        if isCounterSignature {
            if counts[CMSOID.contentType] != nil { problems.append("content-type attribute in a counter-signature") }
        } else if counts[CMSOID.contentType] == nil {
            problems.append("content-type attribute missing")
        } else if declared != contentType {
            problems.append("content-type attribute \(declared?.description ?? "unreadable") differs from eContentType \(contentType)")
        }
        return problems
    }

    /// signing-certificate-v2 with SHA-1: EN 319 122-1 §5.2.2.3 wants signing-certificate (v1) for SHA-1 (DSS: not ETSI).
    static func isSHA1InVersion2(_ signer: SignerInfo, _ reference: SigningCertificateReference) -> Bool {
        signer.signedAttribute(CMSOID.signingCertificateV2) != nil && reference.digestAlgorithm == .sha1
    }

    /// The format level: a baseline level (EN 319 122-1) when the baseline
    /// rules hold, else the TS 101 733 name; NOT-ETSI without one
    /// signing-certificate(-v2) attribute. When an archive-time-stamp-v3
    /// does not hold (`archivesHold` false: its index names an element
    /// changed or removed, or its imprint differs) the level is named as if
    /// the archive time-stamps-v3 were absent.
    static func level(_ signer: SignerInfo, revocationCarried: Bool, archivesHold: Bool = true) -> FormatLevel {
        let signedTypes = signer.signedAttributes.map(\.type)
        let unsignedTypes = Set(signer.unsignedAttributes.map(\.type))
        let certificateReferences = signedTypes.filter { $0 == CMSOID.signingCertificate || $0 == CMSOID.signingCertificateV2 }.count
        guard certificateReferences == 1, let reference = SigningCertificateReference.read(from: signer), reference.digestAlgorithm != nil,
            !Self.isSHA1InVersion2(signer, reference)
        else { return .notETSI }
        let hasTimeStamp = unsignedTypes.contains(CMSOID.signatureTimeStampToken)
        let hasReferences = unsignedTypes.contains(CAdESAttributeOID.completeCertificateRefs) || unsignedTypes.contains(CAdESAttributeOID.completeRevocationRefs)
        let hasXTimeStamp = unsignedTypes.contains(CAdESAttributeOID.escTimeStamp) || unsignedTypes.contains(CAdESAttributeOID.certCRLTimeStamp)
        let hasValues = unsignedTypes.contains(CAdESAttributeOID.certificateValues) || unsignedTypes.contains(CAdESAttributeOID.revocationValues)
        let hasArchiveV3 = archivesHold && unsignedTypes.contains(CAdESAttributeOID.archiveTimeStampV3)
        let hasOldArchive = unsignedTypes.contains(CAdESAttributeOID.archiveTimeStampV1) || unsignedTypes.contains(CAdESAttributeOID.archiveTimeStampV2)
        func once(_ type: ASN1ObjectIdentifier) -> Bool {
            let found = signer.signedAttributes.filter { $0.type == type }
            return found.count == 1 && found[0].values.count == 1
        }
        let baseline = once(CMSOID.signingTime) && once(CMSOID.messageDigest) && signedTypes.filter { $0 == CMSOID.contentType }.count <= 1
        if hasArchiveV3 { return baseline && hasTimeStamp && (revocationCarried || hasValues) ? .baselineLTA : .a }
        if hasOldArchive { return .a }
        if hasReferences {
            if hasValues { return .xl }
            return hasXTimeStamp ? .x : .c
        }
        if baseline {
            if hasTimeStamp { return revocationCarried || hasValues ? .baselineLT : .baselineT }
            return .baselineB
        }
        if hasTimeStamp { return .t }
        return signedTypes.contains(CMSOID.signaturePolicyIdentifier) ? .epes : .bes
    }
}
