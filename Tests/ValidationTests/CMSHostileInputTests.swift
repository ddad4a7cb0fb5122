import Evidence
import Foundation
import TestBench
import Validation
import XCTest

/// Hostile CMS given to verification: refused as input or examined within
/// time and memory limits, never a crash or a hang.
final class CMSHostileInputTests: XCTestCase {
    let verifier = Verifier(sources: [])

    func refusedQuickly(_ bytes: [UInt8], _ what: String, file: StaticString = #filePath, line: UInt = #line) async {
        let started = Date()
        do {
            let report = try await verifier.verify(bytes, name: "hostile.p7s")
            XCTAssertNotEqual(report.indication, .totalPassed, what, file: file, line: line)
        } catch {
            // A refusal (CMSError, ValidationError) is the expected answer: it came back, typed.
            XCTAssertFalse("\(error)".isEmpty, what, file: file, line: line)
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 10, "\(what) took too long", file: file, line: line)
    }

    func testAHundredThousandLevelsOfIndefiniteLengthNestingAreRefused() async {
        let depth = 100_000
        let bytes = Array(repeating: [UInt8]([0x30, 0x80]), count: depth).flatMap { $0 } + Array(repeating: UInt8(0), count: depth * 2)
        await refusedQuickly(bytes, "100 000-deep BER")
    }

    func testALengthClaimingTwoToTheSixtySecondBytesIsRefused() async {
        await refusedQuickly([0x30, 0x88, 0x40, 0, 0, 0, 0, 0, 0, 0, 0x06, 0x01, 0x00], "2^62 length")
    }

    /// DER of a tag and its content.
    static func der(_ tag: UInt8, _ content: [UInt8]) -> [UInt8] {
        var length: [UInt8]
        if content.count < 0x80 {
            length = [UInt8(content.count)]
        } else {
            var n = content.count
            var bytes: [UInt8] = []
            while n > 0 { bytes.insert(UInt8(n & 0xFF), at: 0); n >>= 8 }
            length = [0x80 | UInt8(bytes.count)] + bytes
        }
        return [tag] + length + content
    }

    static let signedDataOID: [UInt8] = [0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x02]
    static let dataOID: [UInt8] = [0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x01]

    static func signedData(certificates: [[UInt8]], signerInfos: [[UInt8]]) -> [UInt8] {
        let inner = der(0x02, [1]) + der(0x31, []) + der(0x30, dataOID + der(0xA0, der(0x04, Array("x".utf8))))
            + (certificates.isEmpty ? [] : der(0xA0, certificates.flatMap { $0 })) + der(0x31, signerInfos.flatMap { $0 })
        return der(0x30, signedDataOID + der(0xA0, der(0x30, inner)))
    }

    func testTenThousandCertificatesAreExaminedInBoundedTime() async throws {
        let dir = try TestBench.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try TestBench.run("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", dir.path + "/k.pem",
                                      "-subj", "/CN=many", "-days", "1", "-outform", "DER", "-out", dir.path + "/c.der"])
        let one = Array(try Data(contentsOf: dir.appendingPathComponent("c.der")))
        XCTAssertGreaterThan(one.count, 100)
        let bytes = Self.signedData(certificates: Array(repeating: one, count: 10_000), signerInfos: [])
        await refusedQuickly(bytes, "10 000 certificates, no signer")
    }

    func testAThousandSignerInfosAreExaminedInBoundedTime() async throws {
        let issuer = Self.der(0x30, Self.der(0x31, Self.der(0x30, [0x06, 0x03, 0x55, 0x04, 0x03] + Self.der(0x0C, Array("nobody".utf8)))))
        let sha256: [UInt8] = Self.der(0x30, [0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01])
        let rsa: [UInt8] = Self.der(0x30, [0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x0B])
        let signer = Self.der(0x30, Self.der(0x02, [1]) + Self.der(0x30, issuer + Self.der(0x02, [7])) + sha256 + rsa + Self.der(0x04, [1, 2, 3]))
        let bytes = Self.signedData(certificates: [], signerInfos: Array(repeating: signer, count: 1_000))
        let started = Date()
        let report = try await verifier.verify(bytes, name: "many-signers.p7s")
        XCTAssertEqual(report.signatures.count, 1_000)
        XCTAssertTrue(report.signatures.allSatisfy { $0.subIndication == .noSigningCertificateFound })
        XCTAssertLessThan(Date().timeIntervalSince(started), 20)
    }

    /// A issues B issues A, and A issues the signer: path building stops at the loop.
    func testAChainLoopEndsWithoutATrustAnchor() throws {
        let dir = try TestBench.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        func run(_ arguments: [String]) throws { try TestBench.run("openssl", arguments) }
        let d = dir.path
        for name in ["a", "b", "s"] {
            try run(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "\(d)/\(name).key"])
            try run(["req", "-new", "-key", "\(d)/\(name).key", "-subj", "/CN=\(name)", "-out", "\(d)/\(name).csr"])
        }
        try Data("basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign\n".utf8).write(to: dir.appendingPathComponent("ca.ext"))
        // Each CA certificate is signed by the other's key, so each verifies under the other.
        try run(["x509", "-req", "-in", "\(d)/a.csr", "-signkey", "\(d)/a.key", "-out", "\(d)/a0.pem", "-days", "2"])
        try run(["x509", "-req", "-in", "\(d)/b.csr", "-CA", "\(d)/a0.pem", "-CAkey", "\(d)/a.key", "-CAcreateserial", "-extfile", "\(d)/ca.ext", "-out", "\(d)/b.pem", "-days", "2"])
        try run(["x509", "-req", "-in", "\(d)/a.csr", "-CA", "\(d)/b.pem", "-CAkey", "\(d)/b.key", "-CAcreateserial", "-extfile", "\(d)/ca.ext", "-out", "\(d)/a.pem", "-days", "2"])
        try run(["x509", "-req", "-in", "\(d)/s.csr", "-CA", "\(d)/a.pem", "-CAkey", "\(d)/a.key", "-CAcreateserial", "-out", "\(d)/s.pem", "-days", "2"])
        func record(_ name: String) throws -> CertificateRecord {
            let pem = try String(contentsOfFile: "\(d)/\(name).pem", encoding: .utf8)
            let body = pem.components(separatedBy: "-----")[2].filter { !$0.isWhitespace }
            return try CertificateRecord(der: [UInt8](Data(base64Encoded: body)!))
        }
        let a = try record("a"), b = try record("b"), signer = try record("s")
        XCTAssertTrue(a.isIssued(by: b) && b.isIssued(by: a) && signer.isIssued(by: a), "the loop was not made")
        let path = CertificatePath.build(from: signer, pool: [a, b], sources: [])
        XCTAssertFalse(path.isTrusted)
        XCTAssertEqual(path.certificates.count, 3, "signer, A, B — and not A again")
    }

    /// A 100 MB detached file is streamed: the verifier's peak memory, read
    /// from the kernel (ru_maxrss of the finished process), stays under the
    /// documented cap (docs/verification.md: 64 MiB for detached data of any size).
    func testA100MBDetachedFileIsVerifiedWithinTheMemoryCap() throws {
        let dir = try TestBench.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let d = dir.path
        try TestBench.run("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "\(d)/k.pem",
                                      "-subj", "/CN=big", "-days", "1", "-out", "\(d)/c.pem"])
        try TestBench.run("/bin/sh", ["-c", "head -c 104857600 /dev/urandom > \"$0\"", "\(d)/big.bin"])
        try TestBench.run("openssl", ["cms", "-sign", "-binary", "-in", "\(d)/big.bin", "-signer", "\(d)/c.pem", "-inkey", "\(d)/k.pem",
                                      "-outform", "DER", "-out", "\(d)/big.p7s"])
        let script = """
            import resource, subprocess, sys, json
            r = subprocess.run(sys.argv[1:], capture_output=True)
            print(json.dumps({"rc": r.returncode, "kib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, "out": r.stdout.decode()[:4000]}))
            """
        let output = try TestBench.run("/usr/bin/python3", ["-c", script, TestBench.product("podpis"), "verify", "\(d)/big.p7s",
                                                             "--detached", "\(d)/big.bin", "--no-trusted-lists", "--revocation-cache", "\(d)/rc", "--json"])
        let result = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        XCTAssertEqual(result["rc"] as? Int, 2, "\(result)")  // INDETERMINATE: intact, no anchor
        XCTAssertTrue((result["out"] as? String ?? "").contains("NO_CERTIFICATE_CHAIN_FOUND"), "\(result)")
        let kib = try XCTUnwrap(result["kib"] as? Int)
        XCTAssertLessThan(kib, 64 * 1024, "peak RSS \(kib) KiB for a 100 MB detached file")
    }
}
