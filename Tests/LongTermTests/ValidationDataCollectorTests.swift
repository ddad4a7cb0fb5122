import CAdES
import Evidence
import Foundation
import LongTerm
import Revocation
import TestBench
import Validation
import XCTest

/// What a B-LT signature must carry, gathered on the bench for a CAdES B-T
/// made by `podpis sign`: the signer's and the TSA's paths, OCSP answers
/// from the bench responder (fetched once, then from the cache alone), and
/// the result carried in the file verifies offline — no cache, no network —
/// as TOTAL-PASSED at B-LT.
final class ValidationDataCollectorTests: BenchDirectoryTestCase {

    func signBT() throws -> [UInt8] {
        let document = directory.appendingPathComponent("zaswiadczenie.txt")
        try Data("Zaświadczenie nr 12/2026\n".utf8).write(to: document)
        let id = String(try OpenSSL.certificateSHA256("person-ec").prefix(16))
        let output = directory.appendingPathComponent("bt.p7s")
        let result = try TestBench.runCapturing(
            TestBench.product("podpis"),
            ["sign", "--format", "cades", "--level", "B-T", "--tsa", try TestBench.value("PODPIS_TSA_URL"), "--pin-fd", "0", "--cert", id,
             "-o", output.path, document.path],
            stdin: Data((try TestBench.value("PODPIS_SIGNER_PIN") + "\n").utf8), environment: ["LANG": "en_US.UTF-8", "LC_ALL": ""])
        XCTAssertEqual(result.status, 0, result.stderr)
        return Array(try Data(contentsOf: output))
    }

    func der(_ pem: String) throws -> [UInt8] {
        let out = directory.appendingPathComponent(pem + ".der").path
        try TestBench.run("openssl", ["x509", "-in", try TestBench.pki(pem), "-outform", "DER", "-out", out])
        return Array(try Data(contentsOf: URL(fileURLWithPath: out)))
    }

    func testACAdESBTGetsItsPathsAndOCSPAndThenVerifiesOfflineAsBLT() async throws {
        let bt = try signBT()
        let examined = try XCTUnwrap(try CAdESExaminer.examine(bt, name: "bt.p7s", detached: []).first)
        XCTAssertEqual(examined.level, .baselineT)
        let trust = try TrustSource.file(try TestBench.pki("root.pem"))
        let cache = try RevocationCache(directory: directory.appendingPathComponent("revocation").path)
        let fetcher = RevocationFetcher(configuration: .init(allowed: [AddressRange("127.0.0.1/32")!]), cache: cache)

        let online = await ValidationDataCollector(sources: [trust], cache: cache, fetcher: fetcher).collect(for: examined)
        XCTAssertEqual(online.missing, [])
        for pem in ["person-ec.pem", "ca.pem", "root.pem", "tsa.pem"] {
            XCTAssertTrue(online.certificates.contains(try der(pem)), "\(pem) is carried")
        }
        XCTAssertEqual(Set(online.certificates).count, online.certificates.count, "no certificate twice")
        XCTAssertFalse(online.ocspResponses.isEmpty)
        for response in online.ocspResponses {
            let basic = try XCTUnwrap(try OCSPResponse.parse(response).basic)
            XCTAssertFalse(basic.responseData.responses.isEmpty)
        }

        // The same again with the cache alone (offline): the same data.
        let offline = await ValidationDataCollector(sources: [trust], cache: cache, fetcher: nil).collect(for: examined)
        XCTAssertEqual(offline, online)
        // With neither, each certificate that needs data is named.
        let empty = try RevocationCache(directory: directory.appendingPathComponent("empty").path)
        let nothing = await ValidationDataCollector(sources: [trust], cache: empty, fetcher: nil).collect(for: examined)
        XCTAssertTrue(nothing.ocspResponses.isEmpty && nothing.crls.isEmpty)
        XCTAssertTrue(nothing.missing.contains { $0.contains("Anna Nowak") && $0.contains("fetching is off") }, "\(nothing.missing)")

        // Carried in the signature, it verifies with no revocation source at all.
        let lt = try CAdES.addValidationData(online.values, to: bt)
        let report = try await Verifier(sources: [trust], revocation: RevocationSources()).verify(lt, name: "lt.p7s")
        let signature = try XCTUnwrap(report.signatures.first)
        XCTAssertEqual(signature.indication, .totalPassed, "\(signature.subIndication?.rawValue ?? "") \(signature.reason) \(signature.checks.map { "\($0.name): \($0.detail)" })")
        XCTAssertEqual(signature.level, "CAdES-BASELINE-LT")
        XCTAssertTrue(signature.certificateChain.first?.revocation?.origin == "signature", "\(String(describing: signature.certificateChain.first?.revocation))")
        // The B-T alone, offline, cannot say.
        let before = try await Verifier(sources: [trust], revocation: RevocationSources()).verify(bt, name: "bt.p7s")
        XCTAssertEqual(before.signatures.first?.subIndication, .tryLater)
    }
}
