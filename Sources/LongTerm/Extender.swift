import CAdES
import Evidence
import Foundation
import Validation

/// Extends the signatures of a file to B-LT: validates them first (a
/// signature that is not intact, a signer revoked before signing, or an
/// expired certificate without proof of existence is refused, saying which),
/// gathers what they must carry (``ValidationDataCollector``), adds it, and
/// validates the result with no revocation source but what it carries; only
/// a result whose every signature is TOTAL-PASSED is returned.
/// CAdES today; XAdES B-LT and both formats' B-LTA are the rest of issue 22.
public struct Extender: Sendable {
    /// Validation before extension: trust sources, lists and revocation (cache, network).
    public let verifier: Verifier
    public let collector: ValidationDataCollector

    public init(verifier: Verifier, collector: ValidationDataCollector) {
        self.verifier = verifier
        self.collector = collector
    }

    public struct Extended: Sendable {
        public let bytes: [UInt8]
        /// The report of the extended file, validated with what it carries only.
        public let report: ValidationReport
    }

    public func extendToLT(_ bytes: [UInt8], name: String, detached: [DetachedData] = []) async throws -> Extended {
        switch Verifier.format(of: bytes) {
        case .cms?: break
        case .xml?: throw LongTermError(.unsupportedFormat, "\(name): XAdES (CAdES can be extended to B-LT now)")
        case nil: throw LongTermError(.noSignature, name)
        }
        let before = try await verifier.verify(bytes, name: name, detached: detached)
        guard !before.signatures.isEmpty else { throw LongTermError(.noSignature, name) }
        try Self.refuseUnextendable(before)

        var data = LongTermData()
        let examined = try CAdESExaminer.examine(bytes, name: name, detached: detached)
        for signature in examined { data.merge(await collector.collect(for: signature)) }
        guard data.missing.isEmpty else { throw LongTermError(.dataMissing, data.missing.joined(separator: "; ")) }
        let extended = try CAdES.addValidationData(
            CAdES.ValidationData(certificates: data.certificates, crls: data.crls, ocspResponses: data.ocspResponses), to: bytes)

        var carriedOnly = verifier
        carriedOnly.revocation = RevocationSources()  // what the signature carries, nothing else
        let after = try await carriedOnly.verify(extended, name: name, detached: detached)
        if let failing = after.signatures.first(where: { $0.indication != .totalPassed }) {
            throw LongTermError(.notPassed, Self.describe(failing))
        }
        return Extended(bytes: extended, report: after)
    }

    /// The refusals of the issue: not intact, revoked, expired without proof of existence.
    static func refuseUnextendable(_ report: ValidationReport) throws {
        for signature in report.signatures {
            switch (signature.indication, signature.subIndication) {
            case (.totalFailed, .revoked?), (.indeterminate, .revokedNoPOE?), (.indeterminate, .revokedCANoPOE?):
                throw LongTermError(.revoked, describe(signature))
            case (.indeterminate, .outOfBoundsNoPOE?), (.indeterminate, .outOfBoundsNotRevoked?):
                throw LongTermError(.expiredWithoutProof, describe(signature))
            case (.totalFailed, _):
                throw LongTermError(.notIntact, describe(signature))
            default:
                continue
            }
        }
    }

    static func describe(_ signature: SignatureReport) -> String {
        let who = signature.signer?.name ?? signature.signer?.subject ?? signature.id
        return "\(who): \(signature.indication.rawValue)\(signature.subIndication.map { "/\($0.rawValue)" } ?? "") — \(signature.reason)"
    }
}
