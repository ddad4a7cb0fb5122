import Audit
import Localization

extension StationProblem {
    /// The audit line of a signature could not be written: the signature is
    /// not released (fail closed), and the answer says why.
    public static func auditUnavailable(_ error: AuditError) -> StationProblem {
        StationProblem(
            "audit-unavailable", kind: .unavailable, title: "Audit trail unavailable",
            message: ClerkText(
                pl: "Nie można zapisać śladu audytowego (\(error.reason)), więc podpisu nie wydano. Zgłoś to administratorowi stanowiska.",
                en: "The audit trail cannot be written (\(error.reason)), so the signature was not released. Tell the station's administrator."),
            reason: "audit-write-failed")
    }
}
