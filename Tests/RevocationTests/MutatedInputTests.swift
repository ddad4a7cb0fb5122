import Foundation
import Revocation
import X509
import XCTest

/// A cheap fuzz inside the test run (the real one is Fuzz/FuzzOCSPResponse
/// and Fuzz/FuzzCRL): openssl-made responses and CRLs with random bytes
/// changed, cut or doubled are refused or read, never a crash, and a changed
/// answer is never taken for a good one signed by the CA.
final class MutatedInputTests: XCTestCase {
    func mutations(of seed: [UInt8], count: Int) -> [[UInt8]] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in
            var bytes = seed
            switch Int.random(in: 0..<4, using: &generator) {
            case 0:
                for _ in 0..<Int.random(in: 1...4, using: &generator) {
                    bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
                }
            case 1: bytes = Array(bytes.prefix(Int.random(in: 0..<bytes.count, using: &generator)))
            case 2:
                let at = Int.random(in: 0..<bytes.count, using: &generator)
                bytes.insert(contentsOf: bytes[at..<min(bytes.count, at + 8)], at: at)
            default: bytes[Int.random(in: 0..<bytes.count, using: &generator)] ^= 0x80
            }
            return bytes
        }
    }

    func testChangedOCSPResponsesNeverCrashAndNeverPassAsGoodWithAnotherMeaning() throws {
        let fixtures = try RevocationFixtures.get()
        let ca = try fixtures.ca, good = try fixtures.certificate("good"), revoked = try fixtures.certificate("revoked")
        let seed = try fixtures.bytes("ocsp-revoked.der")
        var read = 0
        for input in mutations(of: seed, count: 3000) {
            guard let response = try? OCSPResponse.parse(input) else { continue }
            read += 1
            if let status = try? response.status(of: revoked, issuer: ca, at: Date()) {
                // only a change outside the signed data (or an equivalent one) can pass: the answer stays "revoked"
                XCTAssertTrue(status.state.isRevoked, "\(status.state)")
            }
            XCTAssertThrowsError(try response.status(of: good, issuer: ca, at: Date()))
        }
        XCTAssertGreaterThan(read, 0)
    }

    func testChangedCRLsNeverCrashAndNeverLoseARevocationUnnoticed() throws {
        let fixtures = try RevocationFixtures.get()
        let ca = try fixtures.ca, revoked = try fixtures.certificate("revoked")
        let seed = try fixtures.bytes("ca.crl")
        for input in mutations(of: seed, count: 3000) {
            guard let crl = try? CertificateRevocationList(der: input) else { continue }
            if let status = try? crl.status(of: revoked, issuer: ca, at: Date()) {
                XCTAssertTrue(status.state.isRevoked, "\(status.state)")
            }
        }
    }
}
