import Audit
import Localization

extension StationProblem {
    /// The audit line of a signature could not be written: the signature is
    /// not released (fail closed), and the answer says why.
    public static func auditUnavailable(_ error: AuditError) -> StationProblem {
        StationProblem(.unavailable, messages.sentence("audit-unavailable", ["reason": error.reason]),
            reason: "audit-write-failed")
    }
}
