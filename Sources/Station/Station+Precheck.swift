import Audit
import Foundation
import Inventory
import StationAPI

/// A request let in: its certificate chosen, its policy applied, the audit
/// trail able to take its line, and room in its token's queue.
public struct Admission: Sendable {
    let report: CertificateReport
    let der: [UInt8]
    let worker: TokenWorker
}

extension Station {
    /// What can be decided before a request's body is read (the raw form):
    /// the same admission ``sign(_:requester:requestID:admitted:)`` makes,
    /// for one document. A request refused here has written nothing to
    /// disk; the admission it returns is handed to `sign`, which applies the
    /// policy and checks the queue again but does not list the tokens twice.
    public func precheck(certificate: String?, requester: Requester, documents: Int) async throws(StationProblem) -> Admission {
        do {
            return try await admit(certificate: certificate, requester: requester, documents: documents, digestOnly: false, chosen: nil)
        } catch {
            throw StationProblem(error)
        }
    }

    /// The certificate (`chosen` when it was already), then who may use it
    /// and how many documents per consent, a digest sent alone only where
    /// the policy allows it (digest_only); nobody is asked for a PIN for a
    /// signature whose audit line could not be written; and the token's
    /// queue has room.
    func admit(
        certificate: String?, requester: Requester, documents: Int, digestOnly: Bool, chosen: Admission?
    ) async throws -> Admission {
        let (report, der): (CertificateReport, [UInt8])
        if let chosen { (report, der) = (chosen.report, chosen.der) } else { (report, der) = try await chooseCertificate(certificate) }
        try settings.policy(for: report.facts.sha256).admit(
            requester, documents: documents, holder: report.facts.commonName ?? report.facts.subject, digestOnly: digestOnly)
        if let audit { do { try await audit.check() } catch { throw StationProblem.auditUnavailable(error) } }
        let worker = await workers.worker(key: "\(report.module)|\(report.tokenSerial)|\(report.token)", label: report.token)
        if await worker.gate.waiting >= settings.maximumQueuePerToken { throw StationProblem.queueFull }
        return Admission(report: report, der: der, worker: worker)
    }
}
