import Foundation

/// Checks done by the openssl CLI: someone else's tool judges our output.
public enum OpenSSL {
    /// Verifies a signature over `data` with the public key of the certificate
    /// in `certificatePEMPath`. `scheme` is `pkcs1`, `pss` or `ecdsa` (DER signature).
    public static func verify(
        data: Data, signature: Data, certificatePEMPath: String, digest: String = "sha256", scheme: String
    ) throws -> (ok: Bool, output: String) {
        let dir = try TestBench.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let dataFile = dir.appendingPathComponent("data")
        let sigFile = dir.appendingPathComponent("sig")
        let pubFile = dir.appendingPathComponent("pub.pem")
        try data.write(to: dataFile)
        try signature.write(to: sigFile)
        let isPublicKey = (try? String(contentsOfFile: certificatePEMPath, encoding: .utf8))?.contains("PUBLIC KEY") ?? false
        if isPublicKey {
            try FileManager.default.copyItem(atPath: certificatePEMPath, toPath: pubFile.path)
        } else {
            try TestBench.run("openssl", ["x509", "-in", certificatePEMPath, "-pubkey", "-noout", "-out", pubFile.path])
        }
        var args = ["dgst", "-\(digest)", "-verify", pubFile.path, "-signature", sigFile.path]
        if scheme == "pss" { args += ["-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:-1"] }
        args.append(dataFile.path)
        let result = try TestBench.runCapturing("openssl", args)
        return (result.status == 0 && result.stdout.contains("Verified OK"), result.stdout + result.stderr)
    }

    /// `openssl cms -verify` of a detached CMS signature (DER, the file
    /// `signature`) over the file `content`, trusting the test PKI's chain for
    /// any purpose: its exit status (0: it verifies) and what openssl said.
    public static func verifyDetachedCMS(_ signature: String, content: String) throws -> (status: Int32, stdout: String, stderr: String) {
        try TestBench.runCapturing("openssl", [
            "cms", "-verify", "-binary", "-inform", "DER", "-in", signature, "-content", content,
            "-CAfile", try TestBench.pki("chain.pem"), "-purpose", "any", "-out", "/dev/null",
        ])
    }

    /// `digest` in lowercase hex, as podpis writes a document's SHA-256.
    public static func hexDigest(_ name: String, _ data: Data) throws -> String {
        try digest(name, data).map { String(format: "%02x", $0) }.joined()
    }

    /// The SHA-256 (hex) of the DER of a certificate of the test PKI (`seal`,
    /// `person-ec`, …: its file `NAME.der`), which podpis's certificate ids are made of.
    public static func certificateSHA256(_ name: String) throws -> String {
        try hexDigest("sha256", try Data(contentsOf: URL(fileURLWithPath: try TestBench.pki("\(name).der"))))
    }

    /// A digest (`sha256`, `sha384`, `sha512`) of data, computed by openssl
    /// so that tests do not trust our own hashing.
    public static func digest(_ name: String, _ data: Data) throws -> [UInt8] {
        let dir = try TestBench.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("data")
        try data.write(to: file)
        let hex = try TestBench.run("openssl", ["dgst", "-\(name)", "-r", file.path]).split(separator: " ")[0]
        return stride(from: 0, to: hex.count, by: 2).map { i in
            let start = hex.index(hex.startIndex, offsetBy: i)
            return UInt8(hex[start..<hex.index(start, offsetBy: 2)], radix: 16)!
        }
    }
}
