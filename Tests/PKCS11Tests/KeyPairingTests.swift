import PKCS11
import QualifiedCertificates
import TestBench
import XCTest

/// Each certificate on the tokens is paired with the private key that belongs to it.
final class KeyPairingTests: XCTestCase {
    func testEveryTestCertificateIsPairedWithItsKeyByID() throws {
        let env = try TestBench.require()
        let module = try Fixtures.softHSM()
        let session = try Fixtures.session(env["PODPIS_SIGNER_TOKEN"]!, in: module, pin: env["PODPIS_SIGNER_PIN"]!)
        let pairs = try session.certificatesWithKeys()
        XCTAssertEqual(pairs.count, 5, "person-rsa, person-ec, person-pss, expired, no-nonrep")
        for pair in pairs {
            let key = try XCTUnwrap(pair.key, "\(pair.certificate.label) has no key")
            XCTAssertEqual(pair.pairedBy, .id)
            XCTAssertEqual(key.id, pair.certificate.id)
        }
        let byID = Dictionary(uniqueKeysWithValues: pairs.map { ($0.certificate.id, $0) })
        XCTAssertEqual(byID[[0x01]]?.key?.keyType, .rsa)
        XCTAssertEqual(byID[[0x01]]?.key?.alwaysAuthenticate, true)
        XCTAssertEqual(byID[[0x02]]?.key?.keyType, .ec)
        XCTAssertEqual(byID[[0x02]]?.key?.alwaysAuthenticate, false)
        XCTAssertEqual(byID[[0x03]]?.key?.keyType, .rsa)
        // The certificate on the token is the one the PKI wrote.
        let pem = try String(contentsOfFile: TestBench.pki("person-rsa.pem"), encoding: .utf8)
        XCTAssertEqual(CertificateFacts.pem(der: try XCTUnwrap(byID[[0x01]]).certificate.der), pem.hasSuffix("\n") ? pem : pem + "\n")
    }

    func testSealCertificateIsPairedOnTheSealToken() throws {
        let env = try TestBench.require()
        let module = try Fixtures.softHSM()
        let session = try Fixtures.session(env["PODPIS_SEAL_TOKEN"]!, in: module, pin: env["PODPIS_SEAL_PIN"]!)
        let pairs = try session.certificatesWithKeys()
        XCTAssertEqual(pairs.count, 1)
        XCTAssertEqual(pairs.first?.key?.keyType, .rsa)
        let facts = try CertificateFacts(der: try XCTUnwrap(pairs.first).certificate.der)
        XCTAssertTrue(facts.qualifiedForSealing)
    }

    func testWithoutLoginPrivateKeysAreHiddenAndCertificatesStillListed() throws {
        let env = try TestBench.require()
        let module = try Fixtures.softHSM()
        let session = try Fixtures.token(env["PODPIS_SIGNER_TOKEN"]!, in: module).slot.openSession()
        XCTAssertEqual(try session.certificates().count, 5)
    }
}
