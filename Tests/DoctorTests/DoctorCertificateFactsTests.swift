import Foundation
import QualifiedCertificates
import TestBench
import XCTest

@testable import Doctor

/// The certificate checks on the bench PKI's files, at chosen moments: what
/// the tokens cannot show on the day the tests run.
final class DoctorCertificateFactsTests: XCTestCase {
    func facts(_ name: String) throws -> CertificateFacts {
        let pem = try String(contentsOfFile: try TestBench.pki(name), encoding: .utf8)
        let body = pem.components(separatedBy: "\n").filter { !$0.hasPrefix("-----") }.joined()
        return try CertificateFacts(der: Array(try XCTUnwrap(Data(base64Encoded: body))))
    }

    func testValidityAtChosenMoments() throws {
        let person = try facts("person-ec.pem")
        XCTAssertEqual(CertificateValidityCheck(facts: person, now: Date()).run().code, "certificate-valid")
        let early = CertificateValidityCheck(facts: person, now: person.notBefore.addingTimeInterval(-86_400)).run()
        XCTAssertEqual(early.code, "certificate-not-yet-valid")
        XCTAssertEqual(early.outcome, .problem)
        let soon = CertificateValidityCheck(facts: person, now: person.notAfter.addingTimeInterval(-10 * 86_400)).run()
        XCTAssertEqual(soon.code, "certificate-expires-soon")
        XCTAssertEqual(soon.outcome, .warning)
        XCTAssertTrue(soon.found.en.contains("in 10 days") || soon.found.en.contains("in 9 days"), soon.found.en)
    }

    func testQualificationAndKeyUsage() throws {
        XCTAssertEqual(QualificationCheck(facts: try facts("seal.pem")).run().code, "certificate-qualified")
        XCTAssertEqual(KeyUsageCheck(facts: try facts("seal.pem")).run()?.code, "certificate-key-usage-ok")
        // The TSA's certificate has no QCStatements at all.
        let tsa = QualificationCheck(facts: try facts("tsa.pem")).run()
        XCTAssertEqual(tsa.code, "certificate-not-qualified")
        XCTAssertEqual(tsa.outcome, .warning)
        XCTAssertNil(KeyUsageCheck(facts: try facts("tsa.pem")).run(), "left to the qualification check")
        XCTAssertEqual(KeyUsageCheck(facts: try facts("no-nonrep.pem")).run()?.code, "certificate-no-nonrepudiation")
    }
}
