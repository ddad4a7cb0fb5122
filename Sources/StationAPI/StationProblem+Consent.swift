import Localization

/// Refusals that keep the consent screen true: texts that could forge it,
/// digests the clerk cannot check, agents that are not the clerk's.
extension StationProblem {
    public static let badRole = StationProblem(.invalid, messages.sentence("bad-role"))

    public static func badMediaType(index: Int) -> StationProblem {
        StationProblem(.invalid, messages.sentence("bad-mime-type", ["index": index]))
    }

    /// `field`: `documents[N].name` (JSON form) or `name` (the raw form's `?name=`).
    public static func badDocumentName(_ field: String) -> StationProblem {
        StationProblem(.invalid, messages.sentence("bad-name", ["field": field]))
    }

    public static let badApplication = StationProblem(.invalid, messages.sentence("bad-application"))

    public static let digestOnlyNotAllowed = StationProblem(.notAllowed, messages.sentence("digest-only-not-allowed"))

    public static func agentNotAllowed(_ who: String) -> StationProblem {
        StationProblem(.notAllowed, messages.sentence("agent-not-allowed", ["who": who]))
    }

    public static let notTheAskedAgent = StationProblem(.notAllowed, messages.sentence("not-the-asked-agent"))

    public static let badTerminal = StationProblem(.invalid, messages.sentence("bad-terminal"))
}
