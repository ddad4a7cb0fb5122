import CAdES
import Foundation
import PKCS11
import Signing
import TestBench
import XCTest

/// Keys on the bench's SoftHSM tokens, wrapped as CAdES signers, and the
/// independent tools that judge the results.
enum CAdESFixtures {
    struct KeyKind {
        let name: String
        let token: String
        let pin: String
        let keyID: [UInt8]
        let certificate: String
        let pss: Bool
    }

    static func kinds() throws -> [KeyKind] {
        let env = try TestBench.require()
        return [
            KeyKind(name: "RSA seal", token: env["PODPIS_SEAL_TOKEN"]!, pin: env["PODPIS_SEAL_PIN"]!, keyID: [1], certificate: "seal", pss: false),
            KeyKind(name: "RSA-PSS", token: env["PODPIS_SIGNER_TOKEN"]!, pin: env["PODPIS_SIGNER_PIN"]!, keyID: [3], certificate: "person-pss", pss: true),
            KeyKind(name: "ECDSA", token: env["PODPIS_SIGNER_TOKEN"]!, pin: env["PODPIS_SIGNER_PIN"]!, keyID: [2], certificate: "person-ec", pss: false),
            KeyKind(name: "RSA always-authenticate", token: env["PODPIS_SIGNER_TOKEN"]!, pin: env["PODPIS_SIGNER_PIN"]!, keyID: [1], certificate: "person-rsa", pss: false),
        ]
    }

    /// A signer on the token; `signCount` counts C_Sign calls, `pinCount` context PINs asked.
    final class Counter: @unchecked Sendable {
        var signs = 0
        var pins = 0
    }

    static func signer(_ kind: KeyKind, module: Module, counter: Counter = Counter(), digest: DigestAlgorithm = .sha256) throws -> Signer {
        let session = try [module].token(named: kind.token).slot.openSession()
        try session.login(pin: SecretPIN(kind.pin))
        guard let key = try session.privateKeys().first(where: { $0.id == kind.keyID }) else {
            throw TestBench.NotUp(description: "no key \(kind.keyID) on \(kind.token)")
        }
        let certificateDER = try der(of: TestBench.pki("\(kind.certificate).pem"))
        let algorithm: SignatureAlgorithm = key.keyType == .ec ? .ecdsa(digest.pkcs11) : kind.pss ? .rsaPSS(digest.pkcs11) : .rsaPKCS1v15(digest.pkcs11)
        return try Signer(certificateDER: certificateDER, chainDER: [try der(of: TestBench.pki("ca.pem"))], algorithm: algorithm) { digestValue in
            counter.signs += 1
            return try session.sign(digest: digestValue, with: key, algorithm: algorithm) {
                counter.pins += 1
                return SecretPIN(kind.pin)
            }
        }
    }

    static func der(of pemPath: String) throws -> [UInt8] {
        let dir = try TestBench.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("c.der").path
        try TestBench.run("openssl", ["x509", "-in", pemPath, "-outform", "DER", "-out", out])
        return [UInt8](try Data(contentsOf: URL(fileURLWithPath: out)))
    }

    /// `openssl cms -verify` trusting the test root; `content` for detached signatures.
    /// `rootOnly`: trust only the test root (the signature must carry its chain).
    static func opensslVerify(_ signature: String, content: String? = nil, noVerify: Bool = false, rootOnly: Bool = false) throws -> (ok: Bool, output: String) {
        var args = ["cms", "-verify", "-binary", "-inform", "DER", "-in", signature, "-out", "/dev/null", "-purpose", "any"]
        if noVerify {
            args.append("-noverify")
        } else if rootOnly {
            args += ["-CAfile", try TestBench.pki("root.pem")]
        } else {
            // openssl cms has no -untrusted: the file holds the test root and its qualified CA.
            args += ["-CAfile", try TestBench.pki("chain.pem")]
        }
        if let content { args += ["-content", content] }
        let result = try TestBench.runCapturing("openssl", args)
        return (result.status == 0 && result.stderr.contains("Verification successful"), result.stdout + result.stderr)
    }

    /// What asn1crypto (an independent parser) reads in a CMS file.
    static func inspect(_ path: String, reencode: Bool = false) throws -> [String: Any] {
        let script = TestBench.repositoryRoot.appendingPathComponent("Tests/Tools/cms_inspect.py").path
        let output = try TestBench.run("/usr/bin/python3", [script, path] + (reencode ? ["--reencode"] : []))
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
    }

    static func write(_ bytes: [UInt8], _ dir: URL, _ name: String) throws -> String {
        let url = dir.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }
}

/// Each CAdES test gets a scratch directory and a fresh SoftHSM module.
class CAdESTestCase: XCTestCase {
    var dir: URL!
    var module: Module!

    override func setUpWithError() throws {
        try TestBench.require()
        dir = try TestBench.temporaryDirectory()
        module = try Module.load(path: TestBench.value("PODPIS_SOFTHSM_MODULE"))
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
        module = nil
    }
}
