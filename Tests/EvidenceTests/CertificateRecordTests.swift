import Evidence
import Foundation
import X509
import XCTest

/// A certificate swift-certificates refuses (RSA-1024) read all the same.
final class CertificateRecordTests: EvidenceTestCase {
    func testAnRSA1024CertificateIsReadThoughSwiftCertificatesRefusesIt() throws {
        try openssl([
            "req", "-x509", "-newkey", "rsa:1024", "-nodes", "-keyout", path("k.pem"), "-outform", "DER", "-out", path("c.der"),
            "-subj", "/C=PL/O=Urząd Testowy/CN=Jan Kowalski", "-utf8", "-days", "10", "-set_serial", "0x0123456789ABCDEF",
        ])
        let der = try read("c.der")
        XCTAssertThrowsError(try Certificate(derEncoded: der), "swift-certificates takes no RSA key under 2048 bits")
        let record = try CertificateRecord(der: der)
        XCTAssertNil(record.certificate)
        XCTAssertEqual(record.der, der)
        XCTAssertTrue(record.subject.description.contains("CN=Jan Kowalski"), record.subject.description)
        XCTAssertTrue(record.subject.description.contains("Urząd Testowy"), record.subject.description)
        XCTAssertEqual(record.issuer, record.subject)
        XCTAssertTrue(record.isSelfIssued)
        XCTAssertEqual(record.serialHex, "0123456789ABCDEF")
        XCTAssertEqual(record.notAfter.timeIntervalSince(record.notBefore), 10 * 86_400, accuracy: 1)
        XCTAssertEqual(record.notBefore.timeIntervalSinceNow, 0, accuracy: 300)
        // Its own signature checks through SignatureScheme (the RSA-1024 path).
        XCTAssertTrue(record.isIssued(by: record))
        // The public key is the one openssl has.
        try openssl(["pkey", "-in", path("k.pem"), "-pubout", "-outform", "DER", "-out", path("spki.der")])
        XCTAssertEqual(record.subjectPublicKeyInfo, try read("spki.der"))
        // Not issued by another key of the same name.
        try openssl([
            "req", "-x509", "-newkey", "rsa:1024", "-nodes", "-keyout", path("k2.pem"), "-outform", "DER", "-out", path("c2.der"),
            "-subj", "/C=PL/O=Urząd Testowy/CN=Jan Kowalski", "-utf8", "-days", "10",
        ])
        XCTAssertFalse(record.isIssued(by: try CertificateRecord(der: try read("c2.der"))))
    }

    func testGarbageIsNotACertificate() {
        XCTAssertThrowsError(try CertificateRecord(der: [0x30, 0x03, 0x02, 0x01, 0x01]))
        XCTAssertThrowsError(try CertificateRecord(der: []))
    }
}
