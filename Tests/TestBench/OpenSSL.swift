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
