import Foundation

/// The seal profile `zaswiadczenia` as the tests of `podpis seal` write it
/// into a podpisd.toml, whether podpis seals itself (`--local`) or a podpisd
/// of the test's own does.
public enum SealProfileTOML {
    /// `[pkcs11]` naming `modules` only (none of those registered with
    /// p11-kit), then `[seal.zaswiadczenia]` on `certificate`: XML documents
    /// sealed XAdES enveloped, all others CAdES detached, then `lines`.
    public static func sections(certificate: String, modules: [String], _ lines: String) -> String {
        """
        [pkcs11]
        modules = [\(modules.map { "\"\($0)\"" }.joined(separator: ", "))]
        use_registered = false
        [seal.zaswiadczenia]
        certificate = "\(certificate)"
        xml = "xades-enveloped"
        other = "cades-detached"
        \(lines)
        """
    }

    /// Writes `dir/podpisd.toml` for `podpis seal --local`: the audit trail in
    /// `dir/audit.jsonl`, the bench's SoftHSM module, and the profile on
    /// `certificate` with `lines` added. Returns its path.
    public static func writeLocal(in dir: URL, certificate: String, _ lines: String) throws -> String {
        let config = dir.appendingPathComponent("podpisd.toml").path
        try Data("""
            [server]
            audit_file = "\(dir.appendingPathComponent("audit.jsonl").path)"
            \(sections(certificate: certificate, modules: [try TestBench.value("PODPIS_SOFTHSM_MODULE")], lines))
            """.utf8).write(to: URL(fileURLWithPath: config))
        return config
    }

    /// Writes `pin` and a newline to `path`, readable by its owner only (a
    /// profile's `pin_file`). Returns the path.
    @discardableResult
    public static func writePINFile(_ path: String, pin: String) throws -> String {
        try Data((pin + "\n").utf8).write(to: URL(fileURLWithPath: path))
        chmod(path, 0o600)
        return path
    }
}
