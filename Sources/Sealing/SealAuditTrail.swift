import Audit
import Foundation
import Localization

/// The audit trail as the sealer writes it: one line per sealed or failed
/// document, with who asked (the batch's owner), the seal certificate, the
/// document's name, size and SHA-256.
public struct SealAuditTrail: SealAudit {
    public let trail: AuditTrail
    public let requester: Requester
    public let batch: String

    public init(trail: AuditTrail, requester: Requester, batch: String) {
        self.trail = trail
        self.requester = requester
        self.batch = batch
    }

    public func record(_ result: SealResult, key: SealKey, settings: SealSettings) async throws {
        let method = result.method ?? settings.other
        let entry = AuditTrail.Entry(
            time: Date(), requestId: batch, requester: requester, certificate: String(key.facts.sha256.prefix(16)),
            holder: key.facts.commonName ?? key.facts.subject, token: key.tokenLabel,
            documents: [.init(name: result.name, size: result.size, sha256: result.sha256)],
            format: method.isXAdES ? "xades" : "cades", packaging: method.rawValue.split(separator: "-").last.map(String.init) ?? "",
            level: settings.level.rawValue, result: result.state == .failed ? "failed" : "signed", problem: result.code, prev: "")
        do {
            try await trail.append(entry)
        } catch {
            let reason = (error as? AuditError)?.reason ?? "\(error)"
            throw SealError("audit-unavailable", messages.text("audit-unavailable", ["reason": reason]))
        }
    }

    public func contains(name: String, sha256: String) async -> Bool {
        guard let data = FileManager.default.contents(atPath: trail.path) else { return false }
        for line in data.split(separator: 0x0A) {
            guard let entry = AuditLine(Data(line))?.entry, entry.result == "signed" else { continue }
            if entry.documents.contains(where: { $0.name == name && $0.sha256 == sha256 }) { return true }
        }
        return false
    }
}
