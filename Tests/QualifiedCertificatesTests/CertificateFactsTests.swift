import Foundation
import QualifiedCertificates
import TestBench
import XCTest

/// What the test PKI's certificates say, read by our code and cross-checked
/// with openssl where it can tell.
final class CertificateFactsTests: XCTestCase {
    private func facts(_ name: String) throws -> CertificateFacts {
        let der = try TestBench.run("openssl", ["x509", "-in", try TestBench.pki(name), "-outform", "DER", "-out", "/dev/stdout"])
        _ = der
        let derPath = try TestBench.temporaryDirectory().appendingPathComponent("c.der").path
        try TestBench.run("openssl", ["x509", "-in", try TestBench.pki(name), "-outform", "DER", "-out", derPath])
        return try CertificateFacts(der: [UInt8](try Data(contentsOf: URL(fileURLWithPath: derPath))))
    }

    func testPersonCertificateIsQualifiedForSigningWithPNOPL() throws {
        let f = try facts("person-rsa.pem")
        XCTAssertEqual(f.personIdentifier?.type, "PNO")
        XCTAssertEqual(f.personIdentifier?.country, "PL")
        XCTAssertEqual(f.personIdentifier?.typeName, "PESEL")
        XCTAssertTrue(f.personIdentifier!.description.hasPrefix("PNOPL-"))
        XCTAssertTrue(f.qcStatements.compliance)
        XCTAssertTrue(f.qcStatements.sscd)
        XCTAssertEqual(f.qcStatements.types, [.esign])
        XCTAssertFalse(f.qcStatements.pds.isEmpty)
        XCTAssertEqual(f.qcStatements.pds.first?.language, "en")
        XCTAssertTrue(f.hasNonRepudiation)
        XCTAssertTrue(f.qualifiedForSigning)
        XCTAssertFalse(f.qualifiedForSealing)
        XCTAssertEqual(f.validity(), .valid)
        XCTAssertTrue(f.policies.contains { $0.hasPrefix("QCP-n-qscd") }, "\(f.policies)")
        // The SHA-256 matches openssl's fingerprint.
        let fingerprint = try TestBench.run("openssl", ["x509", "-in", try TestBench.pki("person-rsa.pem"), "-noout", "-fingerprint", "-sha256"])
        XCTAssertTrue(fingerprint.replacingOccurrences(of: ":", with: "").lowercased().contains(f.sha256))
        // Subject serial as openssl prints it.
        let subject = try TestBench.run("openssl", ["x509", "-in", try TestBench.pki("person-rsa.pem"), "-noout", "-subject", "-nameopt", "RFC2253"])
        XCTAssertTrue(subject.contains(f.personIdentifier!.description), subject)
    }

    func testSealCertificateIsQualifiedForSealingWithVATPL() throws {
        let f = try facts("seal.pem")
        XCTAssertEqual(f.qcStatements.types, [.eseal])
        XCTAssertEqual(f.organizationIdentifier?.type, "VAT")
        XCTAssertEqual(f.organizationIdentifier?.country, "PL")
        XCTAssertEqual(f.organizationIdentifier?.typeName, "NIP")
        XCTAssertNotNil(f.organization)
        XCTAssertTrue(f.qualifiedForSealing)
        XCTAssertFalse(f.qualifiedForSigning)
    }

    func testExpiredAndNoNonRepudiationCertificatesAreNotUsableForQualifiedSigning() throws {
        let expired = try facts("expired.pem")
        XCTAssertEqual(expired.validity(), .expired)
        let noNonRep = try facts("no-nonrep.pem")
        XCTAssertFalse(noNonRep.hasNonRepudiation)
        XCTAssertFalse(noNonRep.qualifiedForSigning)
        XCTAssertTrue(noNonRep.keyUsage.contains("digitalSignature"))
    }

    func testECDSAPersonCertificateAndCAs() throws {
        XCTAssertTrue(try facts("person-ec.pem").qualifiedForSigning)
        let ca = try facts("ca.pem")
        XCTAssertTrue(ca.isCA)
        XCTAssertFalse(ca.qualifiedForSigning)
    }

    func testValidityWindowEdges() throws {
        let f = try facts("person-rsa.pem")
        XCTAssertEqual(f.validity(at: f.notBefore.addingTimeInterval(-1)), .notYetValid)
        XCTAssertEqual(f.validity(at: f.notAfter.addingTimeInterval(-86_400)), .expiresSoon)
        XCTAssertEqual(f.validity(at: f.notAfter.addingTimeInterval(1)), .expired)
    }

    func testSubjectIdentifierParsing() {
        XCTAssertEqual(SubjectIdentifier("PNOPL-80010112345")?.value, "80010112345")
        XCTAssertEqual(SubjectIdentifier("VATPL-1234567890")?.typeName, "NIP")
        XCTAssertNil(SubjectIdentifier("80010112345"))
        XCTAssertNil(SubjectIdentifier("pnopl-1"))
        XCTAssertNil(SubjectIdentifier("PNOPL-"))
    }

    func testGarbageIsNotACertificate() {
        XCTAssertThrowsError(try CertificateFacts(der: [0x30, 0x03, 0x02, 0x01, 0x01]))
    }
}
