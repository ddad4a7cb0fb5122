import Foundation
import PKCS11
import SignatureAlgorithms
import Files
import Signatures
import Signing
import XAdES
import SigningFixtures
import TestBench
import XCTest

/// The one signature maker on the bench's ECDSA key, every form, each
/// result judged by another tool: `openssl cms -verify` for CAdES (with the
/// document for detached ones), `xmlsec1 --verify` for XAdES. A document
/// given by its digest alone gets a detached signature, never an attached
/// one that would claim content it never saw.
final class SignatureMakerTests: SigningTestCase {
    let text = Array("<zaswiadczenie nr=\"17\">Zaświadcza się, że…</zaswiadczenie>\n".utf8)

    func signer() throws -> Signer {
        let ecdsa = try XCTUnwrap(try TokenSigners.kinds().first { $0.name == "ECDSA" })
        return try TokenSigners.signer(ecdsa, module: module)
    }

    func write(_ bytes: [UInt8], _ name: String) throws -> String {
        let path = dir.appendingPathComponent(name).path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    func openssl(_ signature: String, content: String?) throws -> (ok: Bool, output: String, embedded: Data?) {
        let out = dir.appendingPathComponent("out-\(UUID().uuidString)").path
        var args = ["cms", "-verify", "-binary", "-inform", "DER", "-in", signature, "-out", out, "-purpose", "any", "-CAfile", try TestBench.pki("chain.pem")]
        if let content { args += ["-content", content] }
        let result = try TestBench.runCapturing("openssl", args)
        return (result.status == 0 && result.stderr.contains("Verification successful"), result.stdout + result.stderr, FileManager.default.contents(atPath: out))
    }

    func xmlsec1(_ file: String) throws -> (ok: Bool, output: String) {
        let args = ["--verify", "--enabled-key-data", "x509", "--id-attr:Id", "http://uri.etsi.org/01903/v1.3.2#:SignedProperties",
                    "--id-attr:Id", "http://www.w3.org/2000/09/xmldsig#:Object",
                    "--trusted-pem", try TestBench.pki("root.pem"), "--untrusted-pem", try TestBench.pki("ca.pem"), file]
        let result = try TestBench.runCapturing("/bin/sh", ["-c", "cd \"$(dirname \"$0\")\" && exec xmlsec1 \"$@\"", file] + args)
        let output = result.stdout + result.stderr
        return (result.status == 0 && output.hasPrefix("OK"), output)
    }

    func testEveryFormIsMadeAndAnotherToolAgrees() async throws {
        let signer = try signer()
        let maker = SignatureMaker(level: .bb, digest: .sha256)
        let documentPath = try write(text, "zaswiadczenie.xml")
        for form in SignatureForm.allCases {
            for content in [SignatureMaker.Document.Content.bytes(text), .file(InputFile(path: documentPath))] {
                let bytes = try await maker.sign(.init(name: "zaswiadczenie.xml", content: content), as: form, signer: signer)
                let output = try write(bytes, form.outputName(for: "zaswiadczenie.xml"))
                if form.isXAdES {
                    let verdict = try xmlsec1(output)
                    XCTAssertTrue(verdict.ok, "\(form) \(content): \(verdict.output)")
                    let xml = String(decoding: bytes, as: UTF8.self)
                    XCTAssertEqual(xml.contains("Zaświadcza się"), form != .xadesDetached, "\(form): the document inside or not")
                } else {
                    let verdict = try openssl(output, content: form == .cadesDetached ? documentPath : nil)
                    XCTAssertTrue(verdict.ok, "\(form): \(verdict.output)")
                    if form == .cadesAttached { XCTAssertEqual(verdict.embedded.map { [UInt8]($0) }, text, "the content inside is the document") }
                }
            }
        }
    }

    func testADigestAloneIsSignedDetachedWhateverTheFormAsks() async throws {
        let signer = try signer()
        let maker = SignatureMaker(level: .bb, digest: .sha256)
        let documentPath = try write(text, "dokument.pdf")
        let document = SignatureMaker.Document(name: "dokument.pdf", content: .digest(HashAlgorithm.sha256.digest(text)))
        let attached = try write(try await maker.sign(document, as: .cadesAttached, signer: signer), "dokument.pdf.p7s")
        XCTAssertFalse(try openssl(attached, content: nil).ok, "no content inside to verify alone")
        XCTAssertTrue(try openssl(attached, content: documentPath).ok, "a detached signature of the document")
        do {
            _ = try await maker.sign(document, as: .xadesEnveloped, signer: signer)
            XCTFail("an enveloped signature needs the document")
        } catch let error as XMLInputError {
            XCTAssertEqual(error.code, "xml-not-xml")
        }
    }
}
