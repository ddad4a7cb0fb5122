import Foundation
import TestBench
import TrustedLists
import X509
import XAdES
import XCTest

/// The real lists of ../shared/conformance/tsl, the Certum sample, and a
/// signature checker backed by xmlsec1 (not our code).
enum TrustedListFixtures {
    static let directory = TestBench.repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/conformance/tsl")
    static let lotl2023 = "EU-LOTL-seq332-2023-09-27.xml"
    static let lotlBroken = "EU-LOTL-seq248-broken-sig.xml"
    static let pl2023 = "PL-TSL-seq139-2023-09-19.xml"
    static let pl2019 = "PL-TSL-seq110-2019-08-26.xml"

    static func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    static func bytes(_ name: String) throws -> [UInt8] {
        guard FileManager.default.fileExists(atPath: path(name)) else { throw XCTSkip("no conformance list \(name)") }
        return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path(name))))
    }

    static func list(_ name: String) throws -> TrustedList {
        try TrustedList.parse(bytes: bytes(name), name: path(name))
    }

    /// 2014-12-02T12:00:00Z: when the Certum sample was signed.
    static let certumSigningTime = Date(timeIntervalSince1970: 1_417_521_600)

    /// The signer's certificate of the Certum CAdES sample (issued by CERTUM QCA in
    /// January 2014, RSA 1024: swift-certificates will not read it whole).
    static func certumSigner() throws -> IssuedCertificate {
        let sample = TestBench.repositoryRoot.deletingLastPathComponent()
            .appendingPathComponent("shared/conformance/samples/cades/pl/Signature-C-PL_UNI-1.p7m").path
        guard FileManager.default.fileExists(atPath: sample) else { throw XCTSkip("no Certum sample") }
        let directory = try TestBench.temporaryDirectory()
        let pem = directory.appendingPathComponent("certum.pem").path, der = directory.appendingPathComponent("certum.der").path
        try TestBench.run("openssl", ["pkcs7", "-inform", "DER", "-in", sample, "-print_certs", "-out", pem])
        try TestBench.run("openssl", ["x509", "-in", pem, "-outform", "DER", "-out", der])
        return try IssuedCertificate(derEncoded: [UInt8](try Data(contentsOf: URL(fileURLWithPath: der))))
    }
}

/// Verifies a list's signature with `xmlsec1 --verify --insecure --enabled-key-data x509`
/// on the file the list was read from (its name is its path), then returns
/// the certificate in ds:KeyInfo: who signed, not whether to trust them
/// (TrustedListSet decides that). `--insecure` skips xmlsec1's own chain
/// check only; the signature value and every reference digest are checked.
struct XmlsecSignatureChecker: TrustedListSignatureChecker {
    struct Failed: Error, CustomStringConvertible { let description: String }

    func signer(of document: XMLDocument, name: String) throws -> [UInt8] {
        let result = try TestBench.runCapturing("xmlsec1", [
            "--verify", "--insecure", "--enabled-key-data", "x509",
            "--id-attr:Id", "http://uri.etsi.org/01903/v1.3.2#:SignedProperties", name,
        ])
        guard result.status == 0 else {
            throw Failed(description: "xmlsec1: " + (result.stderr.split(separator: "\n").last.map(String.init) ?? "status \(result.status)"))
        }
        let dsig = "http://www.w3.org/2000/09/xmldsig#"
        guard let base64 = document.rootElement?.firstChild(named: "Signature", in: dsig)?
            .firstChild(named: "KeyInfo", in: dsig)?.firstChild(named: "X509Data", in: dsig)?
            .firstChild(named: "X509Certificate", in: dsig)?.text,
            let der = Data(base64Encoded: base64.filter { !$0.isWhitespace })
        else { throw Failed(description: "no ds:KeyInfo certificate") }
        return [UInt8](der)
    }
}
