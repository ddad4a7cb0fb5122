import SignatureAlgorithms
import Foundation
import PKCS11
import TestBench
import XCTest

/// Signatures made on the tokens, each verified by openssl against the certificate.
final class SigningTests: XCTestCase {
    let document = Data("Zaświadczenie nr 1/2026 — test podpisu.\n".utf8)

    private func signAndVerify(
        token: String, pin: String, keyID: [UInt8], algorithm: SignatureAlgorithm, certificate: String, scheme: String,
        module: Module, file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let session = try Fixtures.session(token, in: module, pin: pin)
        let key = try Fixtures.key(id: keyID, in: session)
        let digest = try OpenSSL.digest(algorithm.hash == .sha256 ? "sha256" : algorithm.hash == .sha384 ? "sha384" : "sha512", document)
        var asked = 0
        var signature = try session.sign(digest: digest, with: key, algorithm: algorithm) {
            asked += 1
            return SecretPIN(pin)
        }
        XCTAssertEqual(asked, key.alwaysAuthenticate ? 1 : 0, file: file, line: line)
        if case .ecdsa = algorithm {
            XCTAssertEqual(signature.count, 64, "raw r||s for P-256", file: file, line: line)
            signature = try ECDSASignature.der(fromRaw: signature)
        }
        let digestName = algorithm.hash.rawValue.lowercased().replacingOccurrences(of: "-", with: "")
        let verified = try OpenSSL.verify(
            data: document, signature: Data(signature), certificatePEMPath: certificate, digest: digestName, scheme: scheme)
        XCTAssertTrue(verified.ok, verified.output, file: file, line: line)
        // A changed document must not verify.
        var changed = document
        changed[0] ^= 0x01
        XCTAssertFalse(
            try OpenSSL.verify(data: changed, signature: Data(signature), certificatePEMPath: certificate, digest: digestName, scheme: scheme).ok,
            file: file, line: line)
    }

    /// `signAndVerify` with the key `keyID` of the SoftHSM signer token
    /// (PODPIS_SIGNER_TOKEN), verified against the test PKI's `certificate`.
    private func signAndVerifyOnTheSignerToken(
        keyID: UInt8, algorithm: SignatureAlgorithm, certificate: String, scheme: String, file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let env = try TestBench.require()
        try signAndVerify(
            token: env["PODPIS_SIGNER_TOKEN"]!, pin: env["PODPIS_SIGNER_PIN"]!, keyID: [keyID], algorithm: algorithm,
            certificate: try TestBench.pki(certificate), scheme: scheme, module: try Fixtures.softHSM(), file: file, line: line)
    }

    func testRSAPKCS1v15OnSoftHSMVerifiesWithOpenSSL() throws {
        let env = try TestBench.require()
        try signAndVerify(
            token: env["PODPIS_SEAL_TOKEN"]!, pin: env["PODPIS_SEAL_PIN"]!, keyID: [0x01], algorithm: .rsaPKCS1v15(.sha256),
            certificate: try TestBench.pki("seal.pem"), scheme: "pkcs1", module: try Fixtures.softHSM())
    }

    func testRSAPSSOnSoftHSMVerifiesWithOpenSSL() throws {
        for hash in [HashAlgorithm.sha256, .sha384] {
            try signAndVerifyOnTheSignerToken(keyID: 0x03, algorithm: .rsaPSS(hash), certificate: "person-pss.pem", scheme: "pss")
        }
    }

    func testECDSAOnSoftHSMVerifiesWithOpenSSL() throws {
        try signAndVerifyOnTheSignerToken(keyID: 0x02, algorithm: .ecdsa(.sha256), certificate: "person-ec.pem", scheme: "ecdsa")
    }

    func testRSAOnTheVirtualOpenPGPCardVerifiesWithOpenSSL() throws {
        let env = try TestBench.require()
        let certificate = FileManager.default.fileExists(atPath: try TestBench.pki("openpgp-sign.pem"))
            ? try TestBench.pki("openpgp-sign.pem") : try TestBench.pki("openpgp-sign-pub.pem")
        let keyID = try XCTUnwrap(Hex.bytes(env["PODPIS_OPENPGP_SIGN_KEY_ID"] ?? "01"))
        try signAndVerify(
            token: env["PODPIS_OPENPGP_SIGN_TOKEN"]!, pin: env["PODPIS_OPENPGP_PIN"]!, keyID: keyID,
            algorithm: .rsaPKCS1v15(.sha256), certificate: certificate, scheme: "pkcs1", module: try Fixtures.openSC())
    }

    /// Polish qualified cards mark the signing key CKA_ALWAYS_AUTHENTICATE: a
    /// context-specific login is needed before each signature, not only the first.
    func testAlwaysAuthenticateKeySignsTwiceInARowWithAContextLoginEachTime() throws {
        let env = try TestBench.require()
        let module = try Fixtures.softHSM()
        let pin = env["PODPIS_SIGNER_PIN"]!
        let session = try Fixtures.session(env["PODPIS_SIGNER_TOKEN"]!, in: module, pin: pin)
        let key = try Fixtures.key(id: [0x01], in: session)
        XCTAssertTrue(key.alwaysAuthenticate)
        var asked = 0
        for round in 1...2 {
            let text = Data("dokument \(round)".utf8)
            let signature = try session.sign(digest: try OpenSSL.digest("sha256", text), with: key, algorithm: .rsaPKCS1v15(.sha256)) {
                asked += 1
                return SecretPIN(pin)
            }
            let verified = try OpenSSL.verify(
                data: text, signature: Data(signature), certificatePEMPath: try TestBench.pki("person-rsa.pem"), scheme: "pkcs1")
            XCTAssertTrue(verified.ok, "signature \(round): \(verified.output)")
        }
        XCTAssertEqual(asked, 2, "a fresh PIN for each signature")
    }

    func testAlwaysAuthenticateKeyRefusesToSignWithoutTheContextLogin() throws {
        let env = try TestBench.require()
        let module = try Fixtures.softHSM()
        let session = try Fixtures.session(env["PODPIS_SIGNER_TOKEN"]!, in: module, pin: env["PODPIS_SIGNER_PIN"]!)
        let key = try Fixtures.key(id: [0x01], in: session)
        let digest = try OpenSSL.digest("sha256", Data("x".utf8))
        // A wrong context PIN fails this signature, and the session can still sign afterwards.
        XCTAssertThrowsError(try session.sign(digest: digest, with: key, algorithm: .rsaPKCS1v15(.sha256)) { SecretPIN("9999") }) {
            XCTAssertEqual(($0 as? PKCS11Error)?.name, "CKR_PIN_INCORRECT")
        }
        let signature = try session.sign(digest: digest, with: key, algorithm: .rsaPKCS1v15(.sha256)) {
            SecretPIN(env["PODPIS_SIGNER_PIN"]!)
        }
        XCTAssertEqual(signature.count, 256)
    }

    func testWrongAlgorithmForTheKeyIsATypedError() throws {
        let env = try TestBench.require()
        let module = try Fixtures.softHSM()
        let session = try Fixtures.session(env["PODPIS_SIGNER_TOKEN"]!, in: module, pin: env["PODPIS_SIGNER_PIN"]!)
        let ecKey = try Fixtures.key(id: [0x02], in: session)
        XCTAssertThrowsError(try session.sign(digest: [UInt8](repeating: 1, count: 32), with: ecKey, algorithm: .rsaPSS(.sha256)) { nil }) {
            XCTAssertEqual(($0 as? PKCS11Error)?.code, "unsupported-algorithm")
        }
    }
}

enum Hex {
    static func bytes(_ text: String) -> [UInt8]? {
        let chars = Array(text)
        guard chars.count % 2 == 0 else { return nil }
        return stride(from: 0, to: chars.count, by: 2).map { UInt8(String(chars[$0...$0 + 1]), radix: 16) }.reduce(into: [UInt8]?([])) {
            guard let b = $1 else { $0 = nil; return }
            $0?.append(b)
        }
    }
}
