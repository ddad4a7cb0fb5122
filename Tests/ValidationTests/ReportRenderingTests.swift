import Foundation
import Localization
import TestBench
@testable import Validation
import XCTest

/// The report's renderings hold their contracts, checked by independent
/// tools: the ETSI TS 119 102-2 XML against the ETSI schema with xmllint,
/// the `podpis verify --json` output against docs/validation-report.schema.json
/// with python-jsonschema; a broken document fails each, so each check can fail.
final class ReportRenderingTests: XCTestCase {
    static let root = TestBench.repositoryRoot
    static let samples = root.deletingLastPathComponent().appendingPathComponent("shared/conformance/samples/xades")
    static let schemas = root.appendingPathComponent("Tests/ValidationTests/Schemas")
    static let jsonSchema = root.appendingPathComponent("docs/validation-report.schema.json")

    /// Samples with what the ETSI report must say of their first signature.
    static let cases: [(file: String, main: String, sub: String)] = [
        ("pl/Signature-X-PL_UNI-2.xml", "urn:etsi:019102:mainindication:indeterminate", "urn:etsi:019102:subindication:NO_CERTIFICATE_CHAIN_FOUND"),
        ("dss/xsw-enveloping-fake-object.xml", "urn:etsi:019102:mainindication:indeterminate", "urn:etsi:019102:subindication:SIGNED_DATA_NOT_FOUND"),
        ("dss/TEST_S1a_C1a_InTL_VALID.xml", "urn:etsi:019102:mainindication:indeterminate", "urn:etsi:019102:subindication:NO_CERTIFICATE_CHAIN_FOUND"),
        ("dss/xades-tampered-reference.xml", "urn:etsi:019102:mainindication:total-failed", "urn:etsi:019102:subindication:HASH_FAILURE"),
        ("dss/xades-lta-valid.xml", "urn:etsi:019102:mainindication:indeterminate", "urn:etsi:019102:subindication:NO_CERTIFICATE_CHAIN_FOUND"),
    ]

    func verify(_ file: String, sources: [TrustSource] = []) async throws -> ValidationReport {
        let url = Self.samples.appendingPathComponent(file)
        let policy = ValidationPolicy(validationTime: ISO8601DateFormatter().date(from: "2026-12-01T00:00:00Z")!)
        return try await Verifier(policy: policy, sources: sources).verify([UInt8](try Data(contentsOf: url)), name: url.lastPathComponent)
    }

    // MARK: ETSI TS 119 102-2 XML

    /// xmllint against the ETSI schema, offline, the imports mapped by Schemas/catalog.xml.
    func schemaCheck(_ xml: [UInt8]) throws -> (status: Int32, output: String) {
        let directory = try TestBench.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("report.xml")
        try Data(xml).write(to: file)
        let result = try TestBench.runCapturing(
            "xmllint", ["--nonet", "--noout", "--schema", Self.schemas.appendingPathComponent("1910202xmlSchema.xsd").path, file.path],
            environment: ["XML_CATALOG_FILES": Self.schemas.appendingPathComponent("catalog.xml").path])
        return (result.status, result.stderr)
    }

    /// One XPath 1.0 string value of the document (by xmllint, not by our code).
    func value(_ xml: [UInt8], _ xpath: String) throws -> String {
        let directory = try TestBench.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("report.xml")
        try Data(xml).write(to: file)
        let output = try TestBench.run("xmllint", ["--nonet", "--xpath", "string(\(xpath))", file.path])
        return output.hasSuffix("\n") ? String(output.dropLast()) : output  // xmllint ends the result with a newline
    }

    /// `//vr:Name` without namespace prefixes (xmllint's --xpath takes none).
    static func path(_ steps: String...) -> String { steps.map { "/*[local-name()='\($0)']" }.joined() }

    func testTheETSIReportOfEverySampleIsValidAgainstTheTS119102Schema() async throws {
        for sample in Self.cases {
            let xml = try ETSIReport.xml(try await verify(sample.file))
            let check = try schemaCheck(xml)
            XCTAssertEqual(check.status, 0, "\(sample.file): \(check.output)")
            XCTAssertTrue(check.output.contains("validates"), "\(sample.file): \(check.output)")
        }
    }

    func testTheETSIReportStatesEachIndicationAsItsTS119102URI() async throws {
        for sample in Self.cases {
            let report = try await verify(sample.file)
            let xml = try ETSIReport.xml(report)
            let status = "/" + Self.path("ValidationReport", "SignatureValidationReport") + "[1]" + Self.path("SignatureValidationStatus")
            XCTAssertEqual(try value(xml, status + Self.path("MainIndication")), sample.main, sample.file)
            XCTAssertEqual(try value(xml, status + Self.path("SubIndication")), sample.sub, sample.file)
            XCTAssertEqual(try value(xml, "count(//*[local-name()='SignatureValidationReport'])"), "\(report.signatures.count)", sample.file)
            XCTAssertEqual(try value(xml, "/" + Self.path("ValidationReport", "SignatureValidator", "DigitalId", "Other")), "Podpis")
            XCTAssertEqual(
                try value(xml, "//*[local-name()='BestSignatureTime']/*[local-name()='TypeOfProof']"), "urn:etsi:019102:poetype:validation", sample.file)
        }
    }

    func testEveryCertificateOfThePathIsAValidationObjectNamedByItsSHA256() async throws {
        let report = try await verify("pl/Signature-X-PL_UNI-2.xml")
        let signature = try XCTUnwrap(report.signatures.first)
        let signer = try XCTUnwrap(signature.certificateChain.first)
        let xml = try ETSIReport.xml(report)
        let id = "C-" + signer.sha256
        XCTAssertEqual(try value(xml, "//*[local-name()='SignerInformation']/*[local-name()='SignerCertificate']/@VOReference"), id)
        XCTAssertEqual(try value(xml, "//*[local-name()='SignerInformation']/*[local-name()='Signer']"), "Robert Hospodarysko; Unizeto Technologies S.A.")
        XCTAssertEqual(try value(xml, "//*[local-name()='CertificateChain']/*[local-name()='SigningCertificate']/@VOReference"), id)
        let object = "//*[local-name()='ValidationObject'][@id='\(id)']"
        XCTAssertEqual(try value(xml, object + "/*[local-name()='ObjectType']"), "urn:etsi:019102:validationObject:certificate")
        let digest = try XCTUnwrap(Self.bytes(signer.sha256))
        XCTAssertEqual(try value(xml, object + "//*[local-name()='DigestValue']"), Data(digest).base64EncodedString())
        XCTAssertEqual(
            try value(xml, "count(//*[local-name()='ValidationObject'][*[local-name()='ObjectType']='urn:etsi:019102:validationObject:certificate'])"),
            "\(Set(signature.certificateChain.map(\.sha256)).count)")
        // The claimed signing time and the time-stamp (its own status: no anchor for the TSA either).
        XCTAssertEqual(
            try value(xml, "//*[local-name()='SignatureAttributes']/*[local-name()='SigningTime']/*[local-name()='Time']"),
            ClerkReport.time(try XCTUnwrap(signature.claimedSigningTime)))
        XCTAssertEqual(try value(xml, "//*[local-name()='SignatureTimeStamp']/*[local-name()='TimeStampValue']"), "2014-11-28T14:31:55Z")
        let stamp = "//*[local-name()='ValidationObject'][@id='T-1-1']"
        XCTAssertEqual(try value(xml, stamp + "/*[local-name()='ObjectType']"), "urn:etsi:019102:validationObject:timestamp")
        XCTAssertEqual(try value(xml, stamp + "//*[local-name()='MainIndication']"), ETSIReport.uri(try XCTUnwrap(signature.timeStamps.first).indication))
    }

    func testTheSignedDocumentIsNamedByTheDigestOfWhatTheReferenceCovers() async throws {
        let report = try await verify("dss/TEST_S1a_C1a_InTL_VALID.xml")
        let data = try XCTUnwrap(report.signatures.first?.signedData.first { $0.kind == "data" })
        let xml = try ETSIReport.xml(report)
        let signersDocument = "/" + Self.path("ValidationReport", "SignatureValidationReport") + "[1]" + Self.path("SignersDocument")
        XCTAssertEqual(
            try value(xml, signersDocument + "//*[local-name()='DigestValue']"), Data(try XCTUnwrap(Self.bytes(data.sha256 ?? ""))).base64EncodedString())
        XCTAssertEqual(try value(xml, signersDocument + Self.path("SignersDocumentRepresentation") + "/@VOReference"), "D-1-1")
        XCTAssertEqual(
            try value(xml, "//*[local-name()='ValidationObject'][@id='D-1-1']/*[local-name()='ObjectType']"), "urn:etsi:019102:validationObject:signedData")
    }

    func testACounterSignatureIsAReportOfItsOwnNamedByItsParent() async throws {
        let report = try await verify("dss/TEST_S1a_C1a_InTL_VALID.xml")
        XCTAssertEqual(report.signatures.map(\.id), ["XSIG1", "XSIG2"])
        let xml = try ETSIReport.xml(report)
        let first = "/" + Self.path("ValidationReport", "SignatureValidationReport") + "[1]"
        XCTAssertEqual(try value(xml, first + Self.path("SignatureIdentifier", "DAIdentifier")), "XSIG1")
        XCTAssertEqual(try value(xml, first + Self.path("SignatureAttributes", "CounterSignature", "AttributeObject") + "/@VOReference"), "S-2")
        XCTAssertEqual(
            try value(xml, first + Self.path("SignatureAttributes", "CounterSignature", "CounterSignature", "XAdESSignaturePtr") + "/@XPath"),
            "//*[@Id='XSIG2']")
        XCTAssertEqual(try value(xml, "//*[local-name()='SignatureIdentifier'][@id='S-2']/*[local-name()='DAIdentifier']"), "XSIG2")
    }

    func testATrustedPathNamesItsAnchorAsTrustAnchor() async throws {
        // The top certificate of the sample's own path given as the trust anchor (its DER taken out by xmllint).
        let file = "dss/xades-lta-valid.xml"
        let sample = Self.samples.appendingPathComponent(file).path
        let untrusted = try await verify(file)
        let top = try XCTUnwrap(untrusted.signatures.first?.certificateChain.last)
        let count = Int(try TestBench.run("xmllint", ["--nonet", "--xpath", "count(//*[local-name()='X509Certificate' or local-name()='EncapsulatedX509Certificate'])", sample]).filter(\.isNumber)) ?? 0
        let directory = try TestBench.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var anchorFile: String? = nil
        for index in stride(from: 1, through: count, by: 1) {
            let text = try TestBench.run(
                "xmllint", ["--nonet", "--xpath", "string((//*[local-name()='X509Certificate' or local-name()='EncapsulatedX509Certificate'])[\(index)])", sample])
            guard let der = Data(base64Encoded: text.filter { !$0.isWhitespace }) else { continue }
            let hex = try TestBench.run("openssl", ["dgst", "-sha256", "-r"], stdin: der).prefix(64)
            if String(hex) == top.sha256 {
                let url = directory.appendingPathComponent("anchor.der")
                try der.write(to: url)
                anchorFile = url.path
            }
        }
        let anchor = try XCTUnwrap(anchorFile, "the top certificate of the path is not in the sample")
        let report = try await verify(file, sources: [try TrustSource.file(anchor)])
        let signature = try XCTUnwrap(report.signatures.first)
        XCTAssertNotEqual(signature.subIndication, .noCertificateChainFound, signature.reason)
        let anchorCertificate = try XCTUnwrap(signature.certificateChain.first { $0.trustAnchor }, "no anchor in \(signature.certificateChain.map(\.subject))")
        let anchorID = "C-" + anchorCertificate.sha256
        let xml = try ETSIReport.xml(report)
        let check = try schemaCheck(xml)
        XCTAssertEqual(check.status, 0, check.output)
        XCTAssertEqual(try value(xml, "(//*[local-name()='AssociatedValidationReportData'])[1]/*[local-name()='TrustAnchor']/@VOReference"), anchorID)
        if signature.certificateChain.count > 1 {
            XCTAssertEqual(try value(xml, "(//*[local-name()='CertificateChain'])[1]/*[local-name()='TrustAnchor']/@VOReference"), anchorID)
        }
        XCTAssertEqual(
            try value(xml, "count((//*[local-name()='CertificateChain'])[1]/*[local-name()='IntermediateCertificate'])"),
            "\(max(0, signature.certificateChain.count - 2))")
    }

    func testAReportWithoutItsRequiredMainIndicationFailsTheSchema() async throws {
        let xml = try ETSIReport.xml(try await verify("pl/Signature-X-PL_UNI-2.xml"))
        XCTAssertEqual(try schemaCheck(xml).status, 0)
        // Seeded faults: the required MainIndication removed; an element the schema does not know.
        let text = String(decoding: xml, as: UTF8.self)
        let broken = text.replacingOccurrences(
            of: #"<vr:MainIndication>[^<]*</vr:MainIndication>"#, with: "", options: .regularExpression)
        XCTAssertNotEqual(broken, text)
        let check = try schemaCheck(Array(broken.utf8))
        XCTAssertNotEqual(check.status, 0, "a report without MainIndication was accepted")
        XCTAssertTrue(check.output.contains("MainIndication"), check.output)
        let renamed = text.replacingOccurrences(of: "<vr:SignerInformation>", with: "<vr:Signatory>")
            .replacingOccurrences(of: "</vr:SignerInformation>", with: "</vr:Signatory>")
        XCTAssertNotEqual(renamed, text)
        XCTAssertNotEqual(try schemaCheck(Array(renamed.utf8)).status, 0, "an unknown element was accepted")
    }

    func testTextThatXMLCannotCarryIsReplacedAndTheReportStaysValid() async throws {
        var report = try await verify("pl/Signature-X-PL_UNI-2.xml")
        report.signatures[0].signer?.name = "A\u{1}B <&> \u{FFFE}"
        report.signatures[0].id = "id with spaces & 'quotes'"
        let xml = try ETSIReport.xml(report)
        XCTAssertEqual(try schemaCheck(xml).status, 0)
        XCTAssertEqual(try value(xml, "//*[local-name()='Signer']"), "A\u{FFFD}B <&> \u{FFFD}")
        XCTAssertEqual(try value(xml, "//*[local-name()='DAIdentifier']"), "id with spaces & 'quotes'")
    }

    func testAFileWithoutSignatureHasNoETSIReport() async throws {
        let report = try await Verifier(sources: []).verify(Array("<a>no signature</a>".utf8), name: "a.xml")
        XCTAssertTrue(report.signatures.isEmpty)
        XCTAssertThrowsError(try ETSIReport.xml(report)) { error in
            XCTAssertEqual((error as? ValidationError)?.code, "verify-no-signature")
        }
    }

    func testTheIndicationsMapToTheURIsDSSUses() {
        XCTAssertEqual(Indication.allCases.map(ETSIReport.uri), [
            "urn:etsi:019102:mainindication:total-passed", "urn:etsi:019102:mainindication:indeterminate",
            "urn:etsi:019102:mainindication:total-failed",
        ])
        XCTAssertEqual(ETSIReport.uri(SubIndication.hashFailure), "urn:etsi:019102:subindication:HASH_FAILURE")
        XCTAssertEqual(ETSIReport.uri(SubIndication.revokedCANoPOE), "urn:etsi:019102:subindication:REVOKED_CA_NO_POE")
        XCTAssertEqual(ETSIReport.qualityURI("QESig"), "urn:cef:dss:signatureQualification:QESig")
        XCTAssertEqual(ETSIReport.qualityURI("Indeterminate AdESeal-QC"), "urn:cef:dss:signatureQualification:indeterminateAdESealQC")
        XCTAssertNil(ETSIReport.qualityURI("something else"))
    }

    // MARK: podpis.verify/1 JSON

    /// The report as `podpis verify --json` encodes it (JSONEncoder.podpis: sorted keys, ISO 8601 dates).
    static func json(_ report: ValidationReport) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return try encoder.encode(JSONReport(report))
    }

    /// python-jsonschema (the bench's .testbed/py-api, from testbed/install-deps.sh) on one document.
    func jsonSchemaCheck(_ json: Data) throws -> (status: Int32, output: String) {
        let pythonPath = ProcessInfo.processInfo.environment["PODPIS_API_PYDIR"] ?? Self.root.appendingPathComponent(".testbed/py-api").path
        guard FileManager.default.fileExists(atPath: pythonPath + "/jsonschema") else {
            throw XCTSkip("python jsonschema not installed in \(pythonPath): run bash testbed/install-deps.sh")
        }
        let directory = try TestBench.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("report.json")
        try json.write(to: file)
        let script = """
            import json, sys, jsonschema
            schema = json.load(open(sys.argv[1])); document = json.load(open(sys.argv[2]))
            jsonschema.Draft202012Validator.check_schema(schema)
            errors = list(jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).iter_errors(document))
            for error in errors: print(error.json_path, error.message)
            sys.exit(1 if errors else 0)
            """
        let result = try TestBench.runCapturing(
            "/usr/bin/python3", ["-c", script, Self.jsonSchema.path, file.path], environment: ["PYTHONPATH": pythonPath])
        return (result.status, result.stdout + result.stderr)
    }

    func testTheJSONOfEverySampleIsValidAgainstItsSchema() async throws {
        for sample in Self.cases {
            let report = try await verify(sample.file)
            let json = try Self.json(report)
            let check = try jsonSchemaCheck(json)
            XCTAssertEqual(check.status, 0, "\(sample.file): \(check.output)")
            let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: json) as? [String: Any])
            XCTAssertEqual(object["schema"] as? String, "podpis.verify/1")
            XCTAssertEqual(object["indication"] as? String, report.indication?.rawValue)
            XCTAssertEqual((object["signatures"] as? [Any])?.count, report.signatures.count)
        }
    }

    func testAReportWithAnIndicationTheSchemaDoesNotKnowFailsIt() async throws {
        let json = try Self.json(try await verify("dss/xades-tampered-reference.xml"))
        XCTAssertEqual(try jsonSchemaCheck(json).status, 0)
        var object = try XCTUnwrap(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        var signatures = try XCTUnwrap(object["signatures"] as? [[String: Any]])
        signatures[0]["subIndication"] = "DOCUMENT_CHANGED"
        object["signatures"] = signatures
        let check = try jsonSchemaCheck(try JSONSerialization.data(withJSONObject: object))
        XCTAssertNotEqual(check.status, 0, "an unknown sub-indication was accepted")
        XCTAssertTrue(check.output.contains("DOCUMENT_CHANGED"), check.output)
        object["schema"] = nil
        object["indication"] = "PASSED"
        XCTAssertNotEqual(try jsonSchemaCheck(try JSONSerialization.data(withJSONObject: object)).status, 0)
    }

    func testTheSchemaEnumeratesExactlyTheIndicationsOfTheCode() throws {
        let schema = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: Self.jsonSchema)) as? [String: Any])
        let definitions = try XCTUnwrap(schema["$defs"] as? [String: Any])
        XCTAssertEqual((definitions["indication"] as? [String: Any])?["enum"] as? [String], Indication.allCases.map(\.rawValue))
        XCTAssertEqual((definitions["subIndication"] as? [String: Any])?["enum"] as? [String], SubIndication.allCases.map(\.rawValue))
    }

    // MARK: The clerk's sentences

    func testEveryIndicationAndSubIndicationHasAPolishAndAnEnglishSentence() {
        let keys = Indication.allCases.map(\.rawValue) + SubIndication.allCases.map(\.rawValue)
        for key in keys {
            for language in [Language.polish, .english] {
                let sentence = messages.text(key).text(in: language)
                XCTAssertNotEqual(sentence, key, "\(key) has no \(language) sentence")
                XCTAssertFalse(sentence.isEmpty, "\(key) (\(language))")
            }
            XCTAssertNotEqual(messages.text(key).text(in: .polish), messages.text(key).text(in: .english), "\(key): the Polish is the English")
        }
        XCTAssertEqual(ETSIReportErrorKind.kindsWithoutSentence, [])
    }

    static func bytes(_ hex: String) -> [UInt8]? { ETSIReportBuilder.bytes(hex) }
}
