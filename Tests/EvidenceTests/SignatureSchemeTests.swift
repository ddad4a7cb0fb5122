import Evidence
import Foundation
import SwiftASN1
import XCTest

/// The one check of others' signature values, against signatures the openssl CLI made.
final class SignatureSchemeTests: EvidenceTestCase {
    let data = Array("Zaświadczenie o niezaleganiu w podatkach, sygn. 2026/123".utf8)

    func testRSAPKCS1SignaturesByOpenSSLAreIntactAndAChangedByteBreaksThem() throws {
        let spki = try key("rsa", ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"])
        let file = try write(data, "data")
        for (digest, algorithm) in [
            ("sha1", DigestAlgorithm.sha1), ("sha256", .sha256), ("sha384", .sha384), ("sha512", .sha512), ("sha3-256", .sha3_256),
            ("sha3-384", .sha3_384), ("sha3-512", .sha3_512),
        ] {
            try openssl(["dgst", "-\(digest)", "-sign", path("rsa.key"), "-out", path("sig"), file])
            let signature = try read("sig")
            let scheme = SignatureScheme(kind: .rsaPKCS1, digest: algorithm)
            XCTAssertEqual(scheme.verify(signature: signature, over: data, subjectPublicKeyInfo: spki), .intact, digest)
            var changed = data
            changed[0] ^= 1
            guard case .broken = scheme.verify(signature: signature, over: changed, subjectPublicKeyInfo: spki) else {
                return XCTFail("\(digest): a changed byte must break the signature")
            }
        }
        // pkeyutl over a digest computed apart gives the same PKCS#1 v1.5 value.
        try openssl(["dgst", "-sha256", "-binary", "-out", path("digest"), file])
        try openssl(["pkeyutl", "-sign", "-inkey", path("rsa.key"), "-pkeyopt", "digest:sha256", "-in", path("digest"), "-out", path("sig2")])
        XCTAssertEqual(SignatureScheme(kind: .rsaPKCS1, digest: .sha256).verify(signature: try read("sig2"), over: data, subjectPublicKeyInfo: spki), .intact)
    }

    func testRSASHA3WithA1024And4096BitKeyIsCheckedByTheOwnPublicOperation() throws {
        let file = try write(data, "data")
        for bits in [1024, 3072, 4096] {
            let spki = try key("rsa\(bits)", ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:\(bits)"])
            try openssl(["dgst", "-sha3-256", "-sign", path("rsa\(bits).key"), "-out", path("sig"), file])
            var signature = try read("sig")
            let scheme = SignatureScheme(kind: .rsaPKCS1, digest: .sha3_256)
            XCTAssertEqual(scheme.verify(signature: signature, over: data, subjectPublicKeyInfo: spki), .intact, "\(bits)")
            signature[signature.count / 2] ^= 0x40
            guard case .broken = scheme.verify(signature: signature, over: data, subjectPublicKeyInfo: spki) else { return XCTFail("\(bits)") }
        }
    }

    func testRSAPSSSignaturesByOpenSSLAreIntact() throws {
        let spki = try key("rsa", ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"])
        let file = try write(data, "data")
        try openssl([
            "dgst", "-sha256", "-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:32", "-sign", path("rsa.key"), "-out", path("sig"), file,
        ])
        let scheme = SignatureScheme(kind: .rsaPSS, digest: .sha256)
        XCTAssertEqual(scheme.verify(signature: try read("sig"), over: data, subjectPublicKeyInfo: spki), .intact)
        // A PKCS#1 v1.5 check of a PSS value fails.
        guard case .broken = SignatureScheme(kind: .rsaPKCS1, digest: .sha256).verify(signature: try read("sig"), over: data, subjectPublicKeyInfo: spki)
        else { return XCTFail("PSS is not PKCS#1 v1.5") }
    }

    func testECDSASignaturesAreIntactInDERAndRawForms() throws {
        let spki = try key("ec", ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"])
        let file = try write(data, "data")
        try openssl(["dgst", "-sha256", "-sign", path("ec.key"), "-out", path("sig"), file])
        let der = try read("sig")
        let scheme = SignatureScheme(kind: .ecdsa, digest: .sha256)
        XCTAssertEqual(scheme.verify(signature: der, over: data, subjectPublicKeyInfo: spki), .intact)
        // XML-DSig's r‖s form of the same value.
        let raw = try Self.raw(der, size: 32)
        XCTAssertEqual(raw.count, 64)
        XCTAssertEqual(scheme.verify(signature: raw, over: data, subjectPublicKeyInfo: spki), .intact)
        var changed = raw
        changed[63] ^= 1
        guard case .broken = scheme.verify(signature: changed, over: data, subjectPublicKeyInfo: spki) else { return XCTFail("changed r‖s") }
        // Another key does not verify it.
        let other = try key("ec2", ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"])
        guard case .broken = scheme.verify(signature: der, over: data, subjectPublicKeyInfo: other) else { return XCTFail("another key") }
    }

    func testSchemesAreNamedFromCMSAndXMLIdentifiers() throws {
        XCTAssertEqual(SignatureScheme(oid: [1, 2, 840, 113549, 1, 1, 11], parameters: nil, digest: nil), SignatureScheme(kind: .rsaPKCS1, digest: .sha256))
        XCTAssertEqual(
            SignatureScheme(oid: [1, 2, 840, 113549, 1, 1, 1], parameters: nil, digest: .sha384), SignatureScheme(kind: .rsaPKCS1, digest: .sha384))
        XCTAssertNil(SignatureScheme(oid: [1, 2, 840, 113549, 1, 1, 1], parameters: nil, digest: nil))
        XCTAssertEqual(SignatureScheme(oid: [1, 2, 840, 10045, 4, 3, 3], parameters: nil, digest: nil), SignatureScheme(kind: .ecdsa, digest: .sha384))
        XCTAssertEqual(
            SignatureScheme(uri: "http://www.w3.org/2007/05/xmldsig-more#sha256-rsa-MGF1"), SignatureScheme(kind: .rsaPSS, digest: .sha256))
        XCTAssertEqual(SignatureScheme(kind: .ecdsa, digest: .sha256).name, "ECDSA SHA-256")
        XCTAssertNil(SignatureScheme(uri: "http://www.w3.org/2000/09/xmldsig#dsa-sha1"))
    }

    /// `ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }` as r‖s, each `size` bytes.
    static func raw(_ der: [UInt8], size: Int) throws -> [UInt8] {
        let root = try DER.parse(der)
        return try DER.sequence(root, identifier: .sequence) { nodes in
            var out: [UInt8] = []
            for _ in 0..<2 {
                let integer = Array(try ArraySlice<UInt8>(derEncoded: &nodes).drop { $0 == 0 })
                out += [UInt8](repeating: 0, count: size - integer.count) + integer
            }
            return out
        }
    }
}
