import Foundation
import Revocation
import SwiftASN1
import TestBench
import X509
import XCTest

/// OCSP responses made by `openssl ocsp -index`, parsed and checked, with
/// values compared to `openssl ocsp -respin … -resp_text`.
final class OCSPResponseTests: XCTestCase {
    var fixtures: RevocationFixtures!
    var ca: Certificate!
    var now: Date { Date() }

    override func setUpWithError() throws {
        fixtures = try RevocationFixtures.get()
        ca = try fixtures.ca
    }

    func response(_ name: String) throws -> OCSPResponse { try OCSPResponse.parse(fixtures.bytes(name + ".der")) }

    func status(_ name: String, of certificate: String, at time: Date? = nil) throws -> RevocationStatus {
        try response(name).status(of: fixtures.certificate(certificate), issuer: ca, at: time ?? now)
    }

    func assertRefused(_ kind: RevocationErrorKind, _ body: () throws -> Void, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            XCTAssertEqual((error as? RevocationError)?.kind, kind, "\(error)", file: file, line: line)
        }
    }

    func testAGoodAnswerParsesToTheValuesOpenSSLPrints() throws {
        let text = try fixtures.text("ocsp-good.txt")
        let response = try response("ocsp-good")
        XCTAssertEqual(response.status, .successful)
        let basic = try XCTUnwrap(response.basic)
        XCTAssertEqual(basic.responseData.producedAt, opensslDate(try XCTUnwrap(field("Produced At", in: text))))
        let single = try XCTUnwrap(basic.responseData.responses.first)
        XCTAssertEqual(single.certStatus, .good)
        XCTAssertEqual(single.thisUpdate, opensslDate(try XCTUnwrap(field("This Update", in: text))))
        XCTAssertEqual(single.nextUpdate, opensslDate(try XCTUnwrap(field("Next Update", in: text))))
        XCTAssertEqual(hex(single.certID.issuerNameHash), field("Issuer Name Hash", in: text))
        XCTAssertEqual(hex(single.certID.issuerKeyHash), field("Issuer Key Hash", in: text))
        XCTAssertEqual(hex(single.certID.serialNumber), field("Serial Number", in: text))
        XCTAssertEqual(single.certID.hash, .sha1)
        XCTAssertEqual(basic.responseData.responderID, .byName(ca.subject))
        // round trip: our DER of the parsed response is the input
        var coder = DER.Serializer()
        try coder.serialize(response)
        XCTAssertEqual(coder.serializedBytes, try fixtures.bytes("ocsp-good.der"))
    }

    func testAGoodAnswerSignedByTheCAIsGood() throws {
        let status = try status("ocsp-good", of: "good")
        XCTAssertEqual(status.state, .good)
        XCTAssertEqual(status.source, .ocsp)
        XCTAssertEqual(status.signer, ca)
        XCTAssertFalse(status.delegatedResponder)
        XCTAssertNotNil(status.producedAt)
        XCTAssertNotNil(status.nextUpdate)
    }

    func testASHA256CertIDMatchesToo() throws {
        let response = try response("ocsp-good-sha256")
        XCTAssertEqual(response.basic?.responseData.responses.first?.certID.hash, .sha256)
        XCTAssertEqual(try status("ocsp-good-sha256", of: "good").state, .good)
    }

    func testARevokedAnswerGivesTheTimeAndReasonOpenSSLPrints() throws {
        let text = try fixtures.text("ocsp-revoked.txt")
        XCTAssertEqual(field("Cert Status", in: text), "revoked")
        let expected = try XCTUnwrap(opensslDate(try XCTUnwrap(field("Revocation Time", in: text))))
        XCTAssertEqual(try status("ocsp-revoked", of: "revoked").state, .revoked(at: expected, reason: .keyCompromise))
    }

    func testACertificateOnHoldIsSuspendedNotRevoked() throws {
        let text = try fixtures.text("ocsp-held.txt")
        XCTAssertTrue(try XCTUnwrap(field("Revocation Reason", in: text)).hasPrefix("certificateHold"))
        let since = try XCTUnwrap(opensslDate(try XCTUnwrap(field("Revocation Time", in: text))))
        XCTAssertEqual(try status("ocsp-held", of: "held").state, .suspended(since: since))
    }

    func testACertificateTheResponderDoesNotKnowIsUnknown() throws {
        XCTAssertEqual(field("Cert Status", in: try fixtures.text("ocsp-unknown.txt")), "unknown")
        XCTAssertEqual(try status("ocsp-unknown", of: "unknown").state, .unknown)
    }

    func testADelegatedResponderWithOCSPSigningIssuedByTheCAIsAccepted() throws {
        let status = try status("ocsp-delegated", of: "good")
        XCTAssertEqual(status.state, .good)
        XCTAssertTrue(status.delegatedResponder)
        XCTAssertEqual(status.signer, try fixtures.certificate("responder"))
        XCTAssertEqual(try response("ocsp-delegated").basic?.certificates.count, 1)
    }

    func testAResponderNamedByKeyHashIsFound() throws {
        guard case .byKey(let hash) = try response("ocsp-delegated-bykey").basic?.responseData.responderID else {
            return XCTFail("openssl -resp_key_id gives a byKey responder ID")
        }
        XCTAssertEqual(hash.count, 20)
        XCTAssertEqual(try status("ocsp-delegated-bykey", of: "good").signer, try fixtures.certificate("responder"))
    }

    func testAResponderWithoutOCSPSigningIsRefused() throws {
        assertRefused(.ocspUnauthorisedResponder) { _ = try status("ocsp-noeku", of: "good") }
        do { _ = try status("ocsp-noeku", of: "good") } catch let error as RevocationError {
            XCTAssertTrue(error.detail.contains("id-kp-OCSPSigning"), error.detail)
        }
    }

    func testAResponderCertifiedByAnotherCAIsRefused() throws {
        assertRefused(.ocspUnauthorisedResponder) { _ = try status("ocsp-other-ca", of: "good") }
        do { _ = try status("ocsp-other-ca", of: "good") } catch let error as RevocationError {
            XCTAssertTrue(error.detail.contains("was not issued by"), error.detail)
        }
    }

    func testAResponderExpiredAtProducedAtIsRefused() throws {
        assertRefused(.ocspUnauthorisedResponder) { _ = try status("ocsp-expired-responder", of: "good") }
    }

    func testADelegatedAnswerWithoutTheRespondersCertificateIsRefused() throws {
        assertRefused(.ocspUnauthorisedResponder) { _ = try status("ocsp-nocerts", of: "good") }
    }

    func testAnAnswerAboutAnotherSerialIsRefused() throws {
        assertRefused(.ocspWrongCertificate) { _ = try status("ocsp-good", of: "revoked") }
        // the same serial under another issuer is another certificate
        let other = try fixtures.certificate("other")
        XCTAssertThrowsError(try response("ocsp-good").status(of: fixtures.certificate("good"), issuer: other, at: now))
    }

    func testAChangedByteBreaksTheSignature() throws {
        var bytes = try fixtures.bytes("ocsp-revoked.der")
        // the revocation reason's value (keyCompromise 1 → superseded 4), inside the signed data
        let pattern: [UInt8] = [0xA0, 0x03, 0x0A, 0x01, 0x01]
        let at = try XCTUnwrap((0...(bytes.count - pattern.count)).first { Array(bytes[$0..<($0 + pattern.count)]) == pattern })
        bytes[at + 4] = 0x04
        let response = try OCSPResponse.parse(bytes)
        XCTAssertThrowsError(try response.status(of: fixtures.certificate("revoked"), issuer: ca, at: now)) { error in
            XCTAssertEqual((error as? RevocationError)?.kind, .ocspBadSignature)
        }
    }

    func testAnAnswerIsStaleAfterNextUpdateAndNotYetValidBeforeThisUpdate() throws {
        let single = try XCTUnwrap(response("ocsp-good").basic?.responseData.responses.first)
        let next = try XCTUnwrap(single.nextUpdate)
        assertRefused(.ocspStale) { _ = try status("ocsp-good", of: "good", at: next.addingTimeInterval(1)) }
        assertRefused(.ocspNotYetValid) { _ = try status("ocsp-good", of: "good", at: single.thisUpdate.addingTimeInterval(-1)) }
        XCTAssertEqual(try status("ocsp-good", of: "good", at: next).state, .good)
    }

    func testTheNonceOfTheRequestMustBeEchoed() throws {
        let requestText = try fixtures.text("ocsp-nonce.req.txt")
        let nonceLine = try XCTUnwrap(requestText.split(separator: "\n").firstIndex { $0.contains("OCSP Nonce") })
        let lines = requestText.split(separator: "\n")
        let nonceHex = lines[nonceLine + 1].trimmingCharacters(in: .whitespaces)
        let request = try OCSPRequest(derEncoded: fixtures.bytes("ocsp-nonce.req"))
        let nonce = try XCTUnwrap(request.nonce)
        // openssl prints the extension's value: 04 10 and the 16 bytes
        XCTAssertEqual("0410" + hex(nonce), nonceHex)
        let response = try response("ocsp-nonce")
        XCTAssertEqual(response.basic?.responseData.nonce, nonce)
        XCTAssertEqual(try response.status(of: fixtures.certificate("good"), issuer: ca, at: now, nonce: nonce).state, .good)
        XCTAssertThrowsError(try response.status(of: fixtures.certificate("good"), issuer: ca, at: now, nonce: [1, 2, 3])) { error in
            XCTAssertEqual((error as? RevocationError)?.kind, .ocspNonceMismatch)
        }
        XCTAssertThrowsError(try self.response("ocsp-good").status(of: fixtures.certificate("good"), issuer: ca, at: now, nonce: nonce)) { error in
            XCTAssertEqual((error as? RevocationError)?.kind, .ocspNonceMismatch)
        }
    }

    func testOurRequestIsReadAndAnsweredByOpenSSL() throws {
        let good = try fixtures.certificate("good")
        for hash in [CertID.Hash.sha1, .sha256] {
            let request = OCSPRequest(certificate: good, issuer: ca, hash: hash, nonce: true)
            let path = fixtures.path("ours-\(hash).req")
            try Data(request.derBytes()).write(to: URL(fileURLWithPath: path))
            let text = try fixtures.openssl(["ocsp", "-reqin", path, "-req_text"])
            XCTAssertEqual(field("Hash Algorithm", in: text), hash.rawValue)
            XCTAssertEqual(field("Serial Number", in: text), hex(good.serialNumber.bytes))
            XCTAssertTrue(text.contains(hex(try XCTUnwrap(request.nonce))), text)
            let answer = fixtures.path("ours-\(hash).der")
            try fixtures.openssl([
                "ocsp", "-index", fixtures.path("ca/index.txt"), "-rsigner", fixtures.path("ca/ca.pem"), "-rkey", fixtures.path("ca/ca.key"),
                "-CA", fixtures.path("ca/ca.pem"), "-reqin", path, "-respout", answer, "-ndays", "1",
            ])
            let response = try OCSPResponse.parse(fixtures.bytes("ours-\(hash).der"))
            XCTAssertEqual(try response.status(of: good, issuer: ca, at: now, nonce: request.nonce).state, .good)
            // and we read our own request back
            XCTAssertEqual(try OCSPRequest(derEncoded: request.derBytes()), request)
        }
    }

    func testOpenSSLsRequestNamesTheCertificateByItsCertID() throws {
        let request = try OCSPRequest(derEncoded: fixtures.bytes("ocsp-good-sha256.req"))
        let id = try XCTUnwrap(request.certIDs.first)
        XCTAssertTrue(id.matches(certificate: try fixtures.certificate("good"), issuer: ca))
        XCTAssertFalse(id.matches(certificate: try fixtures.certificate("revoked"), issuer: ca))
        XCTAssertEqual(id, CertID(certificate: try fixtures.certificate("good"), issuer: ca, hash: .sha256))
    }

    func testAnUnsuccessfulAnswerIsRefusedWithItsStatus() throws {
        let response = try OCSPResponse.parse([0x30, 0x03, 0x0A, 0x01, 0x03])
        XCTAssertEqual(response.status, .tryLater)
        XCTAssertThrowsError(try response.status(of: fixtures.certificate("good"), issuer: ca, at: now)) { error in
            XCTAssertEqual((error as? RevocationError)?.kind, .ocspNotSuccessful)
            XCTAssertEqual((error as? RevocationError)?.detail, "tryLater")
        }
    }

    func testGarbageIsMalformedNotACrash() throws {
        let good = try fixtures.bytes("ocsp-good.der")
        for input in [[], [0x30], [0x30, 0x80, 0x00, 0x00], Array(good.prefix(good.count / 2)), good + [0]] as [[UInt8]] {
            XCTAssertThrowsError(try OCSPResponse.parse(input)) { error in
                XCTAssertEqual((error as? RevocationError)?.kind, .ocspMalformed)
            }
        }
    }

    func testEveryErrorKindHasASentenceInBothLanguages() {
        XCTAssertEqual(RevocationErrorKind.kindsWithoutSentence, [])
        for kind in RevocationErrorKind.allCases {
            XCTAssertTrue(kind.rawValue.hasPrefix("revocation-"))
            let text = RevocationError(kind, "X").message
            XCTAssertFalse(text.pl.isEmpty)
            XCTAssertFalse(text.en.isEmpty)
        }
    }
}
