import SignatureAlgorithms
import Foundation
import PKCS11
import Signing
import TestBench
import XCTest

/// Keys on the bench's SoftHSM tokens, wrapped as signers for any format.
public enum TokenSigners {
    public struct KeyKind: Sendable {
        public let name: String
        public let token: String
        public let pin: String
        public let keyID: [UInt8]
        public let certificate: String
        public let pss: Bool
    }

    public static func kinds() throws -> [KeyKind] {
        let env = try TestBench.require()
        return [
            KeyKind(name: "RSA seal", token: env["PODPIS_SEAL_TOKEN"]!, pin: env["PODPIS_SEAL_PIN"]!, keyID: [1], certificate: "seal", pss: false),
            KeyKind(name: "RSA-PSS", token: env["PODPIS_SIGNER_TOKEN"]!, pin: env["PODPIS_SIGNER_PIN"]!, keyID: [3], certificate: "person-pss", pss: true),
            KeyKind(name: "ECDSA", token: env["PODPIS_SIGNER_TOKEN"]!, pin: env["PODPIS_SIGNER_PIN"]!, keyID: [2], certificate: "person-ec", pss: false),
            KeyKind(name: "RSA always-authenticate", token: env["PODPIS_SIGNER_TOKEN"]!, pin: env["PODPIS_SIGNER_PIN"]!, keyID: [1], certificate: "person-rsa", pss: false),
        ]
    }

    /// A signer on the token; `signCount` counts C_Sign calls, `pinCount` context PINs asked.
    public final class Counter: @unchecked Sendable {
        public var signs = 0
        public var pins = 0
        public init() {}
    }

    public static func signer(_ kind: KeyKind, module: Module, counter: Counter = Counter(), digest: HashAlgorithm = .sha256) throws -> Signer {
        let session = try [module].token(named: kind.token).slot.openSession()
        try session.login(pin: SecretPIN(kind.pin))
        guard let key = try session.privateKeys().first(where: { $0.id == kind.keyID }) else {
            throw TestBench.NotUp(description: "no key \(kind.keyID) on \(kind.token)")
        }
        let certificateDER = try der(of: TestBench.pki("\(kind.certificate).pem"))
        let algorithm: SignatureAlgorithm = key.keyType == .ec ? .ecdsa(digest) : kind.pss ? .rsaPSS(digest) : .rsaPKCS1v15(digest)
        return try Signer(certificateDER: certificateDER, chainDER: [try der(of: TestBench.pki("ca.pem"))], algorithm: algorithm) { digestValue in
            counter.signs += 1
            return try session.sign(digest: digestValue, with: key, algorithm: algorithm) {
                counter.pins += 1
                return SecretPIN(kind.pin)
            }
        }
    }

    public static func der(of pemPath: String) throws -> [UInt8] {
        let dir = try TestBench.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("c.der").path
        try TestBench.run("openssl", ["x509", "-in", pemPath, "-outform", "DER", "-out", out])
        return [UInt8](try Data(contentsOf: URL(fileURLWithPath: out)))
    }
}

/// Each signing test gets a scratch directory and a fresh SoftHSM module.
open class SigningTestCase: XCTestCase {
    public var dir: URL!
    public var module: Module!

    open override func setUpWithError() throws {
        try TestBench.require()
        dir = try TestBench.temporaryDirectory()
        module = try Module.load(path: TestBench.value("PODPIS_SOFTHSM_MODULE"))
    }

    open override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
        module = nil
    }
}
