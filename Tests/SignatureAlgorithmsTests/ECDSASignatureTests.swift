import SignatureAlgorithms
import Foundation
import TestBench
import XCTest

/// Raw r||s ⇄ DER, checked against signatures openssl makes.
final class ECDSASignatureTests: XCTestCase {
    func testDERFromOpenSSLRoundTripsThroughRaw() throws {
        try TestBench.require()
        let dir = try TestBench.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let key = dir.appendingPathComponent("k.pem").path
        let data = dir.appendingPathComponent("d").path
        let sig = dir.appendingPathComponent("s").path
        try TestBench.run("openssl", ["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", key])
        try Data("abc".utf8).write(to: URL(fileURLWithPath: data))
        for _ in 0..<8 {
            try TestBench.run("openssl", ["dgst", "-sha256", "-sign", key, "-out", sig, data])
            let der = [UInt8](try Data(contentsOf: URL(fileURLWithPath: sig)))
            let raw = try ECDSASignature.raw(fromDER: der, componentLength: 32)
            XCTAssertEqual(raw.count, 64)
            XCTAssertEqual(try ECDSASignature.der(fromRaw: raw), der)
        }
    }

    func testMalformedInputIsRejected() {
        XCTAssertThrowsError(try ECDSASignature.der(fromRaw: [1, 2, 3]))
        XCTAssertThrowsError(try ECDSASignature.raw(fromDER: [0x30, 0x03, 0x02, 0x01, 0x01], componentLength: 32))
        XCTAssertThrowsError(try ECDSASignature.raw(fromDER: [0x04, 0x00], componentLength: 32))
    }
}
