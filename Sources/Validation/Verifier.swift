import CAdES
import Evidence
import Foundation
import XAdES

/// Validates every signature of a file: reads it (XAdES or CAdES), examines
/// each signature and counter-signature, validates each per EN 319 102-1
/// with the trust sources and revocation data given, and gives one report.
/// Never touches a token; never downloads a trusted list.
public struct Verifier: Sendable {
    public var policy: ValidationPolicy
    public var sources: [TrustSource]
    public var revocation: any RevocationChecking
    /// The trusted lists: anchors and the qualification of signatures.
    public var trustedLists: TrustedListTrust?

    public init(
        policy: ValidationPolicy = ValidationPolicy(), sources: [TrustSource], trustedLists: TrustedListTrust? = nil,
        revocation: any RevocationChecking = NoRevocationData()
    ) {
        self.policy = policy
        self.sources = sources + (trustedLists.map { [$0.source] } ?? [])
        self.trustedLists = trustedLists
        self.revocation = revocation
    }

    /// The signed file's format, from its first bytes.
    public enum FileFormat: String, Sendable { case xml, cms }

    public static func format(of bytes: [UInt8]) -> FileFormat? {
        var index = 0
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { index = 3 }
        while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        guard index < bytes.count else { return nil }
        if bytes[index] == UInt8(ascii: "<") { return .xml }
        if bytes[index] == 0x30 || bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "M") { return .cms }
        return nil
    }

    /// Reads and validates `bytes` (the signed file, named `name`) with the
    /// detached files given. Throws only when the file cannot be read as a
    /// signature format at all (an input refusal with its own code).
    public func verify(_ bytes: [UInt8], name: String, detached: [DetachedData] = []) async throws -> ValidationReport {
        let policy = self.policy.fixed()
        let examined: [ExaminedSignature]
        switch Self.format(of: bytes) {
        case .xml:
            let document = try XMLDocument.parse(bytes: bytes, name: name)
            examined = XAdESExaminer.examine(document, detached: detached)
        case .cms:
            examined = try Self.examineCMS(bytes, name: name, detached: detached)
        case nil:
            throw ValidationError(.unknownFormat, name)
        }
        let validator = SignatureValidator(policy: policy, sources: sources, revocation: revocation, lists: trustedLists)
        var reports: [SignatureReport] = []
        var queue = examined
        while !queue.isEmpty {
            let signature = queue.removeFirst()
            reports.append(await validator.validate(signature))
            queue.insert(contentsOf: signature.counterSignatures, at: 0)
        }
        return ValidationReport(
            validationTime: policy.validationTime, policy: policy.name,
            trustSources: sources.map { source in
                ValidationReport.TrustSourceReport(
                    name: source.name, kind: source.kind.rawValue, issued: source.issued, nextUpdate: source.nextUpdate,
                    expired: source.nextUpdate.map { $0 < policy.validationTime } ?? false)
            },
            document: ValidationReport.DocumentReport(
                name: name, sha256: hex(DigestAlgorithm.sha256.digest(bytes)), size: bytes.count,
                detached: detached.isEmpty ? nil : try detached.map { file in
                    let measured = try file.measure([.sha256])
                    return ValidationReport.DocumentReport(name: file.name, sha256: hex(measured.digests[.sha256] ?? []), size: measured.size, detached: nil)
                }),
            indication: reports.map(\.indication).max(), signatures: reports)
    }
}
