import SignatureAlgorithms
import CAdES
import Foundation
import PKCS11
import SigningFixtures
import Signing
import TestBench
import XCTest

/// Keys on the bench's SoftHSM tokens, wrapped as CAdES signers, and the
/// independent tools that judge the results.
/// The bench's token signers (SigningFixtures) and the independent tools
/// that judge CAdES results.
enum CAdESFixtures {
    typealias KeyKind = TokenSigners.KeyKind
    typealias Counter = TokenSigners.Counter
    static func kinds() throws -> [KeyKind] { try TokenSigners.kinds() }
    static func signer(_ kind: KeyKind, module: Module, counter: Counter = Counter(), digest: HashAlgorithm = .sha256) throws -> Signer {
        try TokenSigners.signer(kind, module: module, counter: counter, digest: digest)
    }
    static func der(of pemPath: String) throws -> [UInt8] { try TokenSigners.der(of: pemPath) }

    /// `openssl cms -verify` trusting the test root; `content` for detached signatures.
    /// `rootOnly`: trust only the test root (the signature must carry its chain).
    static func opensslVerify(_ signature: String, content: String? = nil, noVerify: Bool = false, rootOnly: Bool = false) throws -> (ok: Bool, output: String) {
        var args = ["cms", "-verify", "-binary", "-inform", "DER", "-in", signature, "-out", "/dev/null", "-purpose", "any"]
        if noVerify {
            args.append("-noverify")
        } else if rootOnly {
            args += ["-CAfile", try TestBench.pki("root.pem")]
        } else {
            // openssl cms has no -untrusted: the file holds the test root and its qualified CA.
            args += ["-CAfile", try TestBench.pki("chain.pem")]
        }
        if let content { args += ["-content", content] }
        let result = try TestBench.runCapturing("openssl", args)
        return (result.status == 0 && result.stderr.contains("Verification successful"), result.stdout + result.stderr)
    }

    /// What asn1crypto (an independent parser) reads in a CMS file.
    static func inspect(_ path: String, reencode: Bool = false) throws -> [String: Any] {
        let script = TestBench.repositoryRoot.appendingPathComponent("Tests/Tools/cms_inspect.py").path
        let output = try TestBench.run("/usr/bin/python3", [script, path] + (reencode ? ["--reencode"] : []))
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
    }

    static func write(_ bytes: [UInt8], _ dir: URL, _ name: String) throws -> String {
        let url = dir.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }
}

/// Each CAdES test gets a scratch directory and a fresh SoftHSM module.
class CAdESTestCase: SigningTestCase {}
