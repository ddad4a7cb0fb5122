import Foundation
import TestBench
import XCTest

/// Certificates that cannot make a qualified signature, on a token of the
/// test's own (the bench's PKI objects `expired` and `no-nonrep`).
final class DoctorCertificateFaultTests: XCTestCase {
    func testExpiredCertificateIsCertificateExpired() throws {
        let desk = try DoctorDesk(objects: ["expired"])
        try desk.expectOnly("certificate-expired")
        let expired = try XCTUnwrap(try desk.doctor().troubles.first)
        XCTAssertTrue(expired.found.contains("2020-01-01"), expired.found)
        XCTAssertTrue(expired.place.hasPrefix("token:\(DoctorDesk.tokenLabel)/certificate:"), expired.place)
    }

    func testCertificateWithoutNonRepudiationIsCertificateNoNonRepudiation() throws {
        let desk = try DoctorDesk(objects: ["no-nonrep"])
        try desk.expectOnly("certificate-no-nonrepudiation")
        let usage = try XCTUnwrap(try desk.doctor().troubles.first)
        XCTAssertEqual(usage.details["keyUsage"], "digitalSignature")
    }

    func testCertificateWithoutItsKeyAndTokenWithoutCertificates() throws {
        let withoutKey = try DoctorDesk(objects: ["person-ec:cert"], daemon: false)
        let run = try withoutKey.doctor()
        XCTAssertTrue(run.troubles.contains { $0.code == "certificate-no-private-key" }, run.summary)

        let empty = try DoctorDesk(objects: [], daemon: false)
        let bare = try empty.doctor()
        XCTAssertTrue(bare.troubles.contains { $0.code == "token-no-certificate" && $0.place == "token:\(DoctorDesk.tokenLabel)" }, bare.summary)
    }

    func testChainIsIncompleteWithoutTheIssuersCertificates() throws {
        let desk = try DoctorDesk(objects: ["seal"], daemon: false)
        // Without --chain-file the test CA is nowhere: not on the token, not in the system's store.
        let result = try TestBench.runCapturing(
            DoctorDesk.podpis, ["doctor", "--json", "--config", desk.config, "--token", DoctorDesk.tokenLabel],
            environment: ["SOFTHSM2_CONF": desk.softHSMConf, "LANG": "C", "LC_ALL": ""])
        let run = DoctorRun(status: result.status, stdout: result.stdout, stderr: result.stderr, seconds: 0, json: true)
        let chain = try XCTUnwrap(run.troubles.first { $0.code == "certificate-chain-incomplete" }, run.summary)
        XCTAssertTrue(chain.found.contains("Podpis Test Qualified CA"), chain.found)
    }
}
