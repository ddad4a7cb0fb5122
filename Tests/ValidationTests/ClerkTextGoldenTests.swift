import Evidence
import Foundation
import Localization
import TestBench
import TrustedLists
import Validation
import XCTest

/// The clerk's text pinned for three cases, in Polish and English: a valid
/// qualified signature, a signature-wrapping attack, and a signature whose
/// certificate expired with nothing proving it was made in time. Times and
/// digests that change with every bench are replaced by <TIME> and <SHA256>
/// before comparing. To accept a deliberate change of wording:
/// PODPIS_UPDATE_GOLDEN=1 rewrites the files (then review the diff).
final class ClerkTextGoldenTests: XCTestCase {
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
    static let samples = TestBench.repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/conformance/samples")

    static func normalized(_ text: String) -> String {
        var result = text
        for (pattern, replacement) in [
            (#"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z"#, "<TIME>"), (#"\b[0-9a-f]{64}\b"#, "<SHA256>"),
        ] {
            result = result.replacingOccurrences(of: pattern, with: replacement, options: .regularExpression)
        }
        return result
    }

    func assertGolden(_ report: ValidationReport, _ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        for language in [Language.polish, Language.english] {
            let text = Self.normalized(ClerkReport.text(report, language: language)) + "\n"
            let url = Self.golden.appendingPathComponent("\(name).\(language.rawValue).txt")
            if ProcessInfo.processInfo.environment["PODPIS_UPDATE_GOLDEN"] == "1" {
                try Data(text.utf8).write(to: url)
                continue
            }
            let expected = try String(contentsOf: url, encoding: .utf8)
            XCTAssertEqual(text, expected, "\(name) (\(language.rawValue)) differs from \(url.lastPathComponent)", file: file, line: line)
        }
    }

    func testASignatureWrappingAttack() async throws {
        let bytes = Array(try Data(contentsOf: Self.samples.appendingPathComponent("xades/dss/xsw-enveloping-fake-object.xml")))
        let policy = ValidationPolicy(validationTime: ISO8601DateFormatter().date(from: "2026-12-01T12:00:00Z")!)
        let report = try await Verifier(policy: policy, sources: []).verify(bytes, name: "wniosek.xml")
        XCTAssertTrue(ClerkReport.text(report, language: .polish).hasPrefix("NIE MOŻNA USTALIĆ – nie znaleziono podpisanych danych"))
        try assertGolden(report, "wrapping-attack")
    }

    /// The bench's matrix: signer, CA and list.
    func matrixReport(_ file: String, revocation: [String]) async throws -> ValidationReport {
        try TestBench.require()
        let directory = try TestBench.value("PODPIS_MATRIX_DIR")
        let tl = try TestBench.value("PODPIS_TL_DIR")
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("golden-tl-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: cache, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: cache) }
        try FileManager.default.copyItem(atPath: "\(tl)/EU-TEST-LOTL.xml", toPath: "\(cache)/EU.xml")
        try FileManager.default.copyItem(atPath: "\(tl)/PL-TEST-TL.xml", toPath: "\(cache)/PL.xml")
        let pins = try TrustSource.file(try TestBench.value("PODPIS_TEST_LOTL_PINNED_CERT")).anchors.map(\.der)
        let lists = try TrustedListTrust.load(cache: TrustedListCache(directory: cache), pinnedSigners: pins)
        let given = try revocation.map { Array(try Data(contentsOf: URL(fileURLWithPath: "\(directory)/\($0)"))) }
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: "\(directory)/\(file)")))
        return try await Verifier(sources: [], trustedLists: lists, revocation: RevocationSources(given: given)).verify(bytes, name: file)
    }

    func testAValidQualifiedSignature() async throws {
        let report = try await matrixReport("good-bt.p7s", revocation: ["ocsp/good-d300.der"])
        XCTAssertTrue(ClerkReport.text(report, language: .polish).hasPrefix("Podpis kwalifikowany PRAWIDŁOWY"))
        try assertGolden(report, "valid-qualified")
    }

    func testAnExpiredCertificateWithoutProofOfExistence() async throws {
        let report = try await matrixReport("expired-bb.p7s", revocation: ["crl/ca-2019.crl"])
        XCTAssertTrue(ClerkReport.text(report, language: .polish).hasPrefix("NIE MOŻNA USTALIĆ – certyfikat wygasł"))
        try assertGolden(report, "expired-no-proof")
    }
}
