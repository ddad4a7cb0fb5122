import Crypto
import Foundation
import Localization
import SignatureAlgorithms
import SwiftASN1
import X509

/// What a certificate says, in the terms a Polish signing desk cares about:
/// who it names, whether it is qualified and for what, and whether it can sign now.
public struct CertificateFacts: Sendable, Hashable, Codable {
    /// SHA-256 of the DER, lower-case hex.
    public let sha256: String
    public let subject: String
    public let issuer: String
    /// Serial number, upper-case hex.
    public let serialNumber: String
    public let commonName: String?
    public let organization: String?
    /// The person's identifier (subject serialNumber, e.g. `PNOPL-…`), when in ETSI form.
    public let personIdentifier: SubjectIdentifier?
    /// The organisation's identifier (organizationIdentifier, e.g. `VATPL-…`).
    public let organizationIdentifier: SubjectIdentifier?
    /// The raw subject serialNumber when it is not in ETSI form.
    public let subjectSerialNumber: String?
    public let notBefore: Date
    public let notAfter: Date
    public let keyUsage: [String]
    public let extendedKeyUsage: [String]
    public let policies: [String]
    public let qcStatements: QualifiedStatements
    public let isCA: Bool

    /// The QCStatements in plain terms.
    public struct QualifiedStatements: Sendable, Hashable, Codable {
        /// QcCompliance: issued as an EU qualified certificate.
        public let compliance: Bool
        /// QcSSCD: the key is in a qualified signature/seal creation device.
        public let sscd: Bool
        public let types: [QcType]
        public let pds: [PDSLocation]
        public let legislation: [String]
    }

    /// The facts of a certificate's DER. Its public key is not read: a
    /// certificate whose key swift-crypto refuses (RSA under 2048 bits) still
    /// has a holder, an issuer and QCStatements to show (`CertificateFields`).
    public init(der: [UInt8]) throws(CertificateFactsError) {
        let certificate: CertificateFields
        do { certificate = try CertificateFields(der: der) } catch {
            throw CertificateFactsError.notACertificate(String(describing: error))
        }
        self.init(certificate, der: der)
    }

    public init(certificate: Certificate, der: [UInt8]) {
        self.init(CertificateFields(certificate: certificate), der: der)
    }

    init(_ certificate: CertificateFields, der: [UInt8]) {
        sha256 = Self.sha256(der)
        subject = DirectoryText.readable(certificate.subject).description
        issuer = DirectoryText.readable(certificate.issuer).description
        serialNumber = certificate.serialNumber.hexString.uppercased()
        notBefore = certificate.notBefore
        notAfter = certificate.notAfter

        func first(_ oid: ASN1ObjectIdentifier) -> String? {
            for rdn in certificate.subject {
                for attribute in rdn where attribute.type == oid {
                    return DirectoryText.text(attribute.value)
                }
            }
            return nil
        }
        commonName = first(.RDNAttributeType.commonName)
        organization = first(.RDNAttributeType.organizationName)
        let serial = first([2, 5, 4, 5])
        personIdentifier = serial.flatMap(SubjectIdentifier.init)
        subjectSerialNumber = personIdentifier == nil ? serial : nil
        organizationIdentifier = first([2, 5, 4, 97]).flatMap(SubjectIdentifier.init)

        var usage: [String] = []
        if let ku = try? certificate.extensions.keyUsage {
            if ku.digitalSignature { usage.append("digitalSignature") }
            if ku.nonRepudiation { usage.append("nonRepudiation") }
            if ku.keyEncipherment { usage.append("keyEncipherment") }
            if ku.dataEncipherment { usage.append("dataEncipherment") }
            if ku.keyAgreement { usage.append("keyAgreement") }
            if ku.keyCertSign { usage.append("keyCertSign") }
            if ku.cRLSign { usage.append("cRLSign") }
        }
        keyUsage = usage
        extendedKeyUsage = ((try? certificate.extensions.extendedKeyUsage).flatMap { $0 }).map { eku in
            eku.map { $0.description }
        } ?? []
        isCA = ((try? certificate.extensions.basicConstraints).flatMap { $0 }).map {
            if case .isCertificateAuthority = $0 { return true }
            return false
        } ?? false

        let policyList: [ASN1ObjectIdentifier] = certificate.extensions[oid: CertificatePolicies.extensionOID]
            .flatMap { try? CertificatePolicies(derEncoded: Array($0.value)) }?.policies ?? []
        policies = policyList.map { oid in
            CertificatePolicies.knownNames[oid].map { "\($0) (\(oid))" } ?? oid.description
        }

        let statements = certificate.extensions[oid: QCStatements.extensionOID]
            .flatMap { try? QCStatements(derEncoded: Array($0.value)) }
        qcStatements = QualifiedStatements(
            compliance: statements?.contains(QCStatements.qcCompliance) ?? false,
            sscd: statements?.contains(QCStatements.qcSSCD) ?? false,
            types: statements?.types ?? [],
            pds: statements?.pdsLocations ?? [],
            legislation: statements?.legislationCountries ?? [])
    }

    /// SHA-256 of a certificate's DER, lower-case hex (also of one that cannot be read).
    public static func sha256(_ der: [UInt8]) -> String {
        SHA256.hash(data: der).hexString
    }

    /// A short id for the command line: the first 16 hex digits of the SHA-256.
    public var id: String { String(sha256.prefix(16)) }

    public var hasNonRepudiation: Bool { keyUsage.contains("nonRepudiation") }

    /// A qualified certificate for electronic signatures of a person, with its
    /// key in a qualified device: QcCompliance, QcSSCD, QcType esign (or no
    /// QcType, which EN 319 412-5 reads as esign) and nonRepudiation.
    public var qualifiedForSigning: Bool {
        qcStatements.compliance && qcStatements.sscd && hasNonRepudiation
            && (qcStatements.types.contains(.esign) || qcStatements.types.isEmpty)
    }

    /// A qualified certificate for electronic seals of an organisation, with its
    /// key in a qualified device: QcCompliance, QcSSCD, QcType eseal, nonRepudiation.
    public var qualifiedForSealing: Bool {
        qcStatements.compliance && qcStatements.sscd && hasNonRepudiation && qcStatements.types.contains(.eseal)
    }

    /// Where the certificate stands at a given moment.
    public func validity(at date: Date = Date()) -> Validity {
        if date < notBefore { return .notYetValid }
        if date > notAfter { return .expired }
        if notAfter.timeIntervalSince(date) < 30 * 86_400 { return .expiresSoon }
        return .valid
    }

    public enum Validity: String, Sendable, Codable {
        case valid
        case expiresSoon = "expires-soon"
        case expired
        case notYetValid = "not-yet-valid"
    }

    /// The certificate in PEM.
    public static func pem(der: [UInt8]) -> String {
        PEMDocument(type: "CERTIFICATE", derBytes: der).pemString + "\n"
    }

    enum CodingKeys: String, CodingKey {
        case sha256, subject, issuer, serialNumber, commonName, organization, personIdentifier,
            organizationIdentifier, subjectSerialNumber, notBefore, notAfter, keyUsage, extendedKeyUsage,
            policies, qcStatements, isCA
    }
}

/// Why certificate facts could not be read.
public enum CertificateFactsError: Error, Sendable, Hashable {
    case notACertificate(String)

    public var code: String { "certificate-unreadable" }

    /// What the parser said, for the technically minded.
    public var reason: String {
        switch self {
        case .notACertificate(let reason): return reason
        }
    }

    public var message: ClerkText {
        messages.text("unreadable-certificate", ["reason": reason])
    }
}
