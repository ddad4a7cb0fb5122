import Foundation
import SignatureAlgorithms
import X509

/// Who signs: a certificate, its chain, and the key that signs a digest;
/// shared by every signature format.
///
/// `sign` receives the digest to sign (of CAdES signed attributes, of an
/// XAdES SignedInfo) and returns the
/// signature as PKCS#11 gives it (ECDSA as raw r‖s); for a token key it is a
/// `Session.sign` call, which asks for a context PIN when the key needs one.
/// It is async so that a daemon can run the card's blocking call on the
/// token's own thread instead of a shared one.
public struct Signer {
    public let certificate: Certificate
    public let certificateDER: [UInt8]
    public let chainDER: [[UInt8]]
    public let algorithm: SignatureAlgorithm
    public let sign: ([UInt8]) async throws -> [UInt8]
    /// Text derived from the certificate (its base64, its digest, its
    /// issuer and serial as a format writes them), made once per signer
    /// and reused by every signature it makes.
    public let memo = SignerMemo()

    public init(
        certificateDER: [UInt8], chainDER: [[UInt8]] = [], algorithm: SignatureAlgorithm,
        sign: @escaping ([UInt8]) async throws -> [UInt8]
    ) throws {
        self.certificate = try Certificate(derEncoded: certificateDER)
        self.certificateDER = certificateDER
        self.chainDER = chainDER
        self.algorithm = algorithm
        self.sign = sign
    }
}

/// Values a format derives from the signer's certificate, kept by name.
public final class SignerMemo: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [String: String] = [:]

    public init() {}

    /// The value named `key`, made by `make` the first time.
    public func value(_ key: String, _ make: () throws -> String) rethrows -> String {
        lock.lock()
        if let known = values[key] {
            lock.unlock()
            return known
        }
        lock.unlock()
        let made = try make()
        lock.lock()
        values[key] = made
        lock.unlock()
        return made
    }
}
