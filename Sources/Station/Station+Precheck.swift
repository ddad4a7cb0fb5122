import Foundation

extension Station {
    /// What can be decided before a request's body is read: the certificate
    /// exists (or the only usable one is chosen), its policy admits this
    /// requester for `documents` documents, and the token's queue has room.
    /// A request refused here has written nothing to disk; ``sign(_:requester:requestID:)``
    /// checks the same again with the documents in hand.
    public func precheck(certificate: String?, requester: Requester, documents: Int) async throws(StationProblem) {
        do {
            let (report, _) = try await chooseCertificate(certificate)
            try settings.policy(for: report.facts.sha256).admit(
                requester, documents: documents, holder: report.facts.commonName ?? report.facts.subject)
            let worker = await workers.worker(key: "\(report.module)|\(report.tokenSerial)|\(report.token)", label: report.token)
            if await worker.gate.waiting >= settings.maximumQueuePerToken { throw StationProblem.queueFull }
        } catch {
            throw StationProblem(error)
        }
    }
}
