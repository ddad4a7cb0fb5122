import Foundation
import PKCS11
import Signing
import SigningFixtures
import TestBench
import XAdES
import XCTest

/// The independent judges of XAdES output: xmlsec1 (libxmlsec, trusting the
/// test root), signxml and the ETSI schemas (Tests/Tools/xades_check.py).
enum XAdESFixtures {
    /// `xmlsec1 --verify` of the signature with Id `id` (default: the first),
    /// trusting only the test root (`insecure`: no certificate check, for
    /// other producers' samples whose certificates have expired).
    static func xmlsec1(_ file: String, id: String? = nil, insecure: Bool = false) throws -> (ok: Bool, output: String) {
        var args = ["--verify", "--enabled-key-data", "x509",
                    "--id-attr:Id", "http://uri.etsi.org/01903/v1.3.2#:SignedProperties",
                    "--id-attr:Id", "http://www.w3.org/2000/09/xmldsig#:Object"]
        if insecure {
            args.append("--insecure")
        } else {
            args += ["--trusted-pem", try TestBench.pki("root.pem"), "--untrusted-pem", try TestBench.pki("ca.pem")]
        }
        if let id { args += ["--id-attr:Id", "Signature", "--node-id", id] }
        args.append(file)
        // Detached references are file names relative to the working directory.
        let result = try TestBench.runCapturing("/bin/sh", ["-c", "cd \"$(dirname \"$0\")\" && exec xmlsec1 \"$@\"", file] + args)
        let output = result.stdout + result.stderr
        return (result.status == 0 && output.hasPrefix("OK"), output)
    }

    /// signxml's XAdES verifier trusting the test root, with the qualified CA as intermediate.
    static func signxml(_ file: String) throws -> (ok: Bool, json: [String: Any]) {
        try XAdESCheck.signxml(URL(fileURLWithPath: file), intermediates: [try TestBench.pki("ca.pem")])
    }

    /// A small XML document with what canonicalization must get right: a
    /// default namespace, a prefixed one, attributes to sort, a comment,
    /// an entity reference, Polish letters and white space between elements.
    static let sampleXML = """
        <?xml version="1.0" encoding="UTF-8"?>
        <wniosek xmlns="urn:podpis:test:wniosek" xmlns:adr="urn:podpis:test:adres" wersja="2" data='2026-11-23'>
          <!-- wygenerowano w EZD -->
          <wnioskodawca pesel="80010112345">Jan Kowalski &amp; Syn — Łódź</wnioskodawca>
          <adr:adres><adr:miejscowosc>Żółw</adr:miejscowosc></adr:adres>
          <tresc>Proszę o wydanie zaświadczenia.</tresc>
        </wniosek>

        """

    static func write(_ text: String, _ dir: URL, _ name: String) throws -> String {
        let url = dir.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    static func write(_ bytes: [UInt8], _ dir: URL, _ name: String) throws -> String {
        let url = dir.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    /// A file with `size` bytes of a fixed pattern.
    static func binary(_ dir: URL, _ name: String, size: Int = 20_000) throws -> String {
        var bytes = [UInt8](repeating: 0, count: size)
        for i in bytes.indices { bytes[i] = UInt8(truncatingIfNeeded: i &* 37 &+ 11) }
        return try write(bytes, dir, name)
    }

    /// Replaces the first occurrence of `old` by `new` in a file (a one-byte change when they differ by one byte).
    static func tamper(_ path: String, _ old: String, _ new: String) throws {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        guard let range = text.range(of: old) else { throw TestBench.NotUp(description: "\(old) not in \(path)") }
        try Data(text.replacingCharacters(in: range, with: new).utf8).write(to: URL(fileURLWithPath: path))
    }

    static var samples: URL {
        TestBench.repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/conformance/samples/xades")
    }
}

/// Each XAdES test gets a scratch directory and a fresh SoftHSM module.
class XAdESTestCase: SigningTestCase {
    func parse(_ path: String) throws -> XMLDocument {
        try XMLDocument.parse(file: .init(path: path))
    }
}
