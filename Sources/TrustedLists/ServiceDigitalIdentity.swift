import Foundation
import X509

/// One `DigitalId` of a service's `ServiceDigitalIdentity`.
public enum DigitalIdentity: Sendable, Hashable {
    /// `X509Certificate` (read when first asked for).
    case certificate(ListedCertificate)
    /// `X509SKI`: the subject key identifier.
    case subjectKeyIdentifier([UInt8])
    /// `X509SubjectName`, as written in the list.
    case subjectName(String)
    /// `KeyValue` or `Other`: kept only as its element name.
    case other(String)
}

/// A certificate written in a list, kept as DER and read only when a query
/// needs it (a list holds hundreds; most are never looked at), then kept.
/// Some cannot be read by swift-certificates (RSA-PSS with explicit
/// parameters, RSA keys under 2048 bits): ``certificate`` is then nil and
/// ``fields`` may still be there.
public final class ListedCertificate: @unchecked Sendable, Hashable {
    /// The certificate's DER, as in the list.
    public let der: [UInt8]
    private let lock = NSLock()
    private var parsed: Certificate??
    private var read: IssuedCertificate??
    private var ski: [UInt8]??

    public init(der: [UInt8]) {
        self.der = der
    }

    /// The certificate as swift-certificates reads it; nil when it cannot.
    public var certificate: Certificate? {
        lock.withLock {
            if let parsed { return parsed }
            let value = try? Certificate(derEncoded: der)
            parsed = .some(value)
            return value
        }
    }

    /// Its names, validity and extensions, read without its key.
    public var fields: IssuedCertificate? {
        lock.withLock {
            if let read { return read }
            let value = try? IssuedCertificate(derEncoded: der)
            read = .some(value)
            return value
        }
    }

    /// Its subject key identifier (the extension, else the SHA-1 of the key).
    var subjectKeyIdentifier: [UInt8]? {
        if let cached = lock.withLock({ ski }) { return cached }
        let value = fields.map { CertificateTraits($0).subjectKeyIdentifier }
        lock.withLock { ski = .some(value) }
        return value
    }

    public static func == (lhs: ListedCertificate, rhs: ListedCertificate) -> Bool { lhs.der == rhs.der }
    public func hash(into hasher: inout Hasher) { hasher.combine(der) }
}
