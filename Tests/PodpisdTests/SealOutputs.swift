import Foundation
import TestBench
import XCTest

/// What a run of `podpis seal` (or a hot folder) leaves, checked the same way
/// by every sealing test: each seal verified over its document by a tool that
/// is not ours, and the seal journal and the audit trail read back.
enum SealOutputs {
    /// What a run left in `dir`, sorted, without its hidden files (the
    /// journal, the batch record).
    static func names(in dir: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
    }

    /// Verifies a seal over its document: a `.p7s` (CAdES detached) with
    /// openssl over `document`, anything else (XAdES enveloped, the document
    /// inside) with xmlsec1; both trust the test PKI.
    static func verify(_ output: URL, document: URL, file: StaticString = #filePath, line: UInt = #line) throws {
        let verify = output.pathExtension == "p7s"
            ? try OpenSSL.verifyDetachedCMS(output.path, content: document.path)
            : try TestBench.runCapturing("xmlsec1", [
                "--verify", "--trusted-pem", try TestBench.pki("root.pem"), "--untrusted-pem", try TestBench.pki("ca.pem"),
                "--enabled-key-data", "x509", "--id-attr:Id", "http://uri.etsi.org/01903/v1.3.2#:SignedProperties", output.path,
            ])
        XCTAssertEqual(verify.status, 0, "\(output.lastPathComponent): \(verify.stderr)", file: file, line: line)
    }

    /// Verifies each seal of `names` in `out` over its document in `input`
    /// (the seal's name less its last extension: `a.xml.xades` is of `a.xml`).
    static func verifyEach(_ names: [String], in out: URL, over input: URL, file: StaticString = #filePath, line: UInt = #line) throws {
        for name in names {
            let seal = out.appendingPathComponent(name)
            try verify(seal, document: input.appendingPathComponent(seal.deletingPathExtension().lastPathComponent), file: file, line: line)
        }
    }

    /// The batch that `podpis seal` through podpisd recorded in its output folder `out`.
    static func batch(of out: URL, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let record = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent(".podpis-batch.json"))) as? [String: Any]
        return try XCTUnwrap(record?["batch"] as? String, file: file, line: line)
    }

    /// The sealed lines of a seal journal: name → SHA-256, failing on a name sealed twice.
    static func journaled(_ path: String, file: StaticString = #filePath, line: UInt = #line) throws -> [String: String] {
        var sealed: [String: String] = [:]
        for text in try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n") {
            let entry = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], file: file, line: line)
            guard entry["state"] as? String == "sealed", let name = entry["name"] as? String else { continue }
            XCTAssertNil(sealed[name], "\(name) journaled twice", file: file, line: line)
            sealed[name] = entry["sha256"] as? String
        }
        return sealed
    }

    /// The documents of an audit trail (`podpis audit verify` must pass on it
    /// first): name → SHA-256, failing on an entry that is not `signed`, on
    /// one not of request `requestID` when that is given, and on a document
    /// sealed twice.
    static func audited(
        _ path: String, requestID: String? = nil, file: StaticString = #filePath, line: UInt = #line
    ) throws -> [String: String] {
        let verifyTrail = try TestBench.runCapturing(SealingTests.podpis, ["audit", "verify", "--file", path])
        XCTAssertEqual(verifyTrail.status, 0, verifyTrail.stdout + verifyTrail.stderr, file: file, line: line)
        var audited: [String: String] = [:]
        for text in try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n") {
            let entry = try XCTUnwrap(
                (try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])?["entry"] as? [String: Any], file: file, line: line)
            XCTAssertEqual(entry["result"] as? String, "signed", file: file, line: line)
            if let requestID { XCTAssertEqual(entry["requestId"] as? String, requestID, file: file, line: line) }
            for document in entry["documents"] as? [[String: Any]] ?? [] {
                let name = try XCTUnwrap(document["name"] as? String, file: file, line: line)
                XCTAssertNil(audited[name], "\(name) sealed twice by the audit trail", file: file, line: line)
                audited[name] = document["sha256"] as? String
            }
        }
        return audited
    }

    /// The SHA-256s of (the first 20) journaled documents are those openssl
    /// computes over the documents in `input`.
    static func assertDigests(_ journaled: [String: String], of input: URL, file: StaticString = #filePath, line: UInt = #line) throws {
        for (name, sha) in journaled.prefix(20) {
            let data = try Data(contentsOf: input.appendingPathComponent(name))
            XCTAssertEqual(sha, try OpenSSL.hexDigest("sha256", data), name, file: file, line: line)
        }
    }
}
