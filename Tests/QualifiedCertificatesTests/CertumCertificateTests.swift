import Foundation
import QualifiedCertificates
import TestBench
import XCTest

/// A real qualified certificate (Certum QCA, 2013) taken from the shared
/// conformance samples: its subject carries `postalAddress` as a SEQUENCE of
/// UTF8Strings, X.520's own encoding, and its key is RSA 1024, which
/// swift-crypto refuses: neither may keep its holder and QC facts from being read.
final class CertumCertificateTests: XCTestCase {
    /// The signer's certificate inside the Certum CAdES sample, as DER (openssl pulls it out).
    static func certumDER() throws -> [UInt8] {
        let sample = TestBench.repositoryRoot.deletingLastPathComponent()
            .appendingPathComponent("shared/conformance/samples/cades/pl/Signature-C-PL_UNI-1.p7m").path
        let directory = try TestBench.temporaryDirectory()
        let pem = directory.appendingPathComponent("certum.pem").path, der = directory.appendingPathComponent("certum.der").path
        try TestBench.run("openssl", ["pkcs7", "-inform", "DER", "-in", sample, "-print_certs", "-out", pem])
        try TestBench.run("openssl", ["x509", "-in", pem, "-outform", "DER", "-out", der])
        return [UInt8](try Data(contentsOf: URL(fileURLWithPath: der)))
    }

    func testCertumQualifiedCertificateWithPostalAddressSequenceIsRead() throws {
        let facts = try CertificateFacts(der: Self.certumDER())
        XCTAssertEqual(facts.commonName, "Robert Hospodarysko; Unizeto Technologies S.A.")
        XCTAssertEqual(facts.organization, "Unizeto Technologies Spółka Akcyjna")
        XCTAssertEqual(facts.subjectSerialNumber, "PESEL:83011616936")
        // postalAddress (2.5.4.16), a SEQUENCE OF DirectoryString, shown as its lines.
        XCTAssertTrue(facts.subject.contains("2.5.4.16=Królowej Korony Polskiej 21\\, 70-486 Szczecin,"), facts.subject)
        XCTAssertTrue(facts.subject.hasPrefix("C=PL,ST=zachodniopomorskie,L=Szczecin,"), facts.subject)
        XCTAssertTrue(facts.issuer.contains("CERTUM QCA"), facts.issuer)
        XCTAssertEqual(facts.serialNumber, "06140F")
        XCTAssertEqual(facts.notAfter, ISO8601DateFormatter().date(from: "2016-01-12T16:36:05Z"))
        XCTAssertEqual(facts.validity(), .expired)
        // What the certificate says: QcCompliance, no QcSSCD, no QcType; nonRepudiation only.
        XCTAssertTrue(facts.qcStatements.compliance)
        XCTAssertFalse(facts.qcStatements.sscd)
        XCTAssertEqual(facts.qcStatements.types, [])
        XCTAssertEqual(facts.keyUsage, ["nonRepudiation"])
        XCTAssertFalse(facts.isCA)
        XCTAssertFalse(facts.qualifiedForSigning)
    }
}
