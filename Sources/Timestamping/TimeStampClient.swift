import CMS
import Crypto
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import SwiftASN1
import X509

/// An RFC 3161 client: sends a time-stamp request over HTTP and accepts the
/// answer only after checking its status, nonce, message imprint, the
/// token's signature and that its signer is a time-stamping certificate
/// (critical extended key usage timeStamping), optionally one of a trusted set.
public struct TimeStampClient: Sendable {
    public let url: URL
    public let timeout: TimeInterval
    /// Trusted TSA certificates or their issuers (DER); empty: accept any
    /// time-stamping certificate that signed the token.
    public let trusted: [Certificate]
    public let policy: ASN1ObjectIdentifier?
    static let maximumResponse = 1 << 20

    public init(url: URL, timeout: TimeInterval = 20, trusted: [Certificate] = [], policy: ASN1ObjectIdentifier? = nil) {
        self.url = url
        self.timeout = timeout
        self.trusted = trusted
        self.policy = policy
    }

    /// A checked time-stamp token over `data`'s digest.
    public struct Token: Sendable {
        /// DER of the TimeStampToken (a ContentInfo), ready for an unsigned attribute.
        public let der: [UInt8]
        public let info: TSTInfo
        public let tsaCertificate: Certificate
    }

    /// Time-stamps the digest of some data (e.g. a SignatureValue).
    public func timestamp(digest: [UInt8], hash: AlgorithmIdentifier) async throws(TimeStampError) -> Token {
        var nonce = (0..<8).map { _ in UInt8.random(in: 0...255) }
        nonce[0] &= 0x7F
        if nonce[0] == 0 { nonce[0] = 1 }
        let request = TimeStampRequest(
            messageImprint: MessageImprint(hashAlgorithm: hash, hashedMessage: digest), policy: policy, nonce: nonce)
        var coder = DER.Serializer()
        do { try coder.serialize(request) } catch { throw TimeStampError(.malformedResponse, "request: \(error)") }
        let body = try await post(coder.serializedBytes)
        return try check(response: body, request: request)
    }

    func post(_ body: [UInt8]) async throws(TimeStampError) -> [UInt8] {
        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
        request.httpMethod = "POST"
        request.setValue("application/timestamp-query", forHTTPHeaderField: "Content-Type")
        request.setValue("application/timestamp-reply", forHTTPHeaderField: "Accept")
        request.httpBody = Data(body)
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout
        let session = URLSession(configuration: configuration)
        defer { session.finishTasksAndInvalidate() }
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await session.data(for: request)
        } catch let error as URLError where error.code == .timedOut {
            throw TimeStampError(.timeout, "\(url.absoluteString) after \(Int(timeout)) s")
        } catch {
            throw TimeStampError(.unreachable, "\(url.absoluteString): \(error.localizedDescription)")
        }
        if let http = response as? HTTPURLResponse, !(200..<300).contains(http.statusCode) {
            throw TimeStampError(.httpStatus, "\(http.statusCode)")
        }
        guard data.count <= Self.maximumResponse else { throw TimeStampError(.malformedResponse, "answer over 1 MiB") }
        return [UInt8](data)
    }

    /// Checks a TimeStampResp against the request it answers.
    public func check(response body: [UInt8], request: TimeStampRequest) throws(TimeStampError) -> Token {
        let response: TimeStampResponse
        do { response = try TimeStampResponse(derEncoded: body) } catch {
            throw TimeStampError(.malformedResponse, "not a TimeStampResp")
        }
        guard response.granted else {
            let text = response.statusText.joined(separator: "; ")
            throw TimeStampError(.rejected, "status \(response.status)" + (text.isEmpty ? "" : ": \(text)"))
        }
        guard let tokenDER = response.token else { throw TimeStampError(.malformedResponse, "granted without a token") }
        let signed: SignedData
        do { signed = try SignedData(contentInfo: tokenDER) } catch {
            throw TimeStampError(.malformedResponse, "token: \(error.detail)")
        }
        guard signed.contentType == CMSOID.tstInfo, let content = signed.content,
            let info = try? TSTInfo(derEncoded: content)
        else { throw TimeStampError(.malformedResponse, "token holds no TSTInfo") }
        guard info.nonce.map(stripZeros) == stripZeros(request.nonce) else {
            throw TimeStampError(.nonceMismatch, "nonce")
        }
        guard info.messageImprint.hashAlgorithm.algorithm == request.messageImprint.hashAlgorithm.algorithm,
            info.messageImprint.hashedMessage == request.messageImprint.hashedMessage
        else { throw TimeStampError(.imprintMismatch, "message imprint") }

        guard let signer = signed.parsedSignerInfos().first else { throw TimeStampError(.malformedResponse, "no signer") }
        let certificates = signed.certificates.compactMap { try? Certificate(derEncoded: $0.bytes) }
        guard let tsa = certificates.first(where: {
            ArraySlice($0.serialNumber.bytes) == signer.serialNumber
                && (try? ASN1Any(erasing: $0.issuer)) == signer.issuer
        }) else { throw TimeStampError(.certificate, "the token does not carry its signer's certificate") }
        try Self.checkTimeStampingUsage(tsa)
        try Self.checkSignature(of: signer, content: content, certificate: tsa)
        if !trusted.isEmpty {
            let ok = trusted.contains { $0 == tsa || ($0.subject == tsa.issuer && $0.publicKey.isValidSignature(tsa.signature, for: tsa)) }
            guard ok else { throw TimeStampError(.certificate, "\(tsa.subject) is not a trusted TSA") }
        }
        return Token(der: tokenDER, info: info, tsaCertificate: tsa)
    }

    static func checkTimeStampingUsage(_ certificate: Certificate) throws(TimeStampError) {
        let timeStamping: ASN1ObjectIdentifier = [1, 3, 6, 1, 5, 5, 7, 3, 8]
        guard let ext = certificate.extensions[oid: [2, 5, 29, 37]] else {
            throw TimeStampError(.certificate, "no extended key usage")
        }
        guard ext.critical else { throw TimeStampError(.certificate, "extended key usage not critical (RFC 3161 §2.3)") }
        let usages = ((try? certificate.extensions.extendedKeyUsage).flatMap { $0 }).map { Array($0) } ?? []
        guard usages.contains(where: { $0.description == timeStamping.description || $0 == ExtendedKeyUsage.Usage.timeStamping }) else {
            throw TimeStampError(.certificate, "not a time-stamping certificate")
        }
    }

    /// The token's signed attributes carry the TSTInfo's digest, and its signature verifies with the TSA key.
    static func checkSignature(of signer: SignerInfo, content: [UInt8], certificate: Certificate) throws(TimeStampError) {
        guard let digestValue = signer.signedAttribute(CMSOID.messageDigest),
            let digest = try? ASN1OctetString(asn1Any: digestValue)
        else { throw TimeStampError(.badSignature, "no message digest") }
        let hash = signer.digestAlgorithm.algorithm
        let computed: [UInt8]
        let algorithm: Certificate.SignatureAlgorithm
        let isEC = signer.signatureAlgorithm.algorithm.description.hasPrefix("1.2.840.10045")
        switch hash {
        case CMSOID.sha256:
            computed = Array(SHA256.hash(data: content))
            algorithm = isEC ? .ecdsaWithSHA256 : .sha256WithRSAEncryption
        case CMSOID.sha384:
            computed = Array(SHA384.hash(data: content))
            algorithm = isEC ? .ecdsaWithSHA384 : .sha384WithRSAEncryption
        case CMSOID.sha512:
            computed = Array(SHA512.hash(data: content))
            algorithm = isEC ? .ecdsaWithSHA512 : .sha512WithRSAEncryption
        default:
            throw TimeStampError(.badSignature, "digest algorithm \(hash)")
        }
        guard Array(digest.bytes) == computed else { throw TimeStampError(.badSignature, "message digest") }
        guard let signedBytes = try? signer.signedAttributesForSigning(),
            certificate.publicKey.isValidSignature(signer.signature, for: signedBytes, signatureAlgorithm: algorithm)
        else { throw TimeStampError(.badSignature, "signature") }
    }
}

private func stripZeros(_ bytes: [UInt8]) -> [UInt8] { Array(bytes.drop(while: { $0 == 0 })) }
