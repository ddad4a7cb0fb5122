import Foundation
import Revocation
import SwiftASN1
import TestBench
import X509
import XCTest

/// CRLs made by `openssl ca -gencrl`, parsed, indexed and checked, with
/// values compared to `openssl crl -text`.
final class CertificateRevocationListTests: XCTestCase {
    var fixtures: RevocationFixtures!
    var ca: Certificate!
    var now: Date { Date() }

    override func setUpWithError() throws {
        fixtures = try RevocationFixtures.get()
        ca = try fixtures.ca
    }

    func crl(_ name: String) throws -> CertificateRevocationList { try CertificateRevocationList(der: fixtures.bytes(name)) }

    func status(_ crl: String, of certificate: String, at time: Date? = nil, delta: String? = nil) throws -> RevocationStatus {
        try self.crl(crl).status(of: fixtures.certificate(certificate), issuer: ca, at: time ?? now, delta: delta.map { try self.crl($0) })
    }

    func assertRefused(_ kind: RevocationErrorKind, _ body: () throws -> Void, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            XCTAssertEqual((error as? RevocationError)?.kind, kind, "\(error)", file: file, line: line)
        }
    }

    func testTheCRLParsesToTheValuesOpenSSLPrints() throws {
        let text = try fixtures.text("ca.crl.txt")
        let crl = try crl("ca.crl")
        XCTAssertEqual(crl.version, 1)
        XCTAssertEqual(crl.issuer, ca.subject)
        XCTAssertEqual(crl.thisUpdate, opensslDate(try XCTUnwrap(field("Last Update", in: text))))
        XCTAssertEqual(crl.nextUpdate, opensslDate(try XCTUnwrap(field("Next Update", in: text))))
        XCTAssertEqual(crl.crlNumber.map { Array($0) }, [1])
        XCTAssertFalse(crl.isDelta)
        XCTAssertNil(crl.issuingDistributionPoint)
        // openssl prints "Serial Number: 1001" for each entry
        let serials = text.split(separator: "\n").filter { $0.contains("Serial Number:") }.map {
            $0.split(separator: ":").last!.trimmingCharacters(in: .whitespaces)
        }
        XCTAssertEqual(crl.entries.map { hex($0.serialNumber) }, serials)
        XCTAssertEqual(crl.entries.map(\.reason), [.keyCompromise, .certificateHold])
        let revoked = try XCTUnwrap(crl.entry(for: fixtures.certificate("revoked")))
        XCTAssertEqual(hex(revoked.serialNumber), hex(try fixtures.certificate("revoked").serialNumber.bytes))
        XCTAssertNil(crl.entry(for: try fixtures.certificate("good")))
        // the TBS bytes are the CRL's first element
        XCTAssertEqual(Array(crl.tbsBytes.prefix(1)), [0x30])
        XCTAssertLessThan(crl.tbsBytes.count, crl.der.count)
    }

    func testStatusesFromTheCRL() throws {
        let crl = try crl("ca.crl")
        XCTAssertEqual(try status("ca.crl", of: "good").state, .good)
        let revoked = try XCTUnwrap(crl.entries.first)
        XCTAssertEqual(try status("ca.crl", of: "revoked").state, .revoked(at: revoked.revocationDate, reason: .keyCompromise))
        let held = crl.entries[1]
        XCTAssertEqual(try status("ca.crl", of: "held").state, .suspended(since: held.revocationDate))
        let status = try status("ca.crl", of: "good")
        XCTAssertEqual(status.source, .crl)
        XCTAssertNil(status.producedAt)
        XCTAssertEqual(status.thisUpdate, crl.thisUpdate)
        XCTAssertEqual(status.issuedBy, ca.subject)
        // the revocation date as openssl prints it
        let text = try fixtures.text("ca.crl.txt")
        XCTAssertEqual(revoked.revocationDate, opensslDate(try XCTUnwrap(field("Revocation Date", in: text))))
    }

    func testACRLOfAnotherIssuerIsRefused() throws {
        assertRefused(.crlWrongIssuer) { _ = try status("other.crl", of: "good") }
        // and the right name with another key: the signature fails
        let other = try fixtures.certificate("other")
        XCTAssertThrowsError(try crl("other.crl").status(of: fixtures.certificate("good"), issuer: other, at: now)) { error in
            XCTAssertEqual((error as? RevocationError)?.kind, .crlWrongIssuer)
        }
    }

    func testAChangedByteBreaksTheSignature() throws {
        var bytes = try fixtures.bytes("ca.crl")
        // the first entry's reason keyCompromise (0A 01 01) → superseded
        let pattern: [UInt8] = [0x04, 0x03, 0x0A, 0x01, 0x01]
        let at = try XCTUnwrap((0...(bytes.count - pattern.count)).first { Array(bytes[$0..<($0 + pattern.count)]) == pattern })
        bytes[at + 4] = 0x04
        let crl = try CertificateRevocationList(der: bytes)
        XCTAssertEqual(crl.entries.first?.reason, .superseded)
        XCTAssertThrowsError(try crl.status(of: fixtures.certificate("good"), issuer: ca, at: now)) { error in
            XCTAssertEqual((error as? RevocationError)?.kind, .crlBadSignature)
        }
    }

    func testTheCRLIsOnlyValidBetweenThisUpdateAndNextUpdate() throws {
        let crl = try crl("ca.crl")
        assertRefused(.crlStale) { _ = try status("ca.crl", of: "good", at: crl.nextUpdate!.addingTimeInterval(1)) }
        assertRefused(.crlNotYetValid) { _ = try status("ca.crl", of: "good", at: crl.thisUpdate.addingTimeInterval(-1)) }
    }

    func testACACertificatesOnlyCRLDoesNotCoverAnEndEntity() throws {
        let crl = try crl("ca_only.crl")
        XCTAssertEqual(crl.issuingDistributionPoint?.onlyContainsCACerts, true)
        assertRefused(.crlOutOfScope) { _ = try status("ca_only.crl", of: "good") }
        XCTAssertEqual(try status("ca_only.crl", of: "subca").state, .good)
    }

    func testAUserCertificatesOnlyCRLDoesNotCoverACA() throws {
        XCTAssertEqual(try crl("user_only.crl").issuingDistributionPoint?.onlyContainsUserCerts, true)
        assertRefused(.crlOutOfScope) { _ = try status("user_only.crl", of: "subca") }
        XCTAssertEqual(try status("user_only.crl", of: "good").state, .good)
    }

    func testAnIndirectCRLIsRefusedAsUnsupported() throws {
        XCTAssertEqual(try crl("indirect.crl").issuingDistributionPoint?.indirectCRL, true)
        assertRefused(.crlIndirectUnsupported) { _ = try status("indirect.crl", of: "good") }
    }

    func testADeltaCRLLiftsAHoldAndAddsARevocation() throws {
        let delta = try crl("delta.crl")
        XCTAssertTrue(delta.isDelta)
        XCTAssertEqual(delta.deltaBaseCRLNumber.map { Array($0) }, [1])
        XCTAssertEqual(delta.entries.map(\.reason), [.superseded, .removeFromCRL])
        XCTAssertEqual(try status("ca.crl", of: "held").state, .suspended(since: try crl("ca.crl").entries[1].revocationDate))
        XCTAssertEqual(try status("ca.crl", of: "held", delta: "delta.crl").state, .good)
        let revokedInDelta = try XCTUnwrap(delta.entries.first)
        XCTAssertEqual(
            try status("ca.crl", of: "good", delta: "delta.crl").state, .revoked(at: revokedInDelta.revocationDate, reason: .superseded))
        XCTAssertEqual(try status("ca.crl", of: "revoked", delta: "delta.crl").state.isRevoked, true)
        // a delta on its own is not a complete CRL
        assertRefused(.crlDeltaMismatch) { _ = try status("delta.crl", of: "good") }
        // a delta over a base with a higher number does not apply
        assertRefused(.crlDeltaMismatch) { _ = try status("ca.crl", of: "good", delta: "ca.crl") }
    }

    func testALargeCRLIsParsedOnceAndLookedUpBySerial() throws {
        let bytes = try fixtures.bytes("large.crl")
        let start = Date()
        let crl = try CertificateRevocationList(der: bytes)
        let elapsed = Date().timeIntervalSince(start)
        XCTAssertEqual(crl.entries.count, 100_000)
        XCTAssertLessThan(elapsed, 20, "parsing \(bytes.count) bytes took \(elapsed) s")
        let lookups = Date()
        for i in stride(from: 0, to: 100_000, by: 997) {
            let serial = withUnsafeBytes(of: UInt32(0x200000 + i).bigEndian) { Array($0) }
            XCTAssertEqual(crl.entry(serialNumber: serial)?.reason, .keyCompromise)
        }
        XCTAssertNil(crl.entry(serialNumber: [0x01, 0x00, 0x00]))
        XCTAssertLessThan(Date().timeIntervalSince(lookups), 1)
        XCTAssertEqual(try crl.status(of: fixtures.certificate("good"), issuer: ca, at: now).state, .good)
    }

    func testASizeLimitRefusesTheCRLBeforeParsing() throws {
        XCTAssertThrowsError(try CertificateRevocationList(der: fixtures.bytes("large.crl"), maximumSize: 1 << 20)) { error in
            XCTAssertEqual((error as? RevocationError)?.kind, .crlTooLarge)
        }
    }

    func testGarbageIsMalformedNotACrash() throws {
        let good = try fixtures.bytes("ca.crl")
        let inputs: [[UInt8]] = [
            [], [0x30], [0x30, 0x80, 0x00, 0x00], [0x30, 0x84, 0x7F, 0xFF, 0xFF, 0xFF], Array(good.prefix(good.count - 1)), good + [0],
            [0x1F, 0x81, 0x00],
        ]
        for input in inputs {
            XCTAssertThrowsError(try CertificateRevocationList(der: input)) { error in
                XCTAssertEqual((error as? RevocationError)?.kind, .crlMalformed)
            }
        }
    }
}

extension RevocationStatus.State {
    var isRevoked: Bool { if case .revoked = self { true } else { false } }
}
