import Files
import Foundation
import PKCS11
import Signing
import SigningFixtures
import TestBench
import XAdES
import XCTest

/// XAdES B-B with every key kind in every packaging, judged by xmlsec1,
/// signxml and the ETSI schemas; tampering caught by each of them.
final class XAdESSigningTests: XAdESTestCase {
    /// What one output is and which verifiers apply to it.
    struct Output {
        let label: String
        let path: String
        /// The XPath filter transform: signxml does not implement it.
        let xpath: Bool
        /// XPointer URIs (comments signed): signxml does not implement them either.
        var xpointer = false
    }

    /// Signs the sample XML and two files in every packaging with `signer`.
    func signEveryPackaging(_ signer: Signer, prefix: String, options base: XAdESOptions = XAdESOptions()) async throws -> [Output] {
        let xml = try XAdESFixtures.write(XAdESFixtures.sampleXML, dir, "\(prefix)-wniosek.xml")
        let pdf = try XAdESFixtures.binary(dir, "umowa końcowa.pdf")
        let txt = try XAdESFixtures.binary(dir, "aneks.txt", size: 3000)
        var outputs: [Output] = []
        var options = base
        let comments = base.referenceCanonicalization.withComments

        options.packaging = .enveloped
        options.envelopedTransform = .parallel
        outputs.append(Output(label: "enveloped, XPath", path: try XAdESFixtures.write(
            try await XAdES.signEnveloped(parse(xml), signer: signer, options: options), dir, "\(prefix).enveloped-xpath.xml"), xpath: true))
        options.envelopedTransform = .envelopedSignature
        outputs.append(Output(label: "enveloped, enveloped-signature", path: try XAdESFixtures.write(
            try await XAdES.signEnveloped(parse(xml), signer: signer, options: options), dir, "\(prefix).enveloped.xml"), xpath: false, xpointer: comments))
        options.packaging = .enveloping
        outputs.append(Output(label: "enveloping XML", path: try XAdESFixtures.write(
            try await XAdES.signEnveloping(xml: parse(xml), signer: signer, options: options), dir, "\(prefix).enveloping-xml.xades"), xpath: false, xpointer: comments))
        outputs.append(Output(label: "enveloping base64", path: try XAdESFixtures.write(
            try await XAdES.signEnveloping(file: .init(path: pdf), signer: signer, options: options), dir, "\(prefix).enveloping-pdf.xades"), xpath: false))
        options.packaging = .detached
        outputs.append(Output(label: "detached, two files", path: try XAdESFixtures.write(
            try await XAdES.signDetached([.init(path: pdf), .init(path: txt)], signer: signer, options: options), dir, "\(prefix).detached.xades"), xpath: false))
        return outputs
    }

    func assertVerifies(_ output: Output, pss: Bool, _ context: String, file: StaticString = #filePath, line: UInt = #line) throws {
        if !pss {  // xmlsec1 1.2.37 has no RSA-PSS
            let x = try XAdESFixtures.xmlsec1(output.path)
            XCTAssertTrue(x.ok, "xmlsec1, \(context), \(output.label): \(x.output)", file: file, line: line)
        }
        let schema = try XAdESCheck.schema(URL(fileURLWithPath: output.path))
        XCTAssertTrue(schema.ok, "schema, \(context), \(output.label): \(schema.json)", file: file, line: line)
        let s = try XAdESFixtures.signxml(output.path)
        if output.xpath || output.xpointer {
            XCTAssertFalse(s.ok)
            XCTAssertEqual(s.json["unsupported"] as? Bool, true, "signxml, \(context), \(output.label): \(s.json)", file: file, line: line)
        } else {
            XCTAssertTrue(s.ok, "signxml, \(context), \(output.label): \(s.json)", file: file, line: line)
        }
    }

    func testEveryKeyKindInEveryPackagingPassesEveryVerifier() async throws {
        for kind in try TokenSigners.kinds() {
            let counter = TokenSigners.Counter()
            let signer = try TokenSigners.signer(kind, module: module, counter: counter)
            let outputs = try await signEveryPackaging(signer, prefix: kind.certificate)
            XCTAssertEqual(outputs.count, 5)
            for output in outputs { try assertVerifies(output, pss: kind.pss, kind.name) }
            // One C_Sign per signature; the always-authenticate key asked a PIN for each.
            XCTAssertEqual(counter.signs, 5, kind.name)
            XCTAssertEqual(counter.pins, kind.certificate == "person-rsa" ? 5 : 0, kind.name)

            let info = try XAdESCheck.info(URL(fileURLWithPath: outputs[4].path)).json
            let signature = try XCTUnwrap((info["signatures"] as? [[String: Any]])?.first)
            let method = try XCTUnwrap(signature["signature_method"] as? String)
            switch signer.algorithm {
            case .rsaPSS: XCTAssertEqual(method, "http://www.w3.org/2007/05/xmldsig-more#sha256-rsa-MGF1")
            case .ecdsa: XCTAssertEqual(method, "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256")
            case .rsaPKCS1v15: XCTAssertEqual(method, "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256")
            }
            // Detached references are the file names, percent-encoded.
            let uris = (signature["references"] as? [[String: Any]])?.compactMap { $0["uri"] as? String }
            XCTAssertEqual(uris?.prefix(2), ["umowa%20ko%C5%84cowa.pdf", "aneks.txt"])
        }
    }

    func testEveryCanonicalizationAndDigestVerifies() async throws {
        let kind = try TokenSigners.kinds()[0]  // the RSA seal
        let signer384 = try TokenSigners.signer(kind, module: module, digest: .sha384)
        for method in Canonicalization.allCases {
            let options = XAdESOptions(
                digest: method == .exclusive ? .sha512 : .sha256,
                signedInfoCanonicalization: method, referenceCanonicalization: method)
            let signer = method == .inclusive ? signer384 : try TokenSigners.signer(kind, module: module)
            for output in try await signEveryPackaging(signer, prefix: method.rawValue, options: options) {
                try assertVerifies(output, pss: false, method.rawValue)
                let info = try XAdESCheck.info(URL(fileURLWithPath: output.path)).json
                let signature = try XCTUnwrap((info["signatures"] as? [[String: Any]])?.first)
                XCTAssertEqual(signature["canonicalization_method"] as? String, method.uri)
                // Comments are signed only through XPointer URIs (XML-DSig §4.4.3.3).
                let uri = (signature["references"] as? [[String: Any]])?.first?["uri"] as? String ?? ""
                if output.label.hasPrefix("enveloped") && !output.xpath || output.label == "enveloping XML" {
                    XCTAssertEqual(uri.hasPrefix("#xpointer("), method.withComments, "\(output.label): \(uri)")
                }
            }
        }
    }

    func testAOneByteChangeOfTheDocumentOrOfASignedPropertyFailsEveryVerifier() async throws {
        let signer = try TokenSigners.signer(try TokenSigners.kinds()[0], module: module)
        let outputs = try await signEveryPackaging(signer, prefix: "t")
        let enveloped = outputs[1].path, detached = outputs[4].path

        // The signed document: one letter of the clerk's text.
        let changedDocument = dir.appendingPathComponent("changed-document.xml").path
        try FileManager.default.copyItem(atPath: enveloped, toPath: changedDocument)
        try XAdESFixtures.tamper(changedDocument, "zaświadczenia", "zaświadczenib")
        XCTAssertFalse(try XAdESFixtures.xmlsec1(changedDocument).ok)
        XCTAssertFalse(try XAdESFixtures.signxml(changedDocument).ok)

        // A signed property: one byte of SigningTime ('T' → 't' also breaks xsd:dateTime).
        let changedProperty = dir.appendingPathComponent("changed-property.xml").path
        try FileManager.default.copyItem(atPath: enveloped, toPath: changedProperty)
        let signingTime = try XCTUnwrap(String(contentsOfFile: enveloped, encoding: .utf8).firstMatch(of: /<xades:SigningTime>([0-9-]+)T/))
        try XAdESFixtures.tamper(changedProperty, "\(signingTime.1)T", "\(signingTime.1)t")
        XCTAssertFalse(try XAdESFixtures.xmlsec1(changedProperty).ok)
        XCTAssertFalse(try XAdESFixtures.signxml(changedProperty).ok)
        XCTAssertFalse(try XAdESCheck.schema(URL(fileURLWithPath: changedProperty)).ok)

        // A detached file: one byte.
        let pdf = dir.appendingPathComponent("umowa końcowa.pdf")
        var bytes = [UInt8](try Data(contentsOf: pdf))
        bytes[1234] ^= 0x01
        try Data(bytes).write(to: pdf)
        XCTAssertFalse(try XAdESFixtures.xmlsec1(detached).ok)
        XCTAssertFalse(try XAdESFixtures.signxml(detached).ok)
    }

    func testSignedPropertiesSayWhatWasAsked() async throws {
        let kind = try TokenSigners.kinds()[0]
        let signer = try TokenSigners.signer(kind, module: module)
        let policyHash = [UInt8](repeating: 0xAB, count: 32)
        let options = XAdESOptions(
            commitment: .proofOfApproval, claimedRole: "Kierownik Referatu & Spraw <Obywatelskich>",
            policy: SignaturePolicy(id: [2, 999, 1, 2, 3], hashAlgorithm: .sha256, hash: policyHash),
            policyURI: "https://example.gov.pl/polityka.pdf", signingCertificate: .v1, envelopedTransform: .envelopedSignature)
        let xml = try XAdESFixtures.write(XAdESFixtures.sampleXML, dir, "w.xml")
        let started = Date()
        let path = try XAdESFixtures.write(try await XAdES.signEnveloped(parse(xml), signer: signer, options: options), dir, "w.signed.xml")
        try assertVerifies(Output(label: "EPES", path: path, xpath: false), pss: false, "properties")

        let info = try XAdESCheck.info(URL(fileURLWithPath: path)).json
        let signature = try XCTUnwrap((info["signatures"] as? [[String: Any]])?.first)
        XCTAssertEqual(signature["signed_signature_properties"] as? [String],
                       ["SigningTime", "SigningCertificate", "SignaturePolicyIdentifier", "SignerRoleV2"])
        XCTAssertEqual(signature["signed_data_object_properties"] as? [String], ["DataObjectFormat", "CommitmentTypeIndication"])
        XCTAssertEqual(signature["commitment_types"] as? [String], ["http://uri.etsi.org/01903/v1.2.2#ProofOfApproval"])
        XCTAssertEqual((signature["data_object_formats"] as? [[String: Any]])?.first?["mime_type"] as? String, "text/xml")
        let time = try XCTUnwrap(ISO8601DateFormatter().date(from: try XCTUnwrap(signature["signing_time"] as? String)))
        XCTAssertLessThan(abs(time.timeIntervalSince(started)), 120)

        // Values checked against openssl's view of the certificate.
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let certificateDER = try TokenSigners.der(of: TestBench.pki("seal.pem"))
        let digest = Data(try OpenSSL.digest("sha256", Data(certificateDER))).base64EncodedString()
        XCTAssertTrue(text.contains("<xades:CertDigest><ds:DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"/><ds:DigestValue>\(digest)</ds:DigestValue>"))
        let serialHex = try TestBench.run("openssl", ["x509", "-in", TestBench.pki("seal.pem"), "-noout", "-serial"])
            .trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "serial=", with: "")
        let serialDecimal = try TestBench.run("/usr/bin/python3", ["-c", "print(int('\(serialHex)', 16))"]).trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertTrue(text.contains("<ds:X509SerialNumber>\(serialDecimal)</ds:X509SerialNumber>"), serialDecimal)
        XCTAssertTrue(text.contains("<xades:ClaimedRole>Kierownik Referatu &amp; Spraw &lt;Obywatelskich&gt;</xades:ClaimedRole>"))
        XCTAssertTrue(text.contains("<xades:Identifier Qualifier=\"OIDAsURN\">urn:oid:2.999.1.2.3</xades:Identifier>"), text)
        XCTAssertTrue(text.contains(Data(policyHash).base64EncodedString()))

        // Both signing-certificate properties at once (schema-valid; signxml wants exactly one).
        var both = options
        both.signingCertificate = .both
        let bothPath = try XAdESFixtures.write(try await XAdES.signEnveloped(parse(xml), signer: signer, options: both), dir, "w.both.xml")
        XCTAssertTrue(try XAdESFixtures.xmlsec1(bothPath).ok)
        XCTAssertTrue(try XAdESCheck.schema(URL(fileURLWithPath: bothPath)).ok)
        let bothInfo = try XCTUnwrap((try XAdESCheck.info(URL(fileURLWithPath: bothPath)).json["signatures"] as? [[String: Any]])?.first)
        XCTAssertEqual(bothInfo["signed_signature_properties"] as? [String],
                       ["SigningTime", "SigningCertificate", "SigningCertificateV2", "SignaturePolicyIdentifier", "SignerRoleV2"])
        let bothText = try String(contentsOfFile: bothPath, encoding: .utf8)
        // IssuerSerialV2 is DER that openssl reads: the issuer's CN and the serial.
        let issuerSerial = try XCTUnwrap(bothText.firstMatch(of: /<xades:IssuerSerialV2>([^<]+)</)).1
        let der = try XAdESFixtures.write([UInt8](try XCTUnwrap(Data(base64Encoded: String(issuerSerial)))), dir, "is.der")
        let parsed = try TestBench.run("openssl", ["asn1parse", "-inform", "DER", "-in", der])
        XCTAssertTrue(parsed.contains("Podpis Test Qualified CA"), parsed)
        XCTAssertTrue(parsed.uppercased().contains(serialHex.uppercased()), parsed)
    }

    /// Older Polish systems still write windows-1250 (with a declaration):
    /// the signed document keeps its encoding and verifies.
    func testAWindows1250DocumentIsSignedInItsOwnEncoding() async throws {
        let signer = try TokenSigners.signer(try TokenSigners.kinds()[0], module: module)
        // "Zażółć gęślą jaźń" in windows-1250.
        let bytes: [UInt8] = Array("<?xml version=\"1.0\" encoding=\"windows-1250\"?>\n<pismo><tresc>Za".utf8)
            + [0xBF, 0xF3, 0xB3, 0xE6, 0x20, 0x67, 0xEA, 0x9C, 0x6C, 0xB9, 0x20, 0x6A, 0x61, 0x9F, 0xF1]
            + Array("</tresc></pismo>\n".utf8)
        let path = try XAdESFixtures.write(bytes, dir, "pismo.xml")
        for transform in XAdESOptions.EnvelopedTransform.allCases {
            let signed = try await XAdES.signEnveloped(parse(path), signer: signer, options: XAdESOptions(envelopedTransform: transform))
            let out = try XAdESFixtures.write(signed, dir, "pismo.\(transform.rawValue).xml")
            XCTAssertTrue(String(decoding: signed.prefix(60), as: UTF8.self).lowercased().contains("windows-1250"))
            XCTAssertTrue(signed.contains(0xBF), "the text stays in windows-1250")
            let result = try XAdESFixtures.xmlsec1(out)
            XCTAssertTrue(result.ok, "\(transform): \(result.output)")
            if transform == .envelopedSignature {
                XCTAssertTrue(try XAdESFixtures.signxml(out).ok)
            }
        }
    }
}
