import Foundation

/// Checks of XAdES signatures by tools that are not ours: python signxml
/// (`signxml.xades.XAdESVerifier`), xmllint with the ETSI XAdES schemas of the
/// shared conformance corpus, and lxml for structure and the time-stamp input.
/// All of them run through `Tests/Tools/xades_check.py` with the packages that
/// `testbed/install-deps.sh` puts in `PODPIS_XADES_PYDIR`.
///
/// Every call returns `ok` (the check passed: exit 0; it failed: exit 1, the
/// reason in `json["error"]`) and the script's JSON object. A usage error or
/// a crash of the script (exit 2, or no JSON) throws `XAdESCheck.ToolFailed`,
/// so a broken tool never reads as "signature invalid".
///
/// `index` picks one top-level `ds:Signature` (not nested in another one's
/// `ds:Object`), 0-based in document order, negative from the end; `nil` is
/// the last one.
public enum XAdESCheck {
    public struct ToolFailed: Error, CustomStringConvertible {
        public let description: String
    }

    /// `Tests/Tools/xades_check.py`.
    public static let script: URL = TestBench.repositoryRoot
        .appendingPathComponent("Tests").appendingPathComponent("Tools").appendingPathComponent("xades_check.py")

    /// Verifies with signxml's `XAdESVerifier` against `root` (default: the
    /// test PKI's root.pem), with `intermediates` added to the KeyInfo
    /// certificates. KeyUsage nonRepudiation alone is accepted. Detached
    /// references (relative, possibly percent-encoded file names) resolve
    /// against `baseDir` (default: the file's directory). `expectReferences`
    /// asserts the number of ds:Reference. `verificationTime` (ISO 8601) for
    /// certificates that are not valid now.
    ///
    /// JSON: `references` (`uri`, `type`, `digest_ok`, `signed_bytes`,
    /// `signed_sha256`, `file`), `signed_properties`
    /// (`SignedSignatureProperties`, `SignedDataObjectProperties`: local name →
    /// text or XML), `signing_time`, `signer` (`subject`, `serial`, `sha256`).
    /// Whatever signxml cannot check (XPath / XPath Filter 2.0 transforms,
    /// XPointer URIs, inherited xml:* attributes under inclusive C14N) fails
    /// with `unsupported: true`.
    public static func signxml(
        _ file: URL, root: String? = nil, intermediates: [String] = [], index: Int? = nil, baseDir: URL? = nil,
        expectReferences: Int? = nil, verificationTime: String? = nil, allowSHA1: Bool = false
    ) throws -> (ok: Bool, json: [String: Any]) {
        var arguments = ["signxml", file.path, "--root", try root ?? TestBench.pki("root.pem")]
        for ca in intermediates { arguments += ["--ca", ca] }
        if let index { arguments += ["--index", String(index)] }
        if let baseDir { arguments += ["--base-dir", baseDir.path] }
        if let expectReferences { arguments += ["--expect-references", String(expectReferences)] }
        if let verificationTime { arguments += ["--verification-time", verificationTime] }
        if allowSHA1 { arguments.append("--allow-sha1") }
        return try run(arguments)
    }

    /// Validates the chosen ds:Signature (cut out of an enveloping document
    /// with its in-scope namespace declarations) against XAdES 1.3.2 + 1.4.1
    /// with xmllint. JSON: `xmllint` (its messages), `catalog`.
    public static func schema(_ file: URL, index: Int? = nil) throws -> (ok: Bool, json: [String: Any]) {
        var arguments = ["schema", file.path]
        if let index { arguments += ["--index", String(index)] }
        return try run(arguments)
    }

    /// Writes the canonical `ds:SignatureValue` (per the SignatureTimeStamp's
    /// CanonicalizationMethod) to `outDir/signature-value.c14n` and the token
    /// to `outDir/token.der`. Fails when there is no SignatureTimeStamp or the
    /// token's messageImprint is not the digest of that input. JSON: `data`,
    /// `token`, `sha256`, `canonicalization`, `message_imprint`
    /// (`hash`, `digest_hex`, `gen_time`), `imprint_matches`.
    public static func timestamp(_ file: URL, outDir: URL, index: Int? = nil) throws -> (ok: Bool, json: [String: Any]) {
        var arguments = ["timestamp", file.path, "--out-dir", outDir.path]
        if let index { arguments += ["--index", String(index)] }
        return try run(arguments)
    }

    /// `timestamp`, then `openssl ts -verify` of the token over the extracted
    /// input, trusting `root` (default: the PKI's root.pem) with the bench
    /// TSA's chain as untrusted certificates.
    public static func verifyTimestamp(
        _ file: URL, index: Int? = nil, root: String? = nil, untrusted: String? = nil
    ) throws -> (ok: Bool, output: String) {
        let dir = try TestBench.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let extracted = try timestamp(file, outDir: dir, index: index)
        guard extracted.ok, let data = extracted.json["data"] as? String, let token = extracted.json["token"] as? String
        else { return (false, extracted.json["error"] as? String ?? "no time-stamp extracted") }
        let result = try TestBench.runCapturing("openssl", [
            "ts", "-verify", "-data", data, "-in", token, "-token_in",
            "-CAfile", try root ?? TestBench.pki("root.pem"),
            "-untrusted", try untrusted ?? TestBench.value("PODPIS_TSA_CHAIN"),
        ])
        let output = result.stdout + result.stderr
        return (result.status == 0 && output.contains("Verification: OK"), output)
    }

    /// Rebuilds with lxml, independently of Podpis, the input of the
    /// `stamp`-th (0-based, negative from the end; `nil`: the last)
    /// xades141:ArchiveTimeStamp of the chosen signature as EN 319 132-1
    /// §5.5.2.2 defines it: the references after their transforms, SignedInfo,
    /// SignatureValue, KeyInfo, the unsigned signature properties before the
    /// time-stamp and the other ds:Object elements, canonicalized with the
    /// time-stamp's CanonicalizationMethod. Detached references are read from
    /// `detachedDir` (default: the file's directory). Writes
    /// `outDir/archive-input.bin` and the token to `outDir/token.der`; fails
    /// when the token's messageImprint is not the digest of that input, or a
    /// reference has a form the script does not follow (named in `error`).
    /// JSON: `data`, `token`, `sha256`, `input_digest_hex` (the input's digest
    /// in the token's hash), `parts` (`what`, `bytes`, `sha256`,
    /// `reference_digest_ok` where a reference's octets are known),
    /// `stamp`, `stamp_count`, `stamp_id`, `message_imprint`, `imprint_matches`.
    public static func archiveTimestamp(
        _ file: URL, index: Int? = nil, stamp: Int? = nil, detachedDir: URL? = nil, outDir: URL
    ) throws -> (ok: Bool, json: [String: Any]) {
        var arguments = ["archive-timestamp", file.path, "--out-dir", outDir.path]
        if let index { arguments += ["--index", String(index)] }
        if let stamp { arguments += ["--stamp", String(stamp)] }
        if let detachedDir { arguments += ["--detached-dir", detachedDir.path] }
        return try run(arguments)
    }

    /// `archiveTimestamp`, then `openssl ts -verify -digest` of its token with
    /// the digest of the input the script rebuilt (also when the script found
    /// that the imprint differs: openssl then judges the same octets), trusting
    /// `root` (default: the PKI's root.pem) with the bench TSA's chain as
    /// untrusted certificates. `ok` is openssl's "Verification: OK".
    public static func verifyArchiveTimestamp(
        _ file: URL, index: Int? = nil, stamp: Int? = nil, detachedDir: URL? = nil, root: String? = nil,
        untrusted: String? = nil
    ) throws -> (ok: Bool, output: String) {
        let dir = try TestBench.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let extracted = try archiveTimestamp(file, index: index, stamp: stamp, detachedDir: detachedDir, outDir: dir)
        guard let token = extracted.json["token"] as? String,
            let digest = extracted.json["input_digest_hex"] as? String ?? extracted.json["sha256"] as? String
        else { return (false, extracted.json["error"] as? String ?? "no archive time-stamp extracted") }
        let verified = try verifyTimestampToken(token, digest: digest, root: root, untrusted: untrusted)
        let note = (extracted.json["error"] as? String).map { "xades_check.py: \($0)\n" } ?? ""
        return (verified.ok, note + verified.output)
    }

    /// `openssl ts -verify -digest HEX -token_in -in TOKEN` trusting `root`
    /// (default: the PKI's root.pem) with `untrusted` (default: the bench
    /// TSA's chain): whether openssl says "Verification: OK", and its output.
    public static func verifyTimestampToken(
        _ token: String, digest: String, root: String? = nil, untrusted: String? = nil
    ) throws -> (ok: Bool, output: String) {
        let result = try TestBench.runCapturing("openssl", [
            "ts", "-verify", "-digest", digest, "-token_in", "-in", token,
            "-CAfile", try root ?? TestBench.pki("root.pem"),
            "-untrusted", try untrusted ?? TestBench.value("PODPIS_TSA_CHAIN"),
        ])
        let output = result.stdout + result.stderr
        return (result.status == 0 && output.contains("Verification: OK"), output)
    }

    /// The structure of every top-level signature, as JSON (`signatures`: one
    /// object per signature, see `SignatureInfo`).
    public static func info(_ file: URL) throws -> (ok: Bool, json: [String: Any]) {
        try run(["info", file.path])
    }

    /// `info`, decoded.
    public static func signatures(_ file: URL) throws -> [SignatureInfo] {
        let (_, data) = try runRaw(["info", file.path])
        struct Info: Decodable { let signatures: [SignatureInfo] }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do {
            return try decoder.decode(Info.self, from: data).signatures
        } catch {
            throw ToolFailed(description: "xades_check.py info \(file.path): cannot decode its JSON: \(error)")
        }
    }

    public struct SignatureInfo: Decodable, Sendable {
        public struct Transform: Decodable, Sendable {
            public let algorithm: String?
            public let xpath: [String]?
            public let inclusiveNamespaces: String?
        }
        public struct Reference: Decodable, Sendable {
            public let id: String?
            public let uri: String?
            public let type: String?
            public let transforms: [Transform]
            public let digestMethod: String?
            public let digestValue: String?
        }
        public struct DataObjectFormat: Decodable, Sendable {
            public let objectReference: String?
            public let mimeType: String?
            public let description: String?
            public let encoding: String?
        }
        public let id: String?
        /// `root` (the document is the signature) or `inside`.
        public let position: String
        public let parent: String?
        public let signedInfoId: String?
        public let canonicalizationMethod: String?
        public let signatureMethod: String?
        public let signatureValueId: String?
        public let references: [Reference]
        public let keyInfoId: String?
        public let x509Certificates: Int
        public let keyValue: Bool
        public let objects: Int
        public let qualifyingProperties: Int
        public let qualifyingPropertiesTarget: String?
        public let signedPropertiesId: String?
        /// Local names of the children of SignedSignatureProperties, in order.
        public let signedSignatureProperties: [String]
        public let signedDataObjectProperties: [String]
        public let signingTime: String?
        public let dataObjectFormats: [DataObjectFormat]
        public let commitmentTypes: [String]
        public let unsignedSignatureProperties: [String]
        public let signatureTimestamp: Bool
        public let counterSignatures: Int
    }

    /// Runs `xades_check.py` with `arguments`: exit 0 → ok, 1 → not ok;
    /// anything else, or output that is not one JSON object, throws.
    public static func run(_ arguments: [String]) throws -> (ok: Bool, json: [String: Any]) {
        let (status, data) = try runRaw(arguments)
        guard let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw ToolFailed(description: "xades_check.py \(arguments.joined(separator: " ")): output is not a JSON object")
        }
        return (status == 0, json)
    }

    private static func runRaw(_ arguments: [String]) throws -> (status: Int32, stdout: Data) {
        let values = try TestBench.require()
        let pydir = values["PODPIS_XADES_PYDIR"]
            ?? TestBench.repositoryRoot.appendingPathComponent(".testbed").appendingPathComponent("py-xades").path
        guard FileManager.default.fileExists(atPath: pydir + "/signxml") else {
            throw TestBench.NotUp(description: "signxml is not installed in \(pydir): run testbed/install-deps.sh")
        }
        let python = values["PODPIS_PYTHON"] ?? "/usr/bin/python3"
        let result = try TestBench.runCapturing(
            python, [script.path] + arguments,
            environment: ["PYTHONPATH": pydir, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONIOENCODING": "utf-8"])
        guard result.status == 0 || result.status == 1 else {
            throw ToolFailed(description:
                "xades_check.py \(arguments.joined(separator: " ")) exited \(result.status): \(result.stdout) \(result.stderr)")
        }
        return (result.status, Data(result.stdout.utf8))
    }
}
