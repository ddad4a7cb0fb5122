import SignatureAlgorithms
import CMS
import Files
import Foundation
import Signing
import SwiftASN1
import Timestamping
import X509

/// CAdES baseline signatures (ETSI EN 319 122-1, B-B, B-T, B-LT, B-LTA): CMS
/// SignedData with the signed attributes the standard asks for.
public enum CAdES {
    /// The SignerInfo over a content digest: signed attributes, the token's
    /// signature and, for B-T, the signature time-stamp.
    public static func signerInfo(
        contentDigest: [UInt8], contentType: ASN1ObjectIdentifier = CMSOID.data, signer: Signer, options: CAdESOptions
    ) async throws -> SignerInfo {
        var attributes = [
            try CMSAttribute(type: CMSOID.contentType, value: contentType),
            try CMSAttribute(type: CMSOID.messageDigest, value: ASN1OctetString(contentBytes: ArraySlice(contentDigest))),
            try CMSAttribute(type: CMSOID.signingTime, value: try signingTime(options.signingTime)),
            try CMSAttribute(
                type: CMSOID.signingCertificateV2,
                value: SigningCertificateV2(certificate: signer.certificate, der: signer.certificateDER, hash: options.digest)),
        ]
        if let commitment = options.commitment {
            attributes.append(try CMSAttribute(type: CMSOID.commitmentTypeIndication, value: CommitmentTypeIndication(commitment)))
        }
        if let role = options.claimedRole, !role.isEmpty {
            attributes.append(try CMSAttribute(type: CMSOID.signerAttributesV2, value: SignerAttributesV2(roles: [role])))
        }
        if let policy = options.policy {
            attributes.append(try CMSAttribute(type: CMSOID.signaturePolicyIdentifier, value: SignaturePolicyIdentifier(policy)))
        }
        var info = try SignerInfo(
            certificate: signer.certificate, digestAlgorithm: options.digest.identifier, signedAttributes: attributes,
            signatureAlgorithm: try signer.signatureAlgorithmIdentifier())
        let toBeSigned = try info.signedAttributesForSigning()
        info.signature = try await signer.signatureValue(over: options.digest.digest(toBeSigned))
        if options.level.isTimeStamped {
            guard let client = options.timeStampClient else {
                throw CMSError(.unsupported, "\(options.level.rawValue) needs a time-stamping server (TSA URL)")
            }
            if options.level.carriesValidationData, options.validationData == nil {
                throw CMSError(.unsupported, "\(options.level.rawValue) needs a source of validation data (certificates, revocation)")
            }
            let token = try await client.timestamp(digest: options.digest.digest(info.signature), hash: options.digest.identifier)
            info.unsignedAttributes = [
                CMSAttribute(type: CMSOID.signatureTimeStampToken, values: [try ASN1Any(derEncoded: DER.parse(token.der))])
            ]
        }
        return info
    }

    /// RFC 5652: signing-time is UTCTime for 1950–2049, GeneralizedTime otherwise.
    static func signingTime(_ date: Date) throws -> ASN1Any {
        let c = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: date)
        if let year = c.year, (1950..<2050).contains(year) {
            return try ASN1Any(erasing: UTCTime(year: year, month: c.month!, day: c.day!, hours: c.hour!, minutes: c.minute!, seconds: c.second!))
        }
        return try ASN1Any(erasing: GeneralizedTime(
            year: c.year!, month: c.month!, day: c.day!, hours: c.hour!, minutes: c.minute!, seconds: c.second!, fractionalSeconds: 0))
    }

    static func certificates(for signer: Signer, options: CAdESOptions) throws -> [CMSElement] {
        let ders = [signer.certificateDER] + (options.includeChain ? signer.chainDER : [])
        return try ders.map { try CMSElement(bytes: $0) }
    }

    /// A new SignedData with one signer. `content` nil makes a detached signature.
    public static func signedData(
        contentDigest: [UInt8], content: [UInt8]?, signer: Signer, options: CAdESOptions
    ) async throws -> [UInt8] {
        let info = try await signerInfo(contentDigest: contentDigest, signer: signer, options: options)
        let data = SignedData(
            digestAlgorithms: [options.digest.identifier], content: content,
            certificates: try certificates(for: signer, options: options),
            signerInfos: [try CMSElement(erasing: info)])
        return try await longTerm(try data.serialize(), info: info, contentDigest: contentDigest, signer: signer, options: options)
    }

    /// B-LT and B-LTA made in one go: the validation data the options'
    /// supplier gives for the signer and its signature time-stamp goes into
    /// SignedData (``addValidationData(_:to:)``), and for B-LTA an
    /// archive-time-stamp-v3 over all of it (``addArchiveTimeStamp(to:signerIndex:detachedContentDigest:algorithm:timeStamp:)``),
    /// as an extension would add them. `bytes` unchanged below B-LT.
    static func longTerm(_ bytes: [UInt8], info: SignerInfo, contentDigest: [UInt8], signer: Signer, options: CAdESOptions) async throws -> [UInt8] {
        guard options.level.carriesValidationData, let supplier = options.validationData else { return bytes }
        guard let token = info.unsignedAttributes.first(where: { $0.type == CMSOID.signatureTimeStampToken })?.values.first else {
            throw CMSError(.unsupported, "\(options.level.rawValue) without a signature time-stamp")
        }
        var coder = DER.Serializer()
        try coder.serialize(token)
        let values = try await supplier.values(signerCertificate: signer.certificateDER, chain: signer.chainDER, signatureTimeStamp: coder.serializedBytes)
        var extended = try addValidationData(values, to: bytes)
        guard options.level == .blta, let client = options.timeStampClient else { return extended }
        let signed = try SignedData(contentInfo: extended)
        guard let index = signed.signerIndex(where: { $0.signature == info.signature }) else {
            throw CMSError(.noSuchSigner, "the new signer")
        }
        let digest = options.digest
        extended = try await addArchiveTimeStamp(
            to: extended, signerIndex: index,
            detachedContentDigest: signed.content == nil ? { algorithm in
                guard algorithm == digest else { throw CMSError(.contentMissing, "the document's \(algorithm.rawValue) digest") }
                return contentDigest
            } : nil,
            algorithm: digest
        ) { imprint, algorithm in
            try await client.timestamp(digest: imprint, hash: algorithm.identifier).der
        }
        return extended
    }

    /// Hashes a file in constant memory.
    public static func digest(of file: InputFile, _ algorithm: HashAlgorithm) throws -> [UInt8] {
        var hasher = algorithm.hasher()
        try file.forEachChunk { hasher.update($0) }
        return hasher.finalize()
    }

    /// Signs a file of any size with a detached signature, writing `output` atomically.
    public static func signDetached(
        file: InputFile, output: String, signer: Signer, options: CAdESOptions
    ) async throws {
        let out = try AtomicOutputFile(path: output)
        let digest = try digest(of: file, options.digest)
        try out.write(try await signedData(contentDigest: digest, content: nil, signer: signer, options: options))
        try out.commit()
    }

    /// Signs a file with the content inside the signature. The file is read
    /// twice (hash, then copy into the output), never held in memory; files
    /// over `options.maximumAttachedSize` are refused before the token is used.
    public static func signAttached(
        file: InputFile, output: String, signer: Signer, options: CAdESOptions
    ) async throws {
        let size = try file.size()
        guard size <= options.maximumAttachedSize else {
            throw CMSError(.tooLarge, "\(size) bytes; attached signatures are limited to \(options.maximumAttachedSize) bytes (use a detached signature)")
        }
        let out = try AtomicOutputFile(path: output)
        if options.level.carriesValidationData {
            // The validation data and archive time-stamp are added to the whole signature: held in memory (size checked above).
            let content = try file.readAll(limit: options.maximumAttachedSize)
            try out.write(try await signedData(contentDigest: options.digest.digest(content), content: content, signer: signer, options: options))
            try out.commit()
            return
        }
        let digest = try digest(of: file, options.digest)
        let info = try await signerInfo(contentDigest: digest, signer: signer, options: options)

        var coder = DER.Serializer()
        try coder.serialize(1)
        let version = coder.serializedBytes
        coder = DER.Serializer()
        try coder.serializeSetOf([options.digest.identifier])
        let digestAlgorithms = coder.serializedBytes
        coder = DER.Serializer()
        try coder.serializeSetOf(
            try certificates(for: signer, options: options), identifier: ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific))
        let certificates = coder.serializedBytes
        coder = DER.Serializer()
        try coder.serializeSetOf([try CMSElement(erasing: info)])
        let signerInfos = coder.serializedBytes
        coder = DER.Serializer()
        try coder.serialize(CMSOID.data)
        let dataOID = coder.serializedBytes
        coder = DER.Serializer()
        try coder.serialize(CMSOID.signedData)
        let signedDataOID = coder.serializedBytes

        let octetHeader = derHeader(0x04, size)
        let eContentLength = octetHeader.count + size
        let eContentHeader = derHeader(0xA0, eContentLength)
        let encapLength = dataOID.count + eContentHeader.count + eContentLength
        let encapHeader = derHeader(0x30, encapLength)
        let signedLength = version.count + digestAlgorithms.count + encapHeader.count + encapLength + certificates.count + signerInfos.count
        let signedHeader = derHeader(0x30, signedLength)
        let explicitLength = signedHeader.count + signedLength
        let explicitHeader = derHeader(0xA0, explicitLength)
        let infoHeader = derHeader(0x30, signedDataOID.count + explicitHeader.count + explicitLength)

        for part in [infoHeader, signedDataOID, explicitHeader, signedHeader, version, digestAlgorithms,
                     encapHeader, dataOID, eContentHeader, octetHeader] {
            try out.write(part)
        }
        var check = options.digest.hasher()
        let copied = try file.forEachChunk { chunk in
            check.update(chunk)
            try out.write(chunk)
        }
        guard copied == size, check.finalize() == digest else { throw FileError(.changed, file.path) }
        try out.write(certificates)
        try out.write(signerInfos)
        try out.commit()
    }

    /// Adds a parallel signer to an existing signature (ours or another
    /// producer's, DER or BER, `.p7s`/`.sig`/PEM). Earlier signers, certificates
    /// and CRLs keep their bytes. An attached signature gives the content (a
    /// file given as well must be that content); a detached one needs its
    /// content file (``checkParallelContent(of:file:)``).
    public static func addSignature(
        to existing: [UInt8], detachedContent: InputFile?, signer: Signer, options: CAdESOptions
    ) async throws -> [UInt8] {
        var data = try SignedData(contentInfo: unarmor(existing))
        try checkParallelContent(of: data, file: detachedContent)
        let digest: [UInt8]
        if let content = data.content {
            digest = options.digest.digest(content)
        } else if let detachedContent {
            digest = try self.digest(of: detachedContent, options.digest)
        } else {
            throw CMSError(.contentMissing, "the signed document")
        }
        // The content-type attribute repeats the encapsulated type (RFC 5652 §11.1),
        // whatever it is (data, or e.g. a nested SignedData).
        let info = try await signerInfo(contentDigest: digest, contentType: data.contentType, signer: signer, options: options)
        if !data.digestAlgorithms.contains(where: { $0.algorithm == options.digest.oid }) {
            data.digestAlgorithms.append(options.digest.identifier)
        }
        for certificate in try certificates(for: signer, options: options) where !data.certificates.contains(certificate) {
            data.certificates.append(certificate)
        }
        data.signerInfos.append(try CMSElement(erasing: info))
        return try await longTerm(try data.serialize(), info: info, contentDigest: digest, signer: signer, options: options)
    }

    /// Whether a parallel signer can be added to `existing` with `file` (nil:
    /// none given), before anything is signed: true when the signature carries
    /// its content (attached; `file`, if given, must be byte-equal to it, else
    /// `cms-content-differs`), false when it is detached and `file` is its
    /// content (none given: `cms-content-missing`).
    @discardableResult
    public static func checkParallelContent(of existing: [UInt8], file: InputFile?) throws -> Bool {
        try checkParallelContent(of: SignedData(contentInfo: unarmor(existing)), file: file)
    }

    @discardableResult
    static func checkParallelContent(of data: SignedData, file: InputFile?) throws -> Bool {
        guard let content = data.content else {
            guard file != nil else { throw CMSError(.contentMissing, "the signed document") }
            return false
        }
        guard let file else { return true }
        var same = try file.size() == content.count
        var offset = 0
        if same {
            let read = try file.forEachChunk { chunk in
                guard same else { return }
                let end = offset + chunk.count
                same = end <= content.count && content[offset..<end].elementsEqual(chunk)
                offset = end
            }
            same = same && read == content.count
        }
        guard same else { throw CMSError(.contentDiffers, file.path) }
        return true
    }

    /// DER from a PEM-armoured signature (`-----BEGIN PKCS7-----`, `CMS`), or the input as it is.
    public static func unarmor(_ bytes: [UInt8]) throws -> [UInt8] {
        guard bytes.starts(with: Array("-----BEGIN".utf8)) else { return bytes }
        let text = String(decoding: bytes, as: UTF8.self)
        let body = text.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        guard let decoded = Data(base64Encoded: body.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw CMSError(.malformed, "PEM armour without base64")
        }
        return [UInt8](decoded)
    }

    /// A DER tag and definite length.
    static func derHeader(_ tag: UInt8, _ length: Int) -> [UInt8] {
        if length < 0x80 { return [tag, UInt8(length)] }
        var bytes: [UInt8] = []
        var n = length
        while n > 0 {
            bytes.insert(UInt8(n & 0xFF), at: 0)
            n >>= 8
        }
        return [tag, 0x80 | UInt8(bytes.count)] + bytes
    }
}
