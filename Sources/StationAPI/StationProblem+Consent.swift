import Localization

/// Refusals that keep the consent screen true: texts that could forge it,
/// digests the clerk cannot check, agents that are not the clerk's.
extension StationProblem {
    public static let badRole = StationProblem(
        "bad-role", kind: .invalid, title: "Bad role",
        message: ClerkText(
            pl: "role: od 1 do 256 znaków, bez znaków sterujących, kierunkowych (bidi) i niewidocznych.",
            en: "role: 1 to 256 characters, no control, bidi or invisible characters."))

    public static func badMediaType(index: Int) -> StationProblem {
        StationProblem(
            "bad-mime-type", kind: .invalid, title: "Bad media type",
            message: ClerkText(
                pl: "documents[\(index)].mimeType nie jest typem mediów wg RFC 6838 (typ/podtyp, np. application/pdf, opcjonalnie ; nazwa=wartość).",
                en: "documents[\(index)].mimeType is not an RFC 6838 media type (type/subtype, e.g. application/pdf, optionally ; name=value)."))
    }

    /// `field`: `documents[N].name` (JSON form) or `name` (the raw form's `?name=`).
    public static func badDocumentName(_ field: String) -> StationProblem {
        StationProblem(
            "bad-name", kind: .invalid, title: "Bad document name",
            message: ClerkText(
                pl: "\(field) musi być nazwą pliku bez ścieżki, do 255 bajtów, bez znaków sterujących, kierunkowych (bidi) i niewidocznych.",
                en: "\(field) must be a file name without a path, at most 255 bytes, with no control, bidi or invisible characters."))
    }

    public static let badApplication = StationProblem(
        "bad-application", kind: .invalid, title: "Bad application name",
        message: ClerkText(
            pl: "application: nazwa od 1 do 100 znaków, bez znaków sterujących, kierunkowych (bidi) i niewidocznych.",
            en: "application: a name of 1 to 100 characters, no control, bidi or invisible characters."))

    public static let digestOnlyNotAllowed = StationProblem(
        "digest-only-not-allowed", kind: .notAllowed, title: "Digest-only signing not allowed",
        message: ClerkText(
            pl: "Dla tego certyfikatu i tego nadawcy nie wolno podpisać samego skrótu: wyślij treść dokumentu (polityka digest_only w podpisd.toml).",
            en: "For this certificate and this requester a digest alone may not be signed: send the document's content (policy digest_only in podpisd.toml)."))

    public static func agentNotAllowed(_ who: String) -> StationProblem {
        StationProblem(
            "agent-not-allowed", kind: .notAllowed, title: "Not allowed as the agent",
            message: ClerkText(
                pl: "Ten użytkownik (\(who)) nie może być agentem podpisu: tylko użytkownik demona albo wymieniony w [server] agent_users.",
                en: "This user (\(who)) may not be the signing agent: only the daemon's user or one listed in [server] agent_users."))
    }

    public static let notTheAskedAgent = StationProblem(
        "not-the-asked-agent", kind: .notAllowed, title: "Not the agent that was asked",
        message: ClerkText(
            pl: "Na to pytanie odpowiada tylko agent, któremu je zadano (X-Podpis-Agent z jego zdarzenia hello).",
            en: "Only the agent that was asked may answer this question (X-Podpis-Agent from its hello event)."))

    public static let badTerminal = StationProblem(
        "bad-terminal", kind: .invalid, title: "Bad terminal name",
        message: ClerkText(
            pl: "terminal: do 64 znaków ASCII (litery, cyfry, / . _ - :).",
            en: "terminal: at most 64 ASCII characters (letters, digits, / . _ - :)."))
}
